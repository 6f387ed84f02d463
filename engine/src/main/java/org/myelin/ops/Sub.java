package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/** {@code x - y} with numpy-style broadcasting. */
public final class Sub extends ElementwiseBinary {
    @Override
    protected INDArray compute(INDArray a, INDArray b) {
        return a.sub(b);
    }

    @Override
    protected INDArray gradX(INDArray gradOut) {
        return gradOut;
    }

    @Override
    protected INDArray gradY(INDArray gradOut) {
        return gradOut.neg();
    }
}
