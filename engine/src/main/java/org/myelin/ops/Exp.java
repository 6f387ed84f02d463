package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code e^x} elementwise; d/dx = e^x = out. */
public final class Exp extends Op {
    private INDArray out;

    @Override
    protected INDArray forward(INDArray... in) {
        out = Transforms.exp(in[0], true);
        return out;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.mul(out)};
    }

    @Override
    protected void release() {
        out = null;
    }
}
