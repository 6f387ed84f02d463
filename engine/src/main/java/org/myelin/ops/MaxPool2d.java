package org.myelin.ops;

import org.myelin.kernel.Conv2dGeometry;
import org.myelin.kernel.Pooling;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling over {@code kh x kw} windows of NCHW images: {@code Y[n, c, y, x]} is the largest
 * {@code X[n, c, y sh - ph + i, x sw - pw + j]} inside the image.
 *
 * <p>Gradient: all of {@code dY[n, c, y, x]} goes to the arg-max of its window; overlapping windows add up.
 * Ties: when several cells of a window share the maximum, the first in row-major order within the window
 * (smallest {@code i}, then smallest {@code j}) takes the whole gradient (tested in {@code PoolingTest}).
 *
 * <p>Shapes: see {@link Pool2dOp}.
 */
public final class MaxPool2d extends Pool2dOp {

    /** Window {@code kh x kw}, stride {@code sh, sw}, padding {@code ph, pw} (at most half the window). */
    public MaxPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        super(kh, kw, sh, sw, ph, pw, false);
    }

    /** Window {@code kh x kw}, stride {@code sh, sw}, "same" padding (output side {@code ceil(H / sh)}). */
    public static MaxPool2d same(int kh, int kw, int sh, int sw) {
        return new MaxPool2d(kh, kw, sh, sw, true);
    }

    private MaxPool2d(int kh, int kw, int sh, int sw, boolean same) {
        super(kh, kw, sh, sw, 0, 0, same);
    }

    /**
     * The backward pass on the native kernel wherever convolutions run natively ({@link Pooling#nativeApplies}); same
     * values and tie rule as ND4J's {@code maxpool2d_bp}. The forward pass stays on ND4J's {@code maxpool2d}, which
     * measured faster than the native one (docs/benchmarks.md, "CNN training step").
     */
    @Override
    INDArray nativeBackward(INDArray input, INDArray gradOut, Conv2dGeometry g) {
        return Pooling.nativeApplies(input, g) ? Pooling.maxPoolBackward(input, gradOut, g) : null;
    }

    @Override
    String nd4jOp() {
        return "maxpool2d";
    }

    @Override
    int extraParameter() {
        return 0;
    }
}
