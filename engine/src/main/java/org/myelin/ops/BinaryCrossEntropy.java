package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Bernoulli cross-entropy from probabilities (CS 489, CS 479 §2.3.2; see docs/notes.md): per output
 * {@code -(t ln y + (1 - t) ln(1 - y))}, with y clamped to {@code [eps, 1 - eps]} so that a saturated output
 * gives a large finite loss rather than infinity.
 *
 * <p>The gradient is the derivative of that clamped loss: {@code (y - t) / (y (1 - y))} where the clamp leaves y
 * as it is (its bounds {@code eps} and {@code 1 - eps} included, as {@code torch.clamp} passes the gradient at its
 * bounds), and 0 where it moves y (below eps or above 1 - eps the loss is constant in y). So a prediction
 * saturated on the wrong side gets no gradient from this loss. PyTorch's {@code BCELoss} clamps the logarithms at
 * -100 instead (y below e^-100, about 3.7e-44) and uses {@code (y - t) / max(y (1 - y), 1e-12)} as its gradient,
 * which is not the derivative of its forward for {@code y (1 - y) < 1e-12}; Myelin keeps the eps clamp (a bound
 * whose inverse is finite in float32) with the exact derivative, which its gradient checks verify at and around the
 * bounds. Values agree with {@code BCELoss} for y in [eps, 1 - eps].
 *
 * <p>A finite prediction outside [0, 1] is refused, naming its row, column and value (raw scores where probabilities
 * belong). A non-finite prediction (NaN, +-infinity: no probability) gives a NaN loss and a NaN gradient at that output,
 * as PyTorch's loss is NaN over a NaN input, rather than being clamped to a finite value that training diagnostics
 * would not see. Prefer {@link BinaryCrossEntropyWithLogits} after a logistic output: it is stable without clamping.
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
        requireProbabilities();
        // ND4J's max and min return the bound for NaN: y * 0 (0 for a finite y, NaN for NaN and +-infinity) puts
        // NaN back where the clamp would have turned a non-finite prediction into a finite loss.
        yc = Transforms.min(Transforms.max(y, eps, true), 1 - eps, false).addi(y.mul(0.0));
        INDArray logY = Transforms.log(yc, true);
        INDArray log1mY = Transforms.log(yc.rsub(1.0), false);
        // -(t ln y + (1 - t) ln(1 - y))
        return -(t.mul(logY).addi(t.rsub(1.0).muli(log1mY)).sumNumber().doubleValue());
    }

    /**
     * Refuses a finite prediction outside [0, 1] (raw scores passed where probabilities belong, the usual slip, which
     * the clamp would otherwise hide as a loss of about 16 per output), as PyTorch's {@code BCELoss} does. NaN and
     * infinities pass: they give a NaN loss, which the trainer's divergence handling reports.
     */
    private void requireProbabilities() {
        double lo = y.minNumber().doubleValue();
        double hi = y.maxNumber().doubleValue();
        double bad = lo < 0 && Double.isFinite(lo) ? lo : hi > 1 && Double.isFinite(hi) ? hi : Double.NaN;
        if (Double.isNaN(bad)) {
            return; // in range, or NaN/infinite (a NaN loss, see above)
        }
        INDArray flat = y.reshape(y.length());
        long at = 0;
        while (at < flat.length() - 1 && flat.getDouble(at) != bad) {
            at++;
        }
        long cols = y.rank() > 1 ? y.size(y.rank() - 1) : 1;
        throw new IllegalArgumentException("binary_cross_entropy: predictions must be probabilities in [0, 1] (for raw"
                + " scores use binary_cross_entropy_with_logits), row " + at / cols + " column " + at % cols + " is "
                + bad);
    }

    @Override
    protected INDArray gradient() {
        INDArray denom = yc.rsub(1.0).muli(yc);
        // The derivative of the clamp: 1 where it left y unchanged (bounds included), 0 where it moved y. It was
        // the interior formula at the clamped value everywhere, up to 1 / eps = 1e7 for a constant loss.
        INDArray unclamped = yc.eq(y).castTo(yc.dataType());
        return yc.sub(t).divi(denom).muli(unclamped);
    }

    @Override
    protected void release() {
        super.release();
        yc = null;
    }
}
