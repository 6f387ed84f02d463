package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The same elements in a new shape (c order); the gradient is reshaped back. */
public final class Reshape extends Op {
    private final long[] shape;
    private long[] inShape;

    public Reshape(long... shape) {
        this.shape = shape.clone();
    }

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != x.length()) {
            throw new IllegalArgumentException(name() + ": cannot reshape " + Shapes.str(x.shape()) + " (" + x.length()
                    + " elements) to " + Shapes.str(shape) + " (" + n + " elements)");
        }
        inShape = x.shape();
        return x.dup('c').reshape('c', shape);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.dup('c').reshape('c', inShape)};
    }
}
