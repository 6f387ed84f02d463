package org.myelin.ops;

/**
 * Average pooling over {@code kh x kw} windows of NCHW images: {@code Y[n, c, y, x]} is the mean of the window's
 * cells that lie inside the image (padding cells are not counted, PyTorch's {@code count_include_pad=False}).
 * Gradient: {@code dY[n, c, y, x]} is shared equally among those cells.
 *
 * <p>Shapes: see {@link Pool2dOp}.
 */
public final class AvgPool2d extends Pool2dOp {

    /** Window {@code kh x kw}, stride {@code sh, sw}, padding {@code ph, pw} (at most half the window). */
    public AvgPool2d(int kh, int kw, int sh, int sw, int ph, int pw) {
        super(kh, kw, sh, sw, ph, pw, false);
    }

    @Override
    String nd4jOp() {
        return "avgpool2d";
    }

    @Override
    int extraParameter() {
        return 0;
    }
}
