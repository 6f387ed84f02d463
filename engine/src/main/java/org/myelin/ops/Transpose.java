package org.myelin.ops;

import org.myelin.Preconditions;
import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Transpose of a matrix: {@code [m, n] -> [n, m]}. */
public final class Transpose extends Op {
    @Override
    protected INDArray forward(INDArray... in) {
        Preconditions.requireRank(name(), "input", in[0], 2);
        return in[0].transpose().dup('c');
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.transpose().dup('c')};
    }
}
