package org.myelin.ops;

import org.myelin.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Row-wise one-hot of the arg-max ("hardmax", CS 489 §6.3; see docs/notes.md): 1 at the largest entry of each row (the
 * first on ties), 0 elsewhere. Piecewise constant, so it is for predictions only: asking for a gradient through it is
 * an error.
 *
 * <p>Shapes: Z {@code [B, n]}, A {@code [B, n]}.
 */
final class OneHot implements Activation {

    @Override
    public String name() {
        return "one_hot";
    }

    @Override
    public INDArray forward(INDArray z) {
        Preconditions.requireRank("OneHot", "input", z, 2);
        INDArray idx = Nd4j.argMax(z, 1);
        INDArray out = Nd4j.zeros(z.dataType(), z.shape());
        for (long i = 0; i < z.size(0); i++) {
            out.putScalar(i, idx.getLong(i), 1.0);
        }
        return out;
    }

    @Override
    public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
        throw new IllegalStateException("OneHot (hardmax) has no gradient: it is piecewise constant."
                + " Use it for predictions only; train through softmax (e.g. the fused softmax cross-entropy loss)");
    }

    @Override
    public boolean differentiable() {
        return false;
    }

    @Override
    public String toString() {
        return name();
    }
}
