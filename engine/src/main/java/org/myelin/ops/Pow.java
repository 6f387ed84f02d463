package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** {@code x^p} elementwise for a constant exponent {@code p}; d/dx = p x^(p-1). */
public final class Pow extends Op {
    private final double exponent;
    private INDArray x;

    public Pow(double exponent) {
        if (!Double.isFinite(exponent)) {
            throw new IllegalArgumentException("Pow: exponent must be finite, was " + exponent);
        }
        this.exponent = exponent;
    }

    @Override
    protected INDArray forward(INDArray... in) {
        x = in[0];
        return Transforms.pow(x, exponent, true);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        INDArray local = Transforms.pow(x, exponent - 1, true).muli(exponent);
        return new INDArray[] {local.muli(gradOut)};
    }

    @Override
    protected void release() {
        x = null;
    }
}
