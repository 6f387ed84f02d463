package org.myelin.cli;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line picocli cannot parse: one line on standard error, {@code myelin train: unknown option --epoch (did
 * you mean --epochs?); see 'myelin train --help'}, and exit code 2. Nothing has run yet.
 */
final class UsageErrors implements IParameterExceptionHandler {
    static final int EXIT_CODE = 2;

    /** What picocli's {@code help} command throws for a name that is no command: {@code Unknown subcommand 'x'.} */
    private static final Pattern UNKNOWN_SUBCOMMAND = Pattern.compile("Unknown subcommand '(.*)'\\.");

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + message(ex));
        cl.getErr().flush();
        return EXIT_CODE;
    }

    /** The error in one line, without the command's name. */
    static String message(ParameterException ex) {
        String help = "; see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'";
        if (ex.getCause() instanceof TypeConversionException bad && ex.getArgSpec() instanceof OptionSpec option) {
            // The converter's message names the expected and the actual value; the option's name goes first.
            return option.longestName() + " " + bad.getMessage();
        }
        if (ex instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()) {
            return unmatched(unmatched, unmatched.getUnmatched().get(0)) + help;
        }
        Matcher m = UNKNOWN_SUBCOMMAND.matcher(String.valueOf(ex.getMessage()));
        var subcommands = ex.getCommandLine().getCommandSpec().subcommands();
        if (m.matches() && !subcommands.isEmpty()) {
            // myelin help NAME: the same words as for myelin NAME.
            return "unknown command '" + m.group(1) + "'; expected one of " + subcommands.keySet() + help;
        }
        return oneLine(ex.getMessage()) + help;
    }

    private static String unmatched(UnmatchedArgumentException ex, String arg) {
        List<String> suggestions = ex.getSuggestions();
        String didYouMean = suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)";
        var spec = ex.getCommandLine().getCommandSpec();
        if (arg.startsWith("-") && arg.length() > 1 && !arg.matches("-\\d.*")) {
            return "unknown option " + arg + didYouMean;
        }
        if (!spec.subcommands().isEmpty()) {
            return "unknown command '" + arg + "'" + didYouMean + "; expected one of "
                    + spec.subcommands().keySet();
        }
        return "unexpected argument '" + org.myelin.io.Text.shorten(arg, 40) + "'";
    }

    private static String oneLine(String message) {
        return message == null ? "invalid command line" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }
}
