package org.myelin.ops;

import org.myelin.Preconditions;
import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adds a bias row to every row of a batch: {@code Z[i, j] = X[i, j] + b[j]}.
 *
 * <p>Shapes: X {@code [B, n]}, b {@code [n]} or {@code [1, n]}, Z {@code [B, n]}. Backward: {@code dX = dZ},
 * {@code db = column sums of dZ}.
 */
public final class BiasAdd extends Op {
    private long[] biasShape;

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        INDArray b = in[1];
        Preconditions.requireRank(name(), "input", x, 2);
        if (b.length() != x.size(1) || b.rank() > 2 || (b.rank() == 2 && b.size(0) != 1)) {
            throw new IllegalArgumentException(name() + ": bias has shape " + Shapes.str(b.shape()) + ", expected ["
                    + x.size(1) + "] or [1, " + x.size(1) + "] for input " + Shapes.str(x.shape()));
        }
        biasShape = b.shape();
        return x.addRowVector(b.reshape(1, x.size(1)));
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        INDArray gb = needsGrad(1) ? gradOut.sum(0).reshape(biasShape) : null;
        return new INDArray[] {needsGrad(0) ? gradOut : null, gb};
    }
}
