package org.myelin.ops;

import org.myelin.Preconditions;
import org.myelin.Profiler;
import org.myelin.autodiff.Op;
import org.myelin.autodiff.StepArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the losses: inputs are the prediction Y {@code [B, n]} and the target T of the same shape; the
 * output is a scalar. Targets receive no gradient. Subclasses give the per-element loss summed over the batch
 * and its derivative with respect to Y (or the logits).
 */
public abstract class LossOp extends Op {
    protected final Reduction reduction;
    protected INDArray y;
    protected INDArray t;
    protected double scale;

    protected LossOp(Reduction reduction) {
        if (reduction == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": reduction must not be null");
        }
        this.reduction = reduction;
    }

    public Reduction reduction() {
        return reduction;
    }

    @Override
    protected final INDArray forward(INDArray... in) {
        y = in[0];
        t = in[1];
        Preconditions.requireRank(name(), "prediction", y, 2);
        Preconditions.requireSameShape(name(), "target", t, y, "prediction");
        scale = reduction.scale(y.size(0));
        // A kept array of the trainer's step (StepArrays) set by one store: Nd4j.scalar created a buffer every step.
        INDArray loss = StepArrays.uninitialized(y.dataType());
        loss.putScalar(0, total() * scale);
        return loss;
    }

    /** The sum over the batch of the per-sample losses. */
    protected abstract double total();

    /** d(total)/dY, before the reduction's scale. */
    protected abstract INDArray gradient();

    /**
     * dL/dY, {@code gradient() * scale * upstream}, where {@code upstream} is dL/d(loss) (1 when the loss is where
     * backward starts). A loss whose forward pass already wrote {@code gradient() * scale} overrides this to skip
     * the pass over the gradient.
     */
    protected INDArray scaledGradient(double upstream) {
        INDArray g = gradient();
        try (Profiler.Scope s = Profiler.scope("loss gradient scale (ND4J muli)")) {
            return g.muli(scale * upstream);
        }
    }

    @Override
    protected final INDArray[] backward(INDArray gradOut) {
        INDArray gy = needsGrad(0) ? scaledGradient(gradOut.getDouble(0)) : null;
        return new INDArray[] {gy, null};
    }

    @Override
    protected void release() {
        y = null;
        t = null;
    }
}
