package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code -x}. */
public final class Neg extends Op {
    @Override
    protected INDArray forward(INDArray... in) {
        return in[0].neg();
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.neg()};
    }
}
