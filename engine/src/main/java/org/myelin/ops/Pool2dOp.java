package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.myelin.kernel.Conv2dGeometry;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-d pooling window over NCHW images, run by ND4J's pooling ops (forward {@code NAME}, backward
 * {@code NAME_bp}) unless a subclass has a native kernel for the case ({@link MaxPool2d}'s backward: {@code kernel.Pooling}):
 * {@link MaxPool2d} and {@link AvgPool2d}. Padding rows and columns never win a maximum and are
 * not counted in an average.
 *
 * <p>Shapes: X {@code [N, C, H, W]}, Y {@code [N, C, outH, outW]} with
 * {@code outH = floor((H + 2 ph - kh) / sh) + 1} ({@link Conv2dGeometry}, dilation 1).
 */
abstract class Pool2dOp extends Op {
    private final int kh;
    private final int kw;
    private final int sh;
    private final int sw;
    private final int ph;
    private final int pw;
    private final boolean same;
    private INDArray x;
    private Conv2dGeometry geometry;

    Pool2dOp(int kh, int kw, int sh, int sw, int ph, int pw, boolean same) {
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || ph < 0 || pw < 0) {
            throw new IllegalArgumentException(name() + ": kernel and stride must be >= 1 and padding >= 0, was kernel "
                    + kh + "x" + kw + ", stride " + sh + "x" + sw + ", padding " + ph + "x" + pw);
        }
        if (!same && (ph > kh / 2 || pw > kw / 2)) {
            // A window lying wholly in the padding would have no input to take the maximum or mean of.
            throw new IllegalArgumentException(name() + ": padding " + ph + "x" + pw + " must be at most half the "
                    + "kernel " + kh + "x" + kw + " (" + kh / 2 + "x" + kw / 2 + ")");
        }
        this.kh = kh;
        this.kw = kw;
        this.sh = sh;
        this.sw = sw;
        this.ph = same ? 0 : ph;
        this.pw = same ? 0 : pw;
        this.same = same;
    }

    /** ND4J's op name: {@code maxpool2d} or {@code avgpool2d}. */
    abstract String nd4jOp();

    /** ND4J's extra parameter: 0 for max pooling; for average pooling 0 divides by the cells inside the image. */
    abstract int extraParameter();

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray input = in[0];
        Conv2dGeometry g = Conv2dGeometry.of(name(), input.shape(), kh, kw, sh, sw, ph, pw, 1, 1, same);
        x = input;
        geometry = g;
        INDArray fast = nativeForward(input, g);
        if (fast != null) {
            return fast;
        }
        INDArray out = Nd4j.create(input.dataType(), g.batch(), g.channels(), g.outHeight(), g.outWidth());
        Nd4j.exec(DynamicCustomOp.builder(nd4jOp())
                .addInputs(input)
                .addOutputs(out)
                .addIntegerArguments(arguments())
                .build());
        return out;
    }

    /** The result on a native kernel where one applies, else null (ND4J's op runs). */
    INDArray nativeForward(INDArray input, Conv2dGeometry g) {
        return null;
    }

    /** The input gradient on a native kernel where one applies, else null (ND4J's op runs). */
    INDArray nativeBackward(INDArray input, INDArray gradOut, Conv2dGeometry g) {
        return null;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        INDArray fast = nativeBackward(x, gradOut, geometry);
        if (fast != null) {
            return new INDArray[] {fast};
        }
        INDArray gx = Nd4j.create(x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder(nd4jOp() + "_bp")
                .addInputs(x, gradOut)
                .addOutputs(gx)
                .addIntegerArguments(arguments())
                .build());
        return new INDArray[] {gx};
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, same mode, extra parameter, data format (0: NCHW). */
    private int[] arguments() {
        return new int[] {kh, kw, sh, sw, ph, pw, 1, 1, same ? 1 : 0, extraParameter(), 0};
    }

    @Override
    protected void release() {
        x = null;
        geometry = null;
    }
}
