package org.myelin.config;

import java.util.Locale;
import org.myelin.ConfigurationException;

/**
 * A component name with optional numeric arguments, as activations and initialisers are written in configs:
 * {@code relu}, {@code leaky_relu(0.05)}, {@code uniform(-1, 1)}. Spaces are ignored and the name is lower-cased, so
 * the name part can be looked up in a {@link Registry}.
 *
 * @param name      the part before the parenthesis, lower case
 * @param arguments the numbers between the parentheses (none without them)
 */
public record NameWithArguments(String name, double[] arguments) {

    /**
     * Parses {@code text}.
     *
     * @param path where the text was found, for messages
     * @param kind what it names ({@code "activation"}), for messages
     * @throws ConfigurationException for an argument that is not a number
     */
    public static NameWithArguments parse(String path, String kind, String text) {
        String n = text.replace(" ", "").toLowerCase(Locale.ROOT);
        int open = n.indexOf('(');
        if (open < 0 || !n.endsWith(")")) {
            return new NameWithArguments(n, new double[0]);
        }
        String inner = n.substring(open + 1, n.length() - 1);
        String[] parts = inner.isEmpty() ? new String[0] : inner.split(",", -1);
        double[] args = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                args[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new ConfigurationException(
                        path, kind + " '" + text + "': argument '" + parts[i] + "' is not a number");
            }
        }
        return new NameWithArguments(n.substring(0, open), args);
    }

    /**
     * The arguments, checked to be {@code count} of them.
     *
     * @throws ConfigurationException otherwise, naming the component and the expected count
     */
    public double[] require(String path, String kind, String text, int count) {
        if (arguments.length != count) {
            throw new ConfigurationException(
                    path,
                    kind + " '" + text + "': " + name + " takes " + count + " argument(s), was given "
                            + arguments.length);
        }
        return arguments;
    }
}
