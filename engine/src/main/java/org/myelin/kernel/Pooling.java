package org.myelin.kernel;

import java.lang.ref.Reference;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling on the native CPU kernels of {@code cuda-kernels} ({@code myelin_conv.h}). The max-pooling op takes
 * the backward pass from here wherever convolutions run on the native im2col path ({@link Convolutions#active()}):
 * ND4J's {@code maxpool2d_bp} was the costlier half of pooling in the small CNN's step, and one single-threaded pass
 * that finds each window's arg-max again took about 30% less (docs/benchmarks.md, "CNN training step"). The native
 * forward pass measured slower than ND4J's {@code maxpool2d}, so the op keeps ND4J's there; it stays here, tested
 * equal to ND4J's, as the profile's comparison and the forward half of the pair. Elsewhere, and for arrays the
 * kernels do not take, the op keeps ND4J's ops (the reference: same values, same tie rule).
 *
 * <p>Shapes: X {@code [N, C, H, W]}, Y {@code [N, C, outH, outW]} as {@link Conv2dGeometry} gives them (dilation 1).
 */
public final class Pooling {

    private Pooling() {}

    /** Whether the native kernels take this pooling: the native conv path is active, float32/float64, no dilation. */
    public static boolean nativeApplies(INDArray x, Conv2dGeometry g) {
        return Convolutions.active() == Im2colConvKernels.INSTANCE
                && g.dh() == 1
                && g.dw() == 1
                && (x.dataType() == DataType.FLOAT || x.dataType() == DataType.DOUBLE);
    }

    /**
     * {@code Y[n, c, y, x] = max X[n, c, y sh - pt + i, x sw - pl + j]} over the window cells inside the image, on
     * the native kernel regardless of the process's choice (tests compare it with ND4J's op).
     *
     * @throws IllegalStateException when the native CPU kernels are unavailable
     */
    public static INDArray maxPool(INDArray x, Conv2dGeometry g) {
        Kernels.nativeCpu();
        INDArray src = contiguous(x);
        INDArray out = Nd4j.createUninitialized(
                x.dataType(), new long[] {g.batch(), g.channels(), g.outHeight(), g.outWidth()}, 'c');
        long planes = g.batch() * g.channels();
        if (x.dataType() == DataType.FLOAT) {
            NativeKernels.maxPoolF32(
                    NativeAddress.of(src),
                    NativeAddress.of(out),
                    planes,
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.outHeight(),
                    g.outWidth());
        } else {
            NativeKernels.maxPoolF64(
                    NativeAddress.of(src),
                    NativeAddress.of(out),
                    planes,
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.outHeight(),
                    g.outWidth());
        }
        Reference.reachabilityFence(src);
        return out;
    }

    /**
     * {@code dX}: every {@code dY[n, c, y, x]} added onto the arg-max of its window in X (ties: the first cell in
     * row-major order within the window), on the native kernel.
     *
     * @throws IllegalStateException when the native CPU kernels are unavailable
     */
    public static INDArray maxPoolBackward(INDArray x, INDArray gradOut, Conv2dGeometry g) {
        Kernels.nativeCpu();
        INDArray src = contiguous(x);
        INDArray gout = contiguous(gradOut);
        INDArray gx = Nd4j.createUninitialized(x.dataType(), g.inputShape(), 'c');
        long planes = g.batch() * g.channels();
        if (x.dataType() == DataType.FLOAT) {
            NativeKernels.maxPoolBackwardF32(
                    NativeAddress.of(src),
                    NativeAddress.of(gout),
                    NativeAddress.of(gx),
                    planes,
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.outHeight(),
                    g.outWidth());
        } else {
            NativeKernels.maxPoolBackwardF64(
                    NativeAddress.of(src),
                    NativeAddress.of(gout),
                    NativeAddress.of(gx),
                    planes,
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.outHeight(),
                    g.outWidth());
        }
        Reference.reachabilityFence(src);
        Reference.reachabilityFence(gout);
        return gx;
    }

    private static INDArray contiguous(INDArray a) {
        return NativeLayout.streamable(a.length(), a) ? a : a.dup('c');
    }
}
