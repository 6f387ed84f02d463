package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code 1 / x} elementwise; d/dx = -1/x^2 = -out^2. */
public final class Reciprocal extends Op {
    private INDArray out;

    @Override
    protected INDArray forward(INDArray... in) {
        out = in[0].rdiv(1.0);
        return out;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.mul(out).muli(out).negi()};
    }

    @Override
    protected void release() {
        out = null;
    }
}
