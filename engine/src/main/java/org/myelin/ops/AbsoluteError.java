package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Absolute error (MIT 6.390 §6.5; see docs/notes.md): per sample {@code sum_j |y_j - t_j|}; gradient
 * {@code sign(y - t)} (0 where y = t, a point where the loss has no derivative).
 */
public final class AbsoluteError extends LossOp {
    private INDArray diff;

    public AbsoluteError(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected double total() {
        diff = y.sub(t);
        return Transforms.abs(diff, true).sumNumber().doubleValue();
    }

    @Override
    protected INDArray gradient() {
        return Transforms.sign(diff, false);
    }

    @Override
    protected void release() {
        super.release();
        diff = null;
    }
}
