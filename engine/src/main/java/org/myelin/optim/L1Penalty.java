package org.myelin.optim;

import java.util.function.Predicate;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The L1 penalty {@code lambda sum |theta_i|} on the loss (CS 489 §11.2: favours sparsity; see docs/notes.md), applied
 * through the (sub)gradient: {@code dE/dtheta <- dE/dtheta + lambda sign(theta)}, with {@code sign(0) = 0}, for each
 * selected parameter, in place. Default selection: weights only ({@link ParameterSelection#weights()}).
 *
 * <p>{@link #apply} returns the penalty {@code lambda sum |theta_i|} over the selected parameters that have a
 * gradient.
 */
public final class L1Penalty extends WeightPenalty {

    public L1Penalty(double lambda, Predicate<String> selection) {
        super("L1Penalty", lambda, selection);
    }

    /** The penalty on weights only. */
    public L1Penalty(double lambda) {
        this(lambda, ParameterSelection.weights());
    }

    @Override
    protected double penalize(INDArray theta, INDArray grad) {
        // sign(theta) is a temporary: in the trainer it comes from the step's workspace.
        InPlace.axpy(lambda, Transforms.sign(theta, true), grad);
        return lambda * theta.norm1Number().doubleValue();
    }
}
