package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Absolute error (MIT 6.390 §6.5; see docs/notes.md): per sample {@code sum_j |y_j - t_j|}; gradient
 * {@code sign(y - t)} (0 where y = t, a point where the loss has no derivative; NaN where y or t is NaN).
 */
public final class AbsoluteError extends LossOp {
    private INDArray diff;
    private boolean nan;

    public AbsoluteError(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected double total() {
        diff = y.sub(t);
        double total = Transforms.abs(diff, true).sumNumber().doubleValue();
        // A sum of |d| >= 0 is NaN exactly when some d is (+-infinity alone gives +infinity).
        nan = Double.isNaN(total);
        return total;
    }

    @Override
    protected INDArray gradient() {
        // ND4J's sign(NaN) is 0, a clean-looking gradient for a NaN prediction: dividing by the mask d == d (0 only
        // at NaN, taken before sign overwrites d) makes those entries 0 / 0 = NaN and leaves the others as they are.
        INDArray notNan = nan ? diff.eq(diff).castTo(diff.dataType()) : null;
        INDArray g = Transforms.sign(diff, false);
        return notNan == null ? g : g.divi(notNan);
    }

    @Override
    protected void release() {
        super.release();
        diff = null;
    }
}
