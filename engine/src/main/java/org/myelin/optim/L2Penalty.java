package org.myelin.optim;

import java.util.function.Predicate;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight decay as an L2 penalty {@code lambda ||theta||^2} on the loss (CS 489 §11.2; MIT 6.390 §6.8.1.2, eq.
 * 6.60-6.61; see docs/notes.md), applied through the gradient: {@code dE/dtheta <- dE/dtheta + 2 lambda theta} for each
 * selected parameter, in place and without temporaries. With plain gradient descent this decays the weights by a factor
 * {@code (1 - 2 lambda eta)} per step (MIT 6.390 eq. 6.63). Default selection: weights only
 * ({@link ParameterSelection#weights()}).
 *
 * <p>{@link #apply} returns the penalty {@code lambda sum ||theta||^2} over the selected parameters that have a
 * gradient, to add to the logged loss.
 */
public final class L2Penalty extends WeightPenalty {

    public L2Penalty(double lambda, Predicate<String> selection) {
        super("L2Penalty", lambda, selection);
    }

    /** The penalty on weights only. */
    public L2Penalty(double lambda) {
        this(lambda, ParameterSelection.weights());
    }

    @Override
    protected double penalize(INDArray theta, INDArray grad) {
        double norm = theta.norm2Number().doubleValue();
        InPlace.axpy(2 * lambda, theta, grad);
        return lambda * norm * norm;
    }
}
