package org.myelin.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arithmetic of a 2-d convolution layer in NCHW, behind one interface so that implementations can be compared
 * side by side and checked against each other: {@link Im2colConvKernels} (native im2col / col2im and one gemm per
 * pass, on the BLAS the engine selected) and {@link Nd4jConvKernels} (ND4J's own {@code conv2d} /
 * {@code conv2d_bp} ops). {@link Convolutions#active()} picks one; both give the same results within rounding.
 *
 * <p>Definition (cross-correlation, as PyTorch, TensorFlow and ND4J compute it):
 * {@code Y[n, o, y, x] = b[o] + sum_{c, i, j} W[o, c, i, j] X[n, c, y sh - pt + i dh, x sw - pl + j dw]}, with
 * X taken as 0 in the padding.
 *
 * <p>Shapes: X {@code [N, C, H, W]}, W {@code [O, C, kh, kw]}, b {@code [O]}, Y {@code [N, O, outH, outW]} (see
 * {@link Conv2dGeometry}). Inputs are never modified; results are fresh c-order arrays.
 */
public interface ConvKernels {

    /** {@code "im2col"} or {@code "nd4j"}. */
    String name();

    /** Y from X, W and b (b may be null: no bias). */
    INDArray conv2d(INDArray x, INDArray w, INDArray b, Conv2dGeometry g);

    /**
     * The gradients {@code {dX, dW, db}} given {@code dY}: {@code dX} is the transposed convolution of dY with W,
     * {@code dW[o, c, i, j] = sum_{n, y, x} dY[n, o, y, x] X[n, c, y sh - pt + i dh, x sw - pl + j dw]},
     * {@code db[o] = sum_{n, y, x} dY[n, o, y, x]}. An entry is null when not wanted (db always when there is no
     * bias).
     */
    INDArray[] conv2dBackward(
            INDArray x,
            INDArray w,
            boolean hasBias,
            INDArray gradOut,
            Conv2dGeometry g,
            boolean wantX,
            boolean wantW,
            boolean wantB);
}
