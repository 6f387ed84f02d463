package org.myelin.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * A command that failed while running: one line {@code myelin train: MESSAGE} on standard error. Exit code 2 for
 * a {@link UsageException} (a value the parser could not judge, such as {@code --classes 0}), 1 for bad input or an
 * I/O error found by the library; anything else is a bug and gets its stack trace.
 */
final class Failures implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        String command = cl.getCommandSpec().qualifiedName();
        var err = cl.getErr();
        int code = 1;
        if (ex instanceof UsageException) {
            err.println(command + ": " + ex.getMessage());
            code = UsageErrors.EXIT_CODE;
        } else if (ex instanceof org.myelin.MyelinException
                || ex instanceof IllegalArgumentException
                || ex instanceof IllegalStateException
                || ex instanceof IOException
                || ex instanceof UncheckedIOException) {
            err.println(command + ": " + oneLine(ex.getMessage()));
        } else {
            err.println(command + ": unexpected " + ex);
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * The message as one line: a message quotes text from the input files (a model's {@code format} or saved loss, a
     * parameter name), and a newline or terminal escape there printed as several lines or drove the terminal. Line
     * breaks become {@code "; "} (as in usage errors), other control characters {@code '?'}.
     */
    static String oneLine(String message) {
        if (message == null) {
            return "failed (no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", "; ").replaceAll("\\p{Cntrl}", "?");
    }
}
