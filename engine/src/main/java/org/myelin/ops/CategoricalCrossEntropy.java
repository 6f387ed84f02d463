package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Categorical (multinoulli) cross-entropy from probabilities (CS 479 §2.3.3; see docs/notes.md): per sample
 * {@code -sum_k t_k ln y_k}, with y clamped below at eps. Gradient: the derivative of that, {@code -t / y} where
 * {@code y >= eps} and 0 below eps, where the clamped loss is constant (see {@link BinaryCrossEntropy} for the
 * comparison with PyTorch). A non-finite prediction (NaN, +-infinity) gives a NaN loss and a NaN gradient at that
 * output instead of being clamped to a finite value. After a softmax prefer {@link SoftmaxCrossEntropy}, which is
 * stable and cheaper.
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
        // ND4J's max returns eps for NaN: y * 0 (NaN for NaN and +-infinity, else 0) keeps non-finite predictions
        // visible in the loss (0 ln y is NaN there, also where t is 0).
        yc = Transforms.max(y, eps, true).addi(y.mul(0.0));
        return -t.mul(Transforms.log(yc, true)).sumNumber().doubleValue();
    }

    @Override
    protected INDArray gradient() {
        // 0 where the clamp raised y to eps: the loss is constant there (it was -t / eps, up to -1e7).
        return t.div(yc).negi().muli(yc.eq(y).castTo(yc.dataType()));
    }

    @Override
    protected void release() {
        super.release();
        yc = null;
    }
}
