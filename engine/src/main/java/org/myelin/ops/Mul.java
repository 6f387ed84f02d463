package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Elementwise (Hadamard) product {@code x (.) y} with numpy-style broadcasting. */
public final class Mul extends ElementwiseBinary {
    @Override
    protected INDArray compute(INDArray a, INDArray b) {
        return a.mul(b);
    }

    @Override
    protected INDArray gradX(INDArray gradOut) {
        return gradOut.mul(expand(y));
    }

    @Override
    protected INDArray gradY(INDArray gradOut) {
        return gradOut.mul(expand(x));
    }
}
