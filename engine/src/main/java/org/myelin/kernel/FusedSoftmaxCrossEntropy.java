package org.myelin.kernel;

import org.myelin.Profiler;
import org.myelin.autodiff.StepArrays;
import org.myelin.ops.LossOp;
import org.myelin.ops.Reduction;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax cross-entropy on logits (Oxford ML §2.1; see docs/notes.md), {@code L = -sum T log softmax(Y)} reduced over
 * the batch, with {@code dL/dY = softmax(Y) s - T} ({@code s} the row's target sum, 1 for one-hot rows): the same
 * loss as {@link org.myelin.ops.SoftmaxCrossEntropy} (tested), computed by
 * {@link ElementwiseKernels#softmaxCrossEntropyWithGradient} in one native pass over the batch instead of nine ND4J
 * calls, which also writes the gradient, already scaled by the reduction, for the backward pass. The trainer's
 * {@code softmax_cross_entropy} loss uses it; {@code Ops} keeps the pure-ND4J op as the reference.
 *
 * <p>Shapes: Y and T {@code [B, C]}, output a scalar.
 */
public final class FusedSoftmaxCrossEntropy extends LossOp {
    /** {@code (softmax(Y) - T) scale}, written by the forward pass; this op's own, handed to backward. */
    private INDArray scaledGradient;

    public FusedSoftmaxCrossEntropy(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected double total() {
        // The forward pass has the logits and targets at hand: it writes the finished gradient, so backward has
        // no ND4J call left (two, subtract and scale, cost more than the whole fused pass at [128, 10]).
        scaledGradient = StepArrays.uninitialized(y.dataType(), y.shape());
        return Kernels.active().softmaxCrossEntropyWithGradient(y, t, scaledGradient, scale);
    }

    /** {@code softmax(Y) - T}, unscaled (LossOp's contract); backward uses {@link #scaledGradient(double)}. */
    @Override
    protected INDArray gradient() {
        return scaledGradient.div(scale);
    }

    @Override
    protected INDArray scaledGradient(double upstream) {
        if (upstream == 1.0) {
            return scaledGradient;
        }
        try (Profiler.Scope s = Profiler.scope("loss gradient upstream scale (ND4J muli)")) {
            return scaledGradient.muli(upstream);
        }
    }

    @Override
    protected void release() {
        super.release();
        scaledGradient = null;
    }
}
