package org.myelin.config;

import org.myelin.ConfigurationException;

/**
 * Range checks for the compact constructors of config records. Each names the record component's JSON key; the
 * {@link ConfigBinder} puts the record's path in front ({@code optimizer.learning_rate: must be > 0, was -0.1}).
 */
public final class Require {
    private Require() {}

    /** A finite number {@code > 0}. */
    public static double positive(String key, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new ConfigurationException(key, "must be > 0, was " + v);
        }
        return v;
    }

    /** A finite number {@code >= 0}. */
    public static double nonNegative(String key, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new ConfigurationException(key, "must be >= 0, was " + v);
        }
        return v;
    }

    /** A number in {@code [lo, hi)} ({@code hiInclusive}: {@code [lo, hi]}). */
    public static double range(String key, double v, double lo, double hi, boolean hiInclusive) {
        if (!(v >= lo) || (hiInclusive ? !(v <= hi) : !(v < hi))) {
            throw new ConfigurationException(
                    key, "must be in [" + lo + ", " + hi + (hiInclusive ? "]" : ")") + ", was " + v);
        }
        return v;
    }

    /** A whole number {@code >= min}. */
    public static long atLeast(String key, long v, long min) {
        if (v < min) {
            throw new ConfigurationException(key, "must be >= " + min + ", was " + v);
        }
        return v;
    }

    /**
     * The exact whole value of {@code o} (a number as {@link org.myelin.io.Json} reads it) in {@code min..max}: a
     * number that is not whole, or one outside the range (however large: JSON numbers arrive as BigInteger beyond a
     * long), is refused with the range, never wrapped or rounded.
     */
    public static long whole(String key, Object o, long min, long max) {
        java.util.OptionalLong n = org.myelin.io.Json.exactLong(o);
        boolean wholeButHuge =
                o instanceof java.math.BigInteger || (o instanceof Double d && Double.isFinite(d) && d == Math.rint(d));
        if (n.isEmpty() && !wholeButHuge) {
            throw new ConfigurationException(key, "must be an integer, was " + show(o));
        }
        if (n.isPresent() && n.getAsLong() < min) {
            throw new ConfigurationException(key, "must be >= " + min + ", was " + n.getAsLong());
        }
        if (o instanceof Double d && Math.abs(d) > 0x1p53 && Math.abs(d) < 0x1p63 && d >= min && d <= max) {
            // In range, but a double this large stands for many integers: ask for the exact digits.
            throw new ConfigurationException(
                    key,
                    "must be an integer written in digits (without a fraction or an"
                            + " exponent) when beyond 2^53, was " + show(o));
        }
        if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > max) {
            throw new ConfigurationException(key, "must be an integer in " + min + ".." + max + ", was " + show(o));
        }
        return n.getAsLong();
    }

    /** A value for a message: strings quoted, anything else as written. */
    static String show(Object o) {
        return o instanceof String s
                ? org.myelin.io.Text.quote(s, 80)
                : org.myelin.io.Text.shorten(String.valueOf(o), 80);
    }
}
