package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Base of the broadcasting binary ops: computes the output shape and reduces gradients back to each input. */
abstract class ElementwiseBinary extends Op {

    protected INDArray x;
    protected INDArray y;
    protected long[] outShape;

    @Override
    protected final INDArray forward(INDArray... in) {
        x = in[0];
        y = in[1];
        outShape = Shapes.broadcast(name(), x.shape(), y.shape());
        return compute(expand(x), expand(y));
    }

    /** {@code a} viewed at the output shape (a broadcast view, no copy when possible). */
    protected INDArray expand(INDArray a) {
        if (java.util.Arrays.equals(a.shape(), outShape)) {
            return a;
        }
        INDArray r = a.rank() == outShape.length ? a : a.reshape(padShape(a.shape()));
        return r.broadcast(outShape);
    }

    private long[] padShape(long[] s) {
        long[] p = new long[outShape.length];
        java.util.Arrays.fill(p, 1);
        System.arraycopy(s, 0, p, outShape.length - s.length, s.length);
        return p;
    }

    /** The op on two arrays of the output shape; returns a fresh array. */
    protected abstract INDArray compute(INDArray a, INDArray b);

    /** The gradient with respect to each operand before reduction, both of the output shape. */
    protected abstract INDArray gradX(INDArray gradOut);

    protected abstract INDArray gradY(INDArray gradOut);

    @Override
    protected final INDArray[] backward(INDArray gradOut) {
        INDArray gx = needsGrad(0) ? Shapes.reduceTo(gradX(gradOut), x.shape()) : null;
        INDArray gy = needsGrad(1) ? Shapes.reduceTo(gradY(gradOut), y.shape()) : null;
        return new INDArray[] {gx, gy};
    }

    @Override
    protected void release() {
        x = null;
        y = null;
    }
}
