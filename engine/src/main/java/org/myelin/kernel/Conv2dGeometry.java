package org.myelin.kernel;

import java.util.Arrays;

/**
 * The geometry of one 2-d convolution or pooling window over a batch of images {@code [N, C, H, W]} (NCHW): kernel
 * {@code kh x kw}, stride {@code sh, sw}, zero padding on each side, dilation {@code dh, dw}, and the output size
 * it implies.
 *
 * <p>Output size: with the effective kernel {@code ek = (k - 1) d + 1},
 * {@code outH = floor((H + padTop + padBottom - ekH) / sh) + 1}, likewise {@code outW}.
 *
 * <p>{@code "same"} padding ({@link #same}) gives {@code outH = ceil(H / sh)}: the total padding
 * {@code max((outH - 1) sh + ekH - H, 0)} is split with the smaller half on top (left), as TensorFlow, Keras and
 * ND4J do.
 *
 * @param batch   N
 * @param channels C (input channels)
 * @param height  H
 * @param width   W
 * @param kh      kernel height
 * @param kw      kernel width
 * @param sh      vertical stride
 * @param sw      horizontal stride
 * @param padTop  zero rows above the image
 * @param padBottom zero rows below
 * @param padLeft zero columns left
 * @param padRight zero columns right
 * @param dh      vertical dilation
 * @param dw      horizontal dilation
 * @param same    whether the padding came from {@code "same"} mode
 */
public record Conv2dGeometry(
        long batch,
        long channels,
        long height,
        long width,
        int kh,
        int kw,
        int sh,
        int sw,
        int padTop,
        int padBottom,
        int padLeft,
        int padRight,
        int dh,
        int dw,
        boolean same) {

    /**
     * The geometry of {@code who} applied to an input of shape {@code input}, with explicit symmetric padding
     * {@code ph, pw} or, when {@code same}, "same" padding.
     *
     * @throws IllegalArgumentException naming {@code who}, the expected and the actual shape when the input is not
     *     {@code [N, C, H, W]} or the window does not fit: the output would have a side below 1
     */
    public static Conv2dGeometry of(
            String who, long[] input, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, boolean same) {
        if (input == null) {
            throw new IllegalArgumentException(who + ": the input shape must not be null");
        }
        if (input.length != 4) {
            throw new IllegalArgumentException(
                    who + ": input has shape " + Arrays.toString(input) + ", expected [N, C, H, W] (rank 4, NCHW)");
        }
        if (same) {
            long outH = ceilDiv(input[2], sh);
            long outW = ceilDiv(input[3], sw);
            int totalH = (int) Math.max((outH - 1) * sh + effective(kh, dh) - input[2], 0);
            int totalW = (int) Math.max((outW - 1) * sw + effective(kw, dw) - input[3], 0);
            return checked(
                    who,
                    new Conv2dGeometry(
                            input[0],
                            input[1],
                            input[2],
                            input[3],
                            kh,
                            kw,
                            sh,
                            sw,
                            totalH / 2,
                            totalH - totalH / 2,
                            totalW / 2,
                            totalW - totalW / 2,
                            dh,
                            dw,
                            true));
        }
        return checked(
                who,
                new Conv2dGeometry(
                        input[0], input[1], input[2], input[3], kh, kw, sh, sw, ph, ph, pw, pw, dh, dw, false));
    }

    private static Conv2dGeometry checked(String who, Conv2dGeometry g) {
        if (g.outHeight() < 1 || g.outWidth() < 1) {
            throw new IllegalArgumentException(who + ": input has shape " + Arrays.toString(g.inputShape())
                    + ", expected [*, " + g.channels + ", H, W] with H + " + (g.padTop + g.padBottom) + " >= "
                    + effective(g.kh, g.dh) + " and W + " + (g.padLeft + g.padRight) + " >= " + effective(g.kw, g.dw)
                    + " (a " + g.kh + "x" + g.kw + " window, dilation " + g.dh + "x" + g.dw + ", padding "
                    + g.padTop + "/" + g.padBottom + " x " + g.padLeft + "/" + g.padRight
                    + "); the output would be " + g.outHeight() + "x" + g.outWidth());
        }
        return g;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long effective(int k, int d) {
        return (long) (k - 1) * d + 1;
    }

    /** Output height: {@code floor((H + padTop + padBottom - ekH) / sh) + 1}. */
    public long outHeight() {
        return Math.floorDiv(height + padTop + padBottom - effective(kh, dh), sh) + 1;
    }

    /** Output width: {@code floor((W + padLeft + padRight - ekW) / sw) + 1}. */
    public long outWidth() {
        return Math.floorDiv(width + padLeft + padRight - effective(kw, dw), sw) + 1;
    }

    /** {@code [N, C, H, W]}. */
    public long[] inputShape() {
        return new long[] {batch, channels, height, width};
    }

    /** Rows of the im2col matrix: {@code C kh kw}. */
    public long patchSize() {
        return channels * kh * kw;
    }

    /** Columns of the im2col matrix: {@code N outH outW}. */
    public long positions() {
        return batch * outHeight() * outWidth();
    }

    /** Whether the padding is the same on both sides of each axis (ND4J's ops take one number per axis). */
    public boolean symmetric() {
        return padTop == padBottom && padLeft == padRight;
    }
}
