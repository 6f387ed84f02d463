package org.myelin.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ConvKernels} on ND4J's own ops: {@code conv2d} forward and {@code conv2d_bp} backward (libnd4j's
 * im2col + gemm), weights in ND4J's {@code [O, C, kh, kw]} format (weight format 1), NCHW data. The reference path
 * for tests, and the fallback where the native kernels are unavailable.
 */
final class Nd4jConvKernels implements ConvKernels {

    static final Nd4jConvKernels INSTANCE = new Nd4jConvKernels();

    private Nd4jConvKernels() {}

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public INDArray conv2d(INDArray x, INDArray w, INDArray b, Conv2dGeometry g) {
        INDArray out = Nd4j.create(x.dataType(), g.batch(), w.size(0), g.outHeight(), g.outWidth());
        INDArray[] inputs = b == null ? new INDArray[] {x, w} : new INDArray[] {x, w, b};
        Nd4j.exec(DynamicCustomOp.builder("conv2d")
                .addInputs(inputs)
                .addOutputs(out)
                .addIntegerArguments(arguments(g))
                .build());
        return out;
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
        INDArray gx = Nd4j.create(x.dataType(), x.shape());
        INDArray gw = Nd4j.create(w.dataType(), w.shape());
        INDArray gb = hasBias ? Nd4j.create(w.dataType(), w.size(0)) : null;
        // The bias value does not enter the gradients; conv2d_bp only needs an array of its shape.
        INDArray[] inputs = hasBias ? new INDArray[] {x, w, gb.like(), gradOut} : new INDArray[] {x, w, gradOut};
        INDArray[] outputs = hasBias ? new INDArray[] {gx, gw, gb} : new INDArray[] {gx, gw};
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(inputs)
                .addOutputs(outputs)
                .addIntegerArguments(arguments(g))
                .build());
        return new INDArray[] {wantX ? gx : null, wantW ? gw : null, wantB && hasBias ? gb : null};
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, same mode, data format (0: NCHW), weight format (1: [O, C, kh, kw]). */
    private static int[] arguments(Conv2dGeometry g) {
        if (!g.same() && !g.symmetric()) {
            throw new IllegalArgumentException("Nd4jConvKernels: ND4J's conv2d takes one padding per axis, got "
                    + g.padTop() + "/" + g.padBottom() + " x " + g.padLeft() + "/" + g.padRight());
        }
        return new int[] {
            g.kh(),
            g.kw(),
            g.sh(),
            g.sw(),
            g.same() ? 0 : g.padTop(),
            g.same() ? 0 : g.padLeft(),
            g.dh(),
            g.dw(),
            g.same() ? 1 : 0,
            0,
            1
        };
    }
}
