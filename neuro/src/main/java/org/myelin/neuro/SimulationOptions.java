package org.myelin.neuro;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The string options of one {@code simulate} scenario: the accepted keys with their defaults, and typed reads
 * that fail with the scenario, the key, what was expected and what was given.
 */
final class SimulationOptions {
    private final String scenario;
    private final Map<String, String> values = new LinkedHashMap<>();

    /** Checks {@code given} against {@code defaults} (which fixes the accepted keys and their order). */
    SimulationOptions(String scenario, Map<String, String> defaults, Map<String, String> given) {
        this.scenario = scenario;
        values.putAll(defaults);
        if (given != null) {
            for (Map.Entry<String, String> e : given.entrySet()) {
                if (!defaults.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("simulate " + scenario + ": unknown option '" + e.getKey()
                            + "', expected one of " + defaults.keySet());
                }
                values.put(e.getKey(), e.getValue());
            }
        }
    }

    double number(String key) {
        String raw = raw(key);
        try {
            double x = org.myelin.io.Text.parseDecimal(raw.trim());
            if (!Double.isFinite(x)) {
                throw new NumberFormatException();
            }
            return x;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("simulate " + scenario + ": option '" + key
                    + "' must be a finite number, was '" + org.myelin.io.Text.shorten(raw, 40) + "'");
        }
    }

    double positive(String key) {
        double x = number(key);
        if (!(x > 0)) {
            throw new IllegalArgumentException("simulate " + scenario + ": option '" + key + "' must be > 0, was " + x);
        }
        return x;
    }

    int count(String key) {
        String raw = raw(key);
        try {
            int n = Integer.parseInt(raw.trim());
            if (n < 1) {
                throw new IllegalArgumentException("simulate " + scenario + ": option '" + key + "' must be >= 1, was "
                        + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("simulate " + scenario + ": option '" + key
                    + "' must be a whole number in 1.." + Integer.MAX_VALUE + ", was '" + org.myelin.io.Text.shorten(raw, 40)
                    + "'");
        }
    }

    long integer(String key) {
        String raw = raw(key);
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("simulate " + scenario + ": option '" + key
                    + "' must be a whole number in " + Long.MIN_VALUE + ".." + Long.MAX_VALUE + ", was '"
                    + org.myelin.io.Text.shorten(raw, 40) + "'");
        }
    }

    /** A comma-separated list of numbers, e.g. {@code 5,10,20}. */
    double[] numbers(String key) {
        String raw = raw(key);
        List<Double> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                double x = org.myelin.io.Text.parseDecimal(part.trim());
                if (!Double.isFinite(x)) {
                    throw new NumberFormatException();
                }
                out.add(x);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("simulate " + scenario + ": option '" + key
                        + "' must be a comma-separated list of numbers, was '" + raw + "'");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("simulate " + scenario + ": option '" + key
                    + "' must list at least one number, was '" + raw + "'");
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private String raw(String key) {
        String raw = values.get(key);
        if (raw == null) {
            throw new IllegalArgumentException("simulate " + scenario + ": option '" + key + "' has no value");
        }
        return raw;
    }
}
