package org.myelin.kernel;

import java.lang.ref.Reference;
import org.myelin.kernels.NativeKernels;
import org.myelin.ops.MatMul;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvKernels} as im2col + one gemm per pass: the native {@code im2col} / {@code col2im} kernels of
 * {@code cuda-kernels} lay the batch's patches out as a matrix {@code cols [C kh kw, N outH outW]}, and the
 * convolution is then a single matrix product on the BLAS the engine selected:
 * <ul>
 *   <li>forward: {@code Y2 = W2 cols + b}, with {@code W2 = W} viewed as {@code [O, C kh kw]};</li>
 *   <li>backward: {@code dW2 = dY2 cols^T}, {@code dcols = W2^T dY2}, {@code dX = col2im(dcols)},
 *       {@code db = dY2 1}, with {@code dY2 = dY} as {@code [O, N outH outW]}.</li>
 * </ul>
 * The patch matrix is rebuilt in backward rather than kept from forward (one memory-bound pass instead of holding
 * {@code C kh kw N outH outW} values per layer between the passes).
 *
 * <p>Only valid on ND4J's CPU backend with the native library loaded ({@link Convolutions} creates it only then).
 */
final class Im2colConvKernels implements ConvKernels {

    static final Im2colConvKernels INSTANCE = new Im2colConvKernels();

    private Im2colConvKernels() {}

    @Override
    public String name() {
        return "im2col";
    }

    @Override
    public INDArray conv2d(INDArray x, INDArray w, INDArray b, Conv2dGeometry g) {
        long o = w.size(0);
        INDArray cols = im2col(x, g);
        INDArray y2 = MatMul.gemm(contiguous(w).reshape('c', o, g.patchSize()), cols, false, false);
        if (b != null) {
            y2.addiColumnVector(b.reshape(o, 1));
        }
        // [O, N, outH outW] -> [N, O, outH, outW]
        return y2.reshape('c', o, g.batch(), g.outHeight() * g.outWidth())
                .permute(1, 0, 2)
                .dup('c')
                .reshape('c', g.batch(), o, g.outHeight(), g.outWidth());
    }

    @Override
    public INDArray[] conv2dBackward(
            INDArray x,
            INDArray w,
            boolean hasBias,
            INDArray gradOut,
            Conv2dGeometry g,
            boolean wantX,
            boolean wantW,
            boolean wantB) {
        long o = w.size(0);
        // [N, O, outH, outW] -> [O, N outH outW]
        INDArray g2 = gradOut.reshape(g.batch(), o, g.outHeight() * g.outWidth())
                .permute(1, 0, 2)
                .dup('c')
                .reshape('c', o, g.positions());
        INDArray gb = wantB && hasBias ? g2.sum(1) : null;
        INDArray gw = null;
        if (wantW) {
            gw = MatMul.gemm(g2, im2col(x, g), false, true).reshape('c', w.shape());
        }
        INDArray gx = null;
        if (wantX) {
            INDArray gcols = MatMul.gemm(contiguous(w).reshape('c', o, g.patchSize()), g2, true, false);
            gx = col2im(gcols, g, x.dataType());
        }
        return new INDArray[] {gx, gw, gb};
    }

    /** The patch matrix {@code [C kh kw, N outH outW]} of {@code x}. */
    static INDArray im2col(INDArray x, Conv2dGeometry g) {
        INDArray src = contiguous(x);
        INDArray cols = Nd4j.createUninitialized(x.dataType(), new long[] {g.patchSize(), g.positions()}, 'c');
        if (x.dataType() == DataType.FLOAT) {
            NativeKernels.im2colF32(
                    NativeAddress.of(src),
                    NativeAddress.of(cols),
                    g.batch(),
                    g.channels(),
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.dh(),
                    g.dw(),
                    g.outHeight(),
                    g.outWidth());
        } else {
            NativeKernels.im2colF64(
                    NativeAddress.of(src),
                    NativeAddress.of(cols),
                    g.batch(),
                    g.channels(),
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.dh(),
                    g.dw(),
                    g.outHeight(),
                    g.outWidth());
        }
        Reference.reachabilityFence(src);
        return cols;
    }

    /** The image gradient {@code [N, C, H, W]} of a patch-matrix gradient {@code [C kh kw, N outH outW]}. */
    static INDArray col2im(INDArray cols, Conv2dGeometry g, DataType type) {
        INDArray src = contiguous(cols);
        INDArray img = Nd4j.createUninitialized(type, g.inputShape(), 'c');
        if (type == DataType.FLOAT) {
            NativeKernels.col2imF32(
                    NativeAddress.of(src),
                    NativeAddress.of(img),
                    g.batch(),
                    g.channels(),
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.dh(),
                    g.dw(),
                    g.outHeight(),
                    g.outWidth());
        } else {
            NativeKernels.col2imF64(
                    NativeAddress.of(src),
                    NativeAddress.of(img),
                    g.batch(),
                    g.channels(),
                    g.height(),
                    g.width(),
                    g.kh(),
                    g.kw(),
                    g.sh(),
                    g.sw(),
                    g.padTop(),
                    g.padLeft(),
                    g.dh(),
                    g.dw(),
                    g.outHeight(),
                    g.outWidth());
        }
        Reference.reachabilityFence(src);
        return img;
    }

    /** {@code a} itself when a native kernel can stream it as one flat buffer, else a c-order copy. */
    private static INDArray contiguous(INDArray a) {
        return NativeLayout.streamable(a.length(), a) ? a : a.dup('c');
    }
}
