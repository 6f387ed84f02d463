package org.myelin.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import picocli.CommandLine;

/**
 * The settings every Myelin command line shares (the engine's {@code myelin} and the spark module's {@code myelin
 * train --spark}): option values after a space ({@code --epochs 3}, as the help shows them), the one-line errors
 * and the exit codes: 0 success, 1 a failure while running, 2 a usage error.
 */
public final class CommandLines {
    /** Width of the generated help. */
    static final int HELP_WIDTH = 100;

    private CommandLines() {}

    /** Applies the shared settings to {@code cl} and every subcommand it has now; returns it. */
    public static CommandLine configure(CommandLine cl) {
        cl.setSeparator(" ");
        cl.setUsageHelpWidth(HELP_WIDTH);
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionExceptionHandler(new Failures());
        return cl;
    }

    /** Runs {@code args} on {@code cl} (configured here), printing help and errors to {@code out} and {@code err}. */
    public static int execute(CommandLine cl, String[] args, PrintStream out, PrintStream err) {
        configure(cl);
        PrintWriter outWriter = writerOn(out);
        PrintWriter errWriter = writerOn(err);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        try {
            return cl.execute(args);
        } finally {
            outWriter.flush();
            errWriter.flush();
        }
    }

    /** A writer that prints through {@code stream}, so text keeps the stream's own encoding. */
    private static PrintWriter writerOn(PrintStream stream) {
        return new PrintWriter(
                new Writer() {
                    @Override
                    public void write(char[] chars, int offset, int length) {
                        stream.print(new String(chars, offset, length));
                    }

                    @Override
                    public void flush() {
                        stream.flush();
                    }

                    @Override
                    public void close() {
                        flush(); // the stream belongs to the caller
                    }
                },
                true);
    }
}
