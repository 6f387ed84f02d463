package org.myelin.ops;

import org.myelin.Preconditions;
import org.myelin.autodiff.Op;
import org.myelin.kernel.Conv2dGeometry;
import org.myelin.kernel.ConvKernels;
import org.myelin.kernel.Convolutions;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * 2-d convolution in NCHW (cross-correlation, as PyTorch and TensorFlow define it; LeCun et al. 1998):
 * {@code Y[n, o, y, x] = b[o] + sum_{c, i, j} W[o, c, i, j] X[n, c, y sh - pt + i dh, x sw - pl + j dw]}, X taken
 * as 0 in the zero padding. Inputs {@code (X, W)} or {@code (X, W, b)}.
 *
 * <p>Backward: {@code dX} is the transposed convolution of dY with W, {@code dW} the correlation of X with dY,
 * {@code db} the sum of dY over batch and positions. The arithmetic runs on {@link Convolutions#active()}: native
 * im2col + one gemm per pass, or ND4J's conv2d ops (the reference).
 *
 * <p>Padding: explicit {@code ph, pw} zero rows and columns on each side, or "same" ({@link #same}): output side
 * {@code ceil(H / sh)}, the total padding split with the smaller half on top / left.
 *
 * <p>Shapes: X {@code [N, C, H, W]}, W {@code [O, C, kh, kw]}, b {@code [O]}, Y {@code [N, O, outH, outW]} with
 * {@code outH = floor((H + 2 ph - (kh - 1) dh - 1) / sh) + 1} (see {@link Conv2dGeometry}).
 */
public final class Conv2dOp extends Op {
    private final int sh;
    private final int sw;
    private final int ph;
    private final int pw;
    private final int dh;
    private final int dw;
    private final boolean same;
    private final ConvKernels kernels;
    private INDArray x;
    private INDArray w;
    private Conv2dGeometry geometry;
    private boolean hasBias;

    /** Stride 1, no padding, no dilation, on the active kernels. */
    public Conv2dOp() {
        this(1, 1, 0, 0, 1, 1, false, Convolutions.active());
    }

    /**
     * @param sh      vertical stride, {@code >= 1}
     * @param sw      horizontal stride, {@code >= 1}
     * @param ph      zero rows above and below, {@code >= 0} (ignored when {@code same})
     * @param pw      zero columns left and right, {@code >= 0} (ignored when {@code same})
     * @param dh      vertical dilation, {@code >= 1}
     * @param dw      horizontal dilation, {@code >= 1}
     * @param same    "same" padding instead of {@code ph, pw}
     * @param kernels the implementation ({@link Convolutions#active()}, or a specific one for tests)
     */
    public Conv2dOp(int sh, int sw, int ph, int pw, int dh, int dw, boolean same, ConvKernels kernels) {
        if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0) {
            throw new IllegalArgumentException("Conv2d: stride and dilation must be >= 1 and padding >= 0, was stride "
                    + sh + "x" + sw + ", padding " + ph + "x" + pw + ", dilation " + dh + "x" + dw);
        }
        if (kernels == null) {
            throw new IllegalArgumentException("Conv2d: kernels must not be null");
        }
        this.sh = sh;
        this.sw = sw;
        this.ph = same ? 0 : ph;
        this.pw = same ? 0 : pw;
        this.dh = dh;
        this.dw = dw;
        this.same = same;
        this.kernels = kernels;
    }

    /** "Same" padding with the given stride and dilation, on the active kernels. */
    public static Conv2dOp same(int sh, int sw, int dh, int dw) {
        return new Conv2dOp(sh, sw, 0, 0, dh, dw, true, Convolutions.active());
    }

    @Override
    protected INDArray forward(INDArray... in) {
        if (in.length != 2 && in.length != 3) {
            throw new IllegalArgumentException(name() + ": expected inputs (X, W) or (X, W, b), got " + in.length);
        }
        INDArray input = in[0];
        INDArray weight = in[1];
        Preconditions.requireRank(name(), "weight W", weight, 4);
        long[] xs = input.shape();
        if (xs.length != 4 || xs[1] != weight.size(1)) {
            throw new IllegalArgumentException(name() + ": input X has shape " + Shapes.str(xs) + ", expected [*, "
                    + weight.size(1) + ", *, *] for weight W " + Shapes.str(weight.shape()));
        }
        if (input.dataType() != weight.dataType()) {
            throw new IllegalArgumentException(name() + ": input X is " + input.dataType() + ", weight W is "
                    + weight.dataType() + "; expected one data type");
        }
        INDArray bias = in.length == 3 ? in[2] : null;
        if (bias != null
                && (bias.rank() != 1 || bias.length() != weight.size(0) || bias.dataType() != weight.dataType())) {
            throw new IllegalArgumentException(name() + ": bias b has shape " + Shapes.str(bias.shape()) + " ("
                    + bias.dataType() + "), expected [" + weight.size(0) + "] (" + weight.dataType() + ")");
        }
        Conv2dGeometry g =
                Conv2dGeometry.of(name(), xs, (int) weight.size(2), (int) weight.size(3), sh, sw, ph, pw, dh, dw, same);
        x = input;
        w = weight;
        geometry = g;
        hasBias = bias != null;
        return kernels.conv2d(input, weight, bias, g);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        INDArray[] grads =
                kernels.conv2dBackward(x, w, hasBias, gradOut, geometry, needsGrad(0), needsGrad(1), needsGrad(2));
        return hasBias ? grads : new INDArray[] {grads[0], grads[1]};
    }

    @Override
    protected void release() {
        x = null;
        w = null;
        geometry = null;
    }
}
