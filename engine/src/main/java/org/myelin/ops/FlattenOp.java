package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Flattens every sample of a batch in row-major order, {@code [N, d1, d2, ...] -> [N, d1 d2 ...]} (between
 * convolutional and dense layers); the gradient is reshaped back.
 *
 * <p>Shapes: X {@code [N, ...]} of rank >= 2, Y {@code [N, prod(...)]}.
 */
public final class FlattenOp extends Op {
    private long[] inShape;

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        if (x.rank() < 2) {
            throw new IllegalArgumentException(
                    name() + ": input has shape " + Shapes.str(x.shape()) + ", expected [N, ...] of rank >= 2");
        }
        inShape = x.shape();
        long n = inShape[0];
        long d = 1;
        for (int i = 1; i < inShape.length; i++) {
            d *= inShape[i];
        }
        return x.dup('c').reshape('c', n, d);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.dup('c').reshape('c', inShape)};
    }
}
