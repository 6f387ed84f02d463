package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Categorical (multinoulli) cross-entropy from probabilities (CS 479 §2.3.3; see docs/notes.md): per sample
 * {@code -sum_k t_k ln y_k}, with y clamped below at eps. Gradient {@code -t / y}. After a softmax prefer
 * {@link SoftmaxCrossEntropy}, which is stable and cheaper.
 */
public final class CategoricalCrossEntropy extends LossOp {
    private final double eps;
    private INDArray yc;

    public CategoricalCrossEntropy(Reduction reduction) {
        this(reduction, BinaryCrossEntropy.DEFAULT_EPS);
    }

    public CategoricalCrossEntropy(Reduction reduction, double eps) {
        super(reduction);
        if (!(eps > 0 && eps < 1)) {
            throw new IllegalArgumentException("CategoricalCrossEntropy: eps must be in (0, 1), was " + eps);
        }
        this.eps = eps;
    }

    @Override
    protected double total() {
        yc = Transforms.max(y, eps, true);
        return -t.mul(Transforms.log(yc, true)).sumNumber().doubleValue();
    }

    @Override
    protected INDArray gradient() {
        return t.div(yc).negi();
    }

    @Override
    protected void release() {
        super.release();
        yc = null;
    }
}
