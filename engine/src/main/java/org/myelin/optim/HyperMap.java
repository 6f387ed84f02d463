package org.myelin.optim;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Reads hyper-parameters from a JSON-compatible map, naming the owner and the key in every error. */
final class HyperMap {
    private final String owner;
    private final Map<String, Object> values;

    /** Rejects any key not in {@code allowed}. */
    HyperMap(String owner, Map<String, Object> values, String... allowed) {
        this.owner = owner;
        this.values = values == null ? Map.of() : values;
        Set<String> known = new LinkedHashSet<>(Arrays.asList(allowed));
        for (String key : this.values.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(owner + ": unknown hyper-parameter '" + key
                        + "', expected one of " + known);
            }
        }
    }

    /** The number under {@code key}, or {@code fallback} if absent. */
    double number(String key, double fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException(owner + ": hyper-parameter '" + key + "' must be a number, was "
                    + describe(v));
        }
        return n.doubleValue();
    }

    /** The whole number under {@code key}, or {@code fallback} if absent. */
    long integer(String key, long fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
                || Double.isInfinite(n.doubleValue())) {
            throw new IllegalArgumentException(owner + ": hyper-parameter '" + key
                    + "' must be a whole number, was " + describe(v));
        }
        // Exact: a JSON integer beyond a long arrives as a BigInteger, whose longValue() would wrap.
        java.util.OptionalLong exact = org.myelin.io.Json.exactLong(n);
        if (exact.isEmpty()) {
            throw new IllegalArgumentException(owner + ": hyper-parameter '" + key + "' must be a whole number in "
                    + Long.MIN_VALUE + ".." + Long.MAX_VALUE + ", was " + describe(v));
        }
        return exact.getAsLong();
    }

    /** The string under {@code key}, or {@code fallback} if absent. */
    String string(String key, String fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(owner + ": hyper-parameter '" + key + "' must be a string, was "
                    + describe(v));
        }
        return s;
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    /** A value for an error message: strings quoted, others with their type. */
    static String describe(Object v) {
        return v instanceof String s ? org.myelin.io.Text.quote(s, 80)
                : org.myelin.io.Text.shorten(String.valueOf(v), 80) + " (" + v.getClass().getSimpleName() + ")";
    }
}
