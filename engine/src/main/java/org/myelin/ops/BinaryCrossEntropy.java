package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Bernoulli cross-entropy from probabilities (CS 489, CS 479 §2.3.2; see docs/notes.md): per output
 * {@code -(t ln y + (1 - t) ln(1 - y))}, with y clamped to {@code [eps, 1 - eps]} so that a saturated output
 * gives a large finite loss rather than infinity. Gradient {@code (y - t) / (y (1 - y))} at the clamped y.
 * Prefer {@link BinaryCrossEntropyWithLogits} after a logistic output: it is stable without clamping.
 */
public final class BinaryCrossEntropy extends LossOp {
    /** Default clamp: keeps ln(y) finite in float32 and float64. */
    public static final double DEFAULT_EPS = 1e-7;

    private final double eps;
    private INDArray yc;

    public BinaryCrossEntropy(Reduction reduction) {
        this(reduction, DEFAULT_EPS);
    }

    public BinaryCrossEntropy(Reduction reduction, double eps) {
        super(reduction);
        if (!(eps > 0 && eps < 0.5)) {
            throw new IllegalArgumentException("BinaryCrossEntropy: eps must be in (0, 0.5), was " + eps);
        }
        this.eps = eps;
    }

    @Override
    protected double total() {
        yc = Transforms.min(Transforms.max(y, eps, true), 1 - eps, false);
        INDArray logY = Transforms.log(yc, true);
        INDArray log1mY = Transforms.log(yc.rsub(1.0), false);
        // -(t ln y + (1 - t) ln(1 - y))
        return -(t.mul(logY).addi(t.rsub(1.0).muli(log1mY)).sumNumber().doubleValue());
    }

    @Override
    protected INDArray gradient() {
        INDArray denom = yc.rsub(1.0).muli(yc);
        return yc.sub(t).divi(denom);
    }

    @Override
    protected void release() {
        super.release();
        yc = null;
    }
}
