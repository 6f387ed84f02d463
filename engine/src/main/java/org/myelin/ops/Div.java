package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Elementwise quotient {@code x / y} with numpy-style broadcasting; d/dx = 1/y, d/dy = -x/y^2. */
public final class Div extends ElementwiseBinary {
    @Override
    protected INDArray compute(INDArray a, INDArray b) {
        return a.div(b);
    }

    @Override
    protected INDArray gradX(INDArray gradOut) {
        return gradOut.div(expand(y));
    }

    @Override
    protected INDArray gradY(INDArray gradOut) {
        INDArray ey = expand(y);
        return gradOut.mul(expand(x)).divi(ey).divi(ey).negi();
    }
}
