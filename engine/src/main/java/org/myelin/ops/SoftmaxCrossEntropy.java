package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Softmax and categorical cross-entropy fused, from the logits Z: per sample
 * {@code -sum_k t_k (z_k - logsumexp(z))}, computed with the row maximum subtracted so it never overflows.
 * Gradient {@code dL/dZ = (softmax(Z) - T) / B} for the mean reduction (the well-known (Y - T) of CS 489/CS 479; see
 * docs/notes.md).
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

    @Override
    protected INDArray gradient() {
        return probabilities.sub(t);
    }

    @Override
    protected void release() {
        super.release();
        probabilities = null;
    }
}
