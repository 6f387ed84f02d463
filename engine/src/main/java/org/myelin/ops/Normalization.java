package org.myelin.ops;

import org.myelin.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Checks shared by the normalisation ops. */
final class Normalization {
    private Normalization() {}

    /** X must be {@code [B, n]}; G and B must each hold n values as {@code [n]} or {@code [1, n]}. */
    static void checkAffine(String op, INDArray x, INDArray gain, INDArray shift) {
        Preconditions.requireRank(op, "input", x, 2);
        long n = x.size(1);
        check(op, "gain G", gain, n, x);
        check(op, "shift B", shift, n, x);
    }

    /** A running statistic must hold n values as {@code [n]} or {@code [1, n]} for an input {@code [B, n]}. */
    static void checkStatistic(String op, String what, INDArray stat, INDArray x) {
        check(op, what, stat, x.size(1), x);
    }

    private static void check(String op, String what, INDArray p, long n, INDArray x) {
        if (p.length() != n || p.rank() > 2 || (p.rank() == 2 && p.size(0) != 1)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shapes.str(p.shape()) + ", expected ["
                    + n + "] or [1, " + n + "] for input " + Shapes.str(x.shape()));
        }
    }
}
