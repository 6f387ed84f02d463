package org.myelin.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Test access to an op's protected contract, so tests outside this package can drive {@link Op#forward} and
 * {@link Op#backward} directly (e.g. to check that backward leaves {@code gradOut} untouched) without the
 * engine copying anything in between.
 */
public final class OpHarness {

    private OpHarness() {}

    /** Sets which inputs want gradients, then runs the forward pass. */
    public static INDArray forward(Op op, boolean[] needsGrad, INDArray... inputs) {
        op.setNeedsGrad(needsGrad.clone());
        return op.forward(inputs);
    }

    public static INDArray[] backward(Op op, INDArray gradOut) {
        return op.backward(gradOut);
    }

    public static void release(Op op) {
        op.release();
    }
}
