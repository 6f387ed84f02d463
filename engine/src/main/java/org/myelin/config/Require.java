package org.myelin.config;

import org.myelin.ConfigurationException;

/**
 * Range checks for the compact constructors of config records. Each names the record component's JSON key; the
 * {@link ConfigBinder} puts the record's path in front ({@code optimizer.learning_rate: must be > 0, was -0.1}).
 */
public final class Require {
    private Require() {
    }

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
            throw new ConfigurationException(key, "must be in [" + lo + ", " + hi + (hiInclusive ? "]" : ")")
                    + ", was " + v);
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
}
