package org.myelin.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Help.Ansi.Text;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The settings every Myelin command line shares (the engine's {@code myelin} and the spark module's {@code myelin
 * train --spark}): option values after a space or an equals sign ({@code --epochs 3}, as the help shows them, or
 * {@code --epochs=3}), the one-line errors, the version line of every command that offers {@code -V}, and the exit
 * codes: 0 success, 1 a failure while running, 2 a usage error.
 */
public final class CommandLines {
    /** Width of the generated help. */
    static final int HELP_WIDTH = 100;

    private CommandLines() {}

    /** Applies the shared settings to {@code cl} and every subcommand it has now; returns it. */
    public static CommandLine configure(CommandLine cl) {
        // picocli's default separator "=" takes both --epochs 3 and --epochs=3 (a separator " " refused the second);
        // the help still shows "--epochs N" (SpacedHelp).
        cl.setSeparator("=");
        cl.setHelpFactory(SpacedHelp::new);
        cl.setUsageHelpWidth(HELP_WIDTH);
        cl.setParameterExceptionHandler(new UsageErrors());
        cl.setExecutionExceptionHandler(new Failures());
        offerVersion(cl);
        return cl;
    }

    /**
     * Gives every command that offers {@code -V, --version} (picocli's standard help options) the version line of
     * {@code myelin --version}: without a provider of its own, {@code myelin train -V} printed an empty line.
     */
    private static void offerVersion(CommandLine cl) {
        CommandSpec spec = cl.getCommandSpec();
        if (spec.mixinStandardHelpOptions() && spec.versionProvider() == null && spec.version().length == 0) {
            spec.versionProvider(new MyelinCommand.Version());
        }
        cl.getSubcommands().values().forEach(CommandLines::offerVersion);
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

    /**
     * picocli's help with two changes: an option's value follows a space ({@code --epochs N}, as the README writes
     * it, though {@code --epochs=N} is taken too), and the usage line wraps only between its items, never inside
     * {@code [--activation NAME]} or at the dot of {@code MODEL.zip} (picocli's line breaking split both).
     */
    static final class SpacedHelp extends Help {
        SpacedHelp(CommandSpec spec, Help.ColorScheme colorScheme) {
            super(spec, colorScheme);
        }

        private IParamLabelRenderer spaced;

        @Override
        public IParamLabelRenderer parameterLabelRenderer() {
            if (spaced == null) { // lazily: picocli may ask while its constructor runs
                spaced = spaced(super.parameterLabelRenderer());
            }
            return spaced;
        }

        private static IParamLabelRenderer spaced(IParamLabelRenderer picocli) {
            return new IParamLabelRenderer() {
                @Override
                public Text renderParameterLabel(ArgSpec arg, Help.Ansi ansi, List<Help.Ansi.IStyle> styles) {
                    Text label = picocli.renderParameterLabel(arg, ansi, styles);
                    String separator = picocli.separator();
                    if (arg.isOption() && label.plainString().startsWith(separator)) {
                        return ansi.new Text(" ").concat(label.substring(separator.length()));
                    }
                    return label;
                }

                @Override
                public String separator() {
                    return " ";
                }
            };
        }

        @Override
        protected String insertSynopsisCommandName(int headingLength, Text items) {
            String name = commandSpec().qualifiedName();
            int indent = headingLength + name.length() + 1;
            int width = Math.max(commandSpec().usageMessage().width() - indent, 20);
            StringBuilder out =
                    new StringBuilder(colorScheme().commandText(name).toString());
            String plain = items.plainString();
            int start = plain.startsWith(" ") ? 1 : 0; // picocli's items start with a space
            boolean first = true;
            for (int[] line : lines(plain, start, width)) {
                out.append(first ? " " : System.lineSeparator() + " ".repeat(indent));
                out.append(items.substring(line[0], line[1]).toString());
                first = false;
            }
            return out.append(System.lineSeparator()).toString();
        }

        /**
         * The lines of {@code text} from {@code start}, each at most {@code width} characters where possible, broken
         * only at spaces outside brackets: {@code [--epochs N]}, {@code [KEY=VALUE...]} and {@code MODEL.zip} stay
         * whole; an item longer than a line gets a line of its own.
         */
        static List<int[]> lines(String text, int start, int width) {
            List<int[]> items = new ArrayList<>();
            int depth = 0;
            int itemStart = start;
            for (int i = start; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '[' || c == '(' || c == '<') {
                    depth++;
                } else if ((c == ']' || c == ')' || c == '>') && depth > 0) {
                    depth--;
                } else if (c == ' ' && depth == 0) {
                    if (i > itemStart) {
                        items.add(new int[] {itemStart, i});
                    }
                    itemStart = i + 1;
                }
            }
            if (itemStart < text.length()) {
                items.add(new int[] {itemStart, text.length()});
            }
            List<int[]> lines = new ArrayList<>();
            int[] line = null;
            for (int[] item : items) {
                if (line != null && item[1] - line[0] <= width) {
                    line[1] = item[1];
                } else {
                    line = new int[] {item[0], item[1]};
                    lines.add(line);
                }
            }
            return lines;
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
