package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax and categorical cross-entropy fused, from the logits Z: per sample
 * {@code -sum_k t_k (z_k - logsumexp(z))}, computed with the row maximum subtracted so it never overflows.
 * Gradient {@code dL/dZ = (softmax(Z) s - T) / B} for the mean reduction, {@code s} the sum of the row's targets: the
 * well-known (Y - T) of CS 489/CS 479 (see docs/notes.md) for one-hot rows and distributions, where {@code s = 1}.
 *
 * <p>Every term {@code t_k (z_k - logsumexp(z))} is added, those with {@code t_k = 0} too: a NaN or +infinite logit
 * makes its row's loss NaN, and so does a logit of -infinity ({@code 0 * -inf}), as PyTorch's
 * {@code CrossEntropyLoss} with probability targets gives; the native kernel
 * ({@link org.myelin.kernel.FusedSoftmaxCrossEntropy}) agrees.
 *
 * <p>Shapes: Z {@code [B, K]}, T {@code [B, K]} (one-hot rows, or any distributions).
 */
public final class SoftmaxCrossEntropy extends LossOp {
    private INDArray probabilities;

    public SoftmaxCrossEntropy(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected double total() {
        long b = y.size(0);
        INDArray shifted = y.subColumnVector(y.max(1).reshape(b, 1));
        INDArray e = Transforms.exp(shifted, true);
        INDArray sum = e.sum(1).reshape(b, 1);
        probabilities = e.diviColumnVector(sum);
        INDArray logSoftmax = shifted.subiColumnVector(Transforms.log(sum, false));
        return -t.mul(logSoftmax).sumNumber().doubleValue();
    }

    /** The softmax of the logits from the last forward pass (the model's predicted distribution). */
    public INDArray probabilities() {
        return probabilities;
    }

    /**
     * {@code softmax(Z) s - T}, {@code s} the sum of each target row: the derivative of the loss above for any
     * targets, as PyTorch's {@code CrossEntropyLoss} with probability targets gives it. For one-hot rows and
     * distributions {@code s = 1} and this is {@code softmax(Z) - T}; {@code softmax(Z) - T} alone gave a multi-hot or
     * an all-zero target row (loss 0) a gradient that was not the loss's.
     */
    @Override
    protected INDArray gradient() {
        return probabilities
                .mulColumnVector(t.sum(1).reshape(probabilities.size(0), 1))
                .subi(t);
    }

    @Override
    protected void release() {
        super.release();
        probabilities = null;
    }
}
