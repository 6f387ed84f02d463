package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Mean of all elements (a scalar), or along one axis kept as size 1; the gradient is spread evenly. */
public final class Mean extends Op {
    private final Integer axis;
    private long[] inShape;
    private long count;

    /** Mean of all elements. */
    public Mean() {
        this.axis = null;
    }

    /** Mean along {@code axis}, kept as a dimension of size 1. */
    public Mean(int axis) {
        this.axis = axis;
    }

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        inShape = x.shape();
        if (axis == null) {
            count = x.length();
            return x.mean();
        }
        Reductions.checkAxis(name(), x, axis);
        count = x.size(axis);
        return x.mean(true, axis);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {Reductions.spread(gradOut, inShape, 1.0 / count)};
    }
}
