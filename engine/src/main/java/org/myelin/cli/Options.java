package org.myelin.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --name value} / {@code --flag} parsing against a fixed set of known names, plus positional arguments. */
final class Options {
    final Map<String, String> values = new LinkedHashMap<>();
    final List<String> positional = new ArrayList<>();

    static Options parse(String[] args, Set<String> valued, Set<String> flags) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                o.positional.add(a);
                continue;
            }
            String name = a.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            if (flags.contains(name) && inline == null) {
                o.values.put(name, "true");
            } else if (valued.contains(name)) {
                if (inline == null) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    inline = args[++i];
                }
                o.values.put(name, inline);
            } else {
                throw new UsageException("unknown option --" + name + "; known: --" + String.join(", --", known(valued, flags)));
            }
        }
        return o;
    }

    private static List<String> known(Set<String> valued, Set<String> flags) {
        List<String> all = new ArrayList<>(valued);
        all.addAll(flags);
        return all;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name) {
        return values.get(name);
    }

    /** A whole number in the range of int; a larger one is refused with the range, never wrapped. */
    int integer(String name) {
        String v = values.get(name).trim();
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            String range = v.matches("[+-]?\\d+") ? " in " + Integer.MIN_VALUE + ".." + Integer.MAX_VALUE : "";
            throw new UsageException("--" + name + " must be an integer" + range + ", was '" + shown(name) + "'");
        }
    }

    /** A number in plain decimal notation (not Java's {@code 0x1p3} or {@code 1f}). */
    double number(String name) {
        try {
            return org.myelin.io.Text.parseDecimal(values.get(name).trim());
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, was '" + shown(name) + "'");
        }
    }

    private String shown(String name) {
        return org.myelin.io.Text.shorten(values.get(name), 40);
    }
}
