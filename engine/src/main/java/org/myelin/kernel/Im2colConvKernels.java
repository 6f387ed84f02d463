package org.myelin.kernel;

import java.lang.ref.Reference;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvKernels} as im2col + gemms, one image at a time: the native {@code im2col} / {@code col2im} kernels of
 * {@code cuda-kernels} lay image n's patches out as a matrix {@code cols_n [C kh kw, outH outW]}, and each pass is
 * then a matrix product per image on the BLAS the engine selected, written straight into the NCHW result:
 * <ul>
 *   <li>forward: {@code Y[n] = W2 cols_n} into the {@code [O, outH outW]} block of image n, then {@code + b}, with
 *       {@code W2 = W} viewed as {@code [O, C kh kw]};</li>
 *   <li>backward: {@code dW2 = sum_n dY[n] cols_n^T} (the gemm accumulates), {@code dX[n] = col2im(W2^T dY[n])},
 *       {@code db = sum of dY over n, y, x}.</li>
 * </ul>
 * Why per image rather than one gemm over the whole batch's patch matrix {@code [C kh kw, N outH outW]}: that matrix
 * is {@code N} times larger (85 MB for the small CNN's second layer at batch 128, written by im2col and read back by
 * the gemm far outside the caches), and its product comes out as {@code [O, N, outH outW]}, so forward and backward
 * each needed a permuting copy to and from NCHW. One image's patch matrix (0.66 MB there) stays in the cache between
 * im2col and the gemm, and image n's output block is contiguous in NCHW. Measured in docs/benchmarks.md
 * ("CNN training step"). The patch matrix is rebuilt in backward rather than kept from forward.
 *
 * <p>Only valid on ND4J's CPU backend with the native library loaded ({@link Convolutions} creates it only then).
 */
final class Im2colConvKernels implements ConvKernels {

    static final Im2colConvKernels INSTANCE = new Im2colConvKernels();

    private Im2colConvKernels() {
    }

    @Override
    public String name() {
        return "im2col";
    }

    @Override
    public INDArray conv2d(INDArray x, INDArray w, INDArray b, Conv2dGeometry g) {
        long o = w.size(0);
        long hw = g.outHeight() * g.outWidth();
        INDArray src = contiguous(x);
        INDArray w2 = contiguous(w).reshape('c', o, g.patchSize());
        INDArray y = Nd4j.createUninitialized(x.dataType(), new long[] {g.batch(), o, hw}, 'c');
        INDArray cols = Nd4j.createUninitialized(x.dataType(), new long[] {g.patchSize(), hw}, 'c');
        for (long n = 0; n < g.batch(); n++) {
            im2colImage(src, n, cols, g);
            Nd4j.gemm(w2, cols, image(y, n), false, false, 1.0, 0.0);
        }
        Reference.reachabilityFence(src);
        if (b != null) {
            Nd4j.getExecutioner().exec(new BroadcastAddOp(y, b, y, 1));
        }
        return y.reshape('c', g.batch(), o, g.outHeight(), g.outWidth());
    }

    @Override
    public INDArray[] conv2dBackward(INDArray x, INDArray w, boolean hasBias, INDArray gradOut, Conv2dGeometry g,
                                     boolean wantX, boolean wantW, boolean wantB) {
        long o = w.size(0);
        long hw = g.outHeight() * g.outWidth();
        INDArray g3 = contiguous(gradOut).reshape('c', g.batch(), o, hw);
        INDArray gb = wantB && hasBias ? g3.sum(0, 2) : null;
        INDArray src = contiguous(x);
        INDArray w2 = contiguous(w).reshape('c', o, g.patchSize());
        INDArray gw2 = wantW ? Nd4j.createUninitialized(w.dataType(), new long[] {o, g.patchSize()}, 'c') : null;
        INDArray gx = wantX ? Nd4j.createUninitialized(x.dataType(), g.inputShape(), 'c') : null;
        INDArray cols = Nd4j.createUninitialized(x.dataType(), new long[] {g.patchSize(), hw}, 'c');
        for (long n = 0; n < g.batch(); n++) {
            INDArray gn = image(g3, n);
            if (wantW) {
                im2colImage(src, n, cols, g);
                Nd4j.gemm(gn, cols, gw2, false, true, 1.0, n == 0 ? 0.0 : 1.0);
            }
            if (wantX) {
                // cols is free again once dW has used it: it now receives the patch gradient of image n.
                Nd4j.gemm(w2, gn, cols, true, false, 1.0, 0.0);
                col2imImage(cols, gx, n, g);
            }
        }
        Reference.reachabilityFence(src);
        return new INDArray[] {gx, wantW ? gw2.reshape('c', w.shape()) : null, gb};
    }

    /** Image n's {@code [O, outH outW]} block of a c-order {@code [N, O, outH outW]} array, as a view. */
    private static INDArray image(INDArray nchw, long n) {
        return nchw.tensorAlongDimension(n, 1, 2);
    }

    /** The patch matrix {@code [C kh kw, outH outW]} of image n of the c-order batch {@code src} into {@code cols}. */
    private static void im2colImage(INDArray src, long n, INDArray cols, Conv2dGeometry g) {
        long offset = n * g.channels() * g.height() * g.width() * src.data().getElementSize();
        if (src.dataType() == DataType.FLOAT) {
            NativeKernels.im2colF32(address(src) + offset, address(cols), 1, g.channels(), g.height(), g.width(),
                    g.kh(), g.kw(), g.sh(), g.sw(), g.padTop(), g.padLeft(), g.dh(), g.dw(), g.outHeight(),
                    g.outWidth());
        } else {
            NativeKernels.im2colF64(address(src) + offset, address(cols), 1, g.channels(), g.height(), g.width(),
                    g.kh(), g.kw(), g.sh(), g.sw(), g.padTop(), g.padLeft(), g.dh(), g.dw(), g.outHeight(),
                    g.outWidth());
        }
    }

    /** Writes the image gradient of patch gradient {@code cols [C kh kw, outH outW]} into image n of {@code img}. */
    private static void col2imImage(INDArray cols, INDArray img, long n, Conv2dGeometry g) {
        long offset = n * g.channels() * g.height() * g.width() * img.data().getElementSize();
        if (img.dataType() == DataType.FLOAT) {
            NativeKernels.col2imF32(address(cols), address(img) + offset, 1, g.channels(), g.height(), g.width(),
                    g.kh(), g.kw(), g.sh(), g.sw(), g.padTop(), g.padLeft(), g.dh(), g.dw(), g.outHeight(),
                    g.outWidth());
        } else {
            NativeKernels.col2imF64(address(cols), address(img) + offset, 1, g.channels(), g.height(), g.width(),
                    g.kh(), g.kw(), g.sh(), g.sw(), g.padTop(), g.padLeft(), g.dh(), g.dw(), g.outHeight(),
                    g.outWidth());
        }
    }

    /** {@code a} itself when a native kernel can stream it as one flat buffer, else a c-order copy. */
    private static INDArray contiguous(INDArray a) {
        return NativeLayout.streamable(a.length(), a) ? a : a.dup('c');
    }

    private static long address(INDArray arr) {
        return arr.data().addressPointer().address();
    }
}
