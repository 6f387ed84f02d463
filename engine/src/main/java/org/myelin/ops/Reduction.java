package org.myelin.ops;

/**
 * How a loss combines the per-sample losses of a batch of B rows: {@code SUM} adds them, {@code MEAN} divides
 * the sum by B (the expectation over the data set of CS 479 §2.3; see docs/notes.md). Per-sample losses always sum over
 * outputs.
 */
public enum Reduction {
    SUM,
    MEAN;

    double scale(long batch) {
        return this == MEAN ? 1.0 / batch : 1.0;
    }
}
