package org.myelin.optim;

/** Hyper-parameter validation with messages naming the owner, the hyper-parameter, the range and the value. */
final class Check {
    private Check() {
    }

    /** {@code v > 0} and finite. */
    static double positive(String owner, String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be > 0 and finite, was " + v);
        }
        return v;
    }

    /** {@code v >= 0} and finite. */
    static double nonNegative(String owner, String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be >= 0 and finite, was " + v);
        }
        return v;
    }

    /** {@code v} in {@code [0, 1)}. */
    static double unitHalfOpen(String owner, String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be in [0, 1), was " + v);
        }
        return v;
    }

    /** {@code v} in {@code (0, 1)}. */
    static double unitOpen(String owner, String name, double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be in (0, 1), was " + v);
        }
        return v;
    }

    /** {@code v} in {@code (0, 1]}. */
    static double unitLeftOpen(String owner, String name, double v) {
        if (!(v > 0 && v <= 1)) {
            throw new IllegalArgumentException(owner + ": " + name + " must be in (0, 1], was " + v);
        }
        return v;
    }

    /** {@code v >= 1}. */
    static long atLeastOne(String owner, String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(owner + ": " + name + " must be >= 1, was " + v);
        }
        return v;
    }
}
