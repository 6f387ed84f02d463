package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Squared error. Two forms of the notes:
 * <ul>
 *   <li>{@link #half(Reduction)}: per sample {@code 1/2 ||y - t||^2} (CS 479 §2.3.1; see docs/notes.md), gradient {@code y - t};
 *   <li>{@link #mse()}: {@code E = 1/N sum_i ||y_i - t_i||^2} (CS 489 "Mean Squared Error"), gradient
 *       {@code 2 (y - t) / N}.
 * </ul>
 */
public final class SquaredError extends LossOp {
    private final double factor;
    private INDArray diff;

    private SquaredError(double factor, Reduction reduction) {
        super(reduction);
        this.factor = factor;
    }

    /** {@code 1/2 ||y - t||^2} per sample, summed or averaged over the batch. */
    public static SquaredError half(Reduction reduction) {
        return new SquaredError(0.5, reduction);
    }

    /** The mean squared error of CS 489 (see docs/notes.md): the mean over samples of {@code ||y - t||^2}. */
    public static SquaredError mse() {
        return new SquaredError(1.0, Reduction.MEAN);
    }

    @Override
    public String name() {
        return factor == 0.5 ? "SquaredError[half, " + reduction + "]" : "MSE";
    }

    @Override
    protected double total() {
        diff = y.sub(t);
        return factor * diff.mul(diff).sumNumber().doubleValue();
    }

    @Override
    protected INDArray gradient() {
        return diff.mul(2 * factor);
    }

    @Override
    protected void release() {
        super.release();
        diff = null;
    }
}
