package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Natural logarithm elementwise; d/dx = 1/x. Non-positive inputs give -inf / NaN as in IEEE arithmetic. */
public final class Log extends Op {
    private INDArray x;

    @Override
    protected INDArray forward(INDArray... in) {
        x = in[0];
        return Transforms.log(x, true);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.div(x)};
    }

    @Override
    protected void release() {
        x = null;
    }
}
