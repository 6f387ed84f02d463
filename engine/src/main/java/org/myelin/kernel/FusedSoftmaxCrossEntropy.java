package org.myelin.kernel;

import org.myelin.Profiler;
import org.myelin.ops.LossOp;
import org.myelin.ops.Reduction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax cross-entropy on logits (Oxford ML §2.1; see docs/notes.md), {@code L = -sum T log softmax(Y)} reduced over
 * the batch, with {@code dL/dY = softmax(Y) - T}: the same loss as {@link org.myelin.ops.SoftmaxCrossEntropy} (tested),
 * computed by {@link ElementwiseKernels#softmaxCrossEntropy} in one native pass over the batch instead of nine ND4J
 * calls, and its gradient in place in the probabilities the forward pass wrote. The trainer's
 * {@code softmax_cross_entropy} loss uses it; {@code Ops} keeps the pure-ND4J op as the reference.
 *
 * <p>Shapes: Y and T {@code [B, C]}, output a scalar.
 */
public final class FusedSoftmaxCrossEntropy extends LossOp {
    private INDArray probabilities;

    public FusedSoftmaxCrossEntropy(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected double total() {
        try (Profiler.Scope s = Profiler.scope(Profiler.ALLOCATION)) {
            probabilities = Nd4j.createUninitialized(y.dataType(), y.shape(), 'c');
        }
        return Kernels.active().softmaxCrossEntropy(y, t, probabilities);
    }

    @Override
    protected INDArray gradient() {
        try (Profiler.Scope s = Profiler.scope("loss gradient p - t (ND4J subi)")) {
            return probabilities.subi(t); // the probabilities are this op's own and not needed after backward
        }
    }

    @Override
    protected void release() {
        super.release();
        probabilities = null;
    }
}
