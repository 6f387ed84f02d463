package org.myelin.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
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

    /**
     * What picocli's message for an option without its value ends with when another argument took the place of the
     * value: {@code Expected parameter for option '--epochs' but found '--out'}.
     */
    private static final Pattern FOUND_INSTEAD = Pattern.compile("but found '(.*)'$", Pattern.DOTALL);

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
        if (ex instanceof MissingParameterException missing) {
            String m = String.valueOf(ex.getMessage());
            List<ArgSpec> args = missing.getMissing();
            if (args.size() == 1 && args.get(0) instanceof OptionSpec option && m.contains("for option")) {
                return withoutValue(option, FOUND_INSTEAD.matcher(m)) + help;
            }
            if (!args.isEmpty()) {
                return missingArguments(args);
            }
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

    /**
     * An option given without its value, in one line naming the option, what it takes (its label and, where its
     * converter says, the range) and what came instead: {@code --epochs expects N (an integer in 1..2147483647),
     * found the option --out}, where picocli said {@code Expected parameter for option '--epochs' but found
     * '--out'}.
     */
    private static String withoutValue(OptionSpec option, Matcher foundInstead) {
        String expects = option.paramLabel();
        ITypeConverter<?>[] converters = option.converters();
        if (converters != null && converters.length > 0 && converters[0] instanceof Converters.Expecting e) {
            expects += " (" + e.expected() + ")";
        }
        String found = "nothing after it";
        if (foundInstead.find()) {
            String arg = foundInstead.group(1);
            CommandSpec spec = option.command();
            found = spec != null && spec.findOption(optionName(arg)) != null
                    ? "the option " + arg
                    : "'" + org.myelin.io.Text.shorten(arg, 40) + "'";
        }
        return option.longestName() + " expects " + expects + ", found " + found;
    }

    /**
     * Required arguments that are absent ({@code myelin export} without {@code --onnx}), named with what the command
     * needs: {@code missing --onnx OUT.onnx; usage: myelin export MODEL.zip --onnx OUT.onnx}.
     */
    private static String missingArguments(List<ArgSpec> missing) {
        List<String> names = new ArrayList<>();
        for (ArgSpec arg : missing) {
            names.add(arg instanceof OptionSpec o ? o.longestName() + " " + o.paramLabel() : arg.paramLabel());
        }
        return "missing " + String.join(" and ", names) + "; usage: "
                + requiredUsage(missing.get(0).command());
    }

    /**
     * The command with its positional parameters and its required options: {@code myelin export MODEL.zip --onnx
     * OUT.onnx}, {@code myelin simulate SCENARIO [KEY=VALUE...]}.
     */
    static String requiredUsage(CommandSpec spec) {
        StringBuilder usage = new StringBuilder(spec.qualifiedName());
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String label = p.paramLabel() + (p.isMultiValue() ? "..." : "");
            usage.append(' ').append(p.arity().min() > 0 ? label : "[" + label + "]");
        }
        for (OptionSpec o : spec.requiredArgs().stream()
                .filter(OptionSpec.class::isInstance)
                .map(OptionSpec.class::cast)
                .toList()) {
            usage.append(' ').append(o.longestName()).append(' ').append(o.paramLabel());
        }
        return usage.toString();
    }

    /** {@code --epochs} of {@code --epochs=3}; any other argument as it is. */
    private static String optionName(String arg) {
        int eq = arg.indexOf('=');
        return arg.startsWith("--") && eq > 2 ? arg.substring(0, eq) : arg;
    }

    private static String unmatched(UnmatchedArgumentException ex, String arg) {
        List<String> suggestions = ex.getSuggestions();
        String didYouMean = suggestions.isEmpty() ? "" : " (did you mean " + String.join(" or ", suggestions) + "?)";
        var spec = ex.getCommandLine().getCommandSpec();
        if (arg.startsWith("-") && arg.length() > 1 && !arg.matches("-\\d.*")) {
            return "unknown option " + optionName(arg) + didYouMean;
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
