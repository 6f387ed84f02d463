package org.myelin.ops;

import org.myelin.Preconditions;
import org.myelin.Profiler;
import org.myelin.autodiff.Op;
import org.myelin.autodiff.StepArrays;
import org.myelin.kernel.Gemm;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Matrix product {@code Z = X W}.
 *
 * <p>Shapes: X {@code [B, in]}, W {@code [in, out]}, Z {@code [B, out]}. Backward: {@code dX = dZ W^T},
 * {@code dW = X^T dZ}, each one gemm into a fresh c-order array (gemm reads the transposes in place).
 */
public final class MatMul extends Op {
    private INDArray x;
    private INDArray w;

    @Override
    protected INDArray forward(INDArray... in) {
        x = in[0];
        w = in[1];
        Preconditions.requireRank(name(), "left operand", x, 2);
        Preconditions.requireRank(name(), "right operand", w, 2);
        if (x.size(1) != w.size(0)) {
            throw new IllegalArgumentException(name() + ": left operand has shape " + Shapes.str(x.shape())
                    + " and right operand " + Shapes.str(w.shape()) + "; expected the right operand to have "
                    + x.size(1) + " rows, was " + w.size(0));
        }
        return gemm(x, w, false, false);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        INDArray gx = needsGrad(0) ? gemm(gradOut, w, false, true) : null;
        INDArray gw = needsGrad(1) ? gemm(x, gradOut, true, false) : null;
        return new INDArray[] {gx, gw};
    }

    /** {@code op(a) op(b)} into a fresh c-order array, {@code op} the transpose where asked (read in place). */
    public static INDArray gemm(INDArray a, INDArray b, boolean transA, boolean transB) {
        long rows = transA ? a.size(1) : a.size(0);
        long cols = transB ? b.size(0) : b.size(1);
        try (Profiler.Scope s = Profiler.gemm(rows, transA ? a.size(0) : a.size(1), cols, transA, transB)) {
            return Gemm.into(a, b, StepArrays.uninitialized(a.dataType(), rows, cols), transA, transB);
        }
    }

    @Override
    protected void release() {
        x = null;
        w = null;
    }
}
