package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Sum of all elements (a scalar of shape {@code []}), or along one axis keeping it as size 1
 * ({@code [B, n]} summed over axis 0 gives {@code [1, n]}), so the result broadcasts back against the input.
 */
public final class Sum extends Op {
    private final Integer axis;
    private long[] inShape;

    /** Sum of all elements. */
    public Sum() {
        this.axis = null;
    }

    /** Sum along {@code axis}, kept as a dimension of size 1. */
    public Sum(int axis) {
        this.axis = axis;
    }

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        inShape = x.shape();
        if (axis == null) {
            return x.sum();
        }
        Reductions.checkAxis(name(), x, axis);
        return x.sum(true, axis);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {Reductions.spread(gradOut, inShape, 1.0)};
    }
}
