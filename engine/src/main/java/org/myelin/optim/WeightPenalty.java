package org.myelin.optim;

import java.util.Map;
import java.util.function.Predicate;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A penalty {@code lambda R(theta)} on the loss, applied through the gradient of each selected parameter that
 * has one: the shared shell of {@link L1Penalty} and {@link L2Penalty}, which give only {@code R} and its
 * gradient.
 */
abstract class WeightPenalty implements GradientTransform {
    protected final double lambda;
    private final Predicate<String> selection;

    WeightPenalty(String owner, double lambda, Predicate<String> selection) {
        this.lambda = Preconditions.nonNegative(owner, "lambda", lambda);
        if (selection == null) {
            throw new IllegalArgumentException(owner + ": selection must not be null");
        }
        this.selection = selection;
    }

    public final double lambda() {
        return lambda;
    }

    /** Adds the penalty's gradient to each selected gradient in place; returns the penalty's value. */
    @Override
    public final double apply(Map<String, Tensor> parameters) {
        double penalty = 0;
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            INDArray grad = e.getValue().grad();
            if (grad == null || !selection.test(e.getKey())) {
                continue;
            }
            penalty += penalize(e.getValue().value(), grad);
        }
        return penalty;
    }

    /** Adds {@code lambda dR/dtheta} to {@code grad} in place and returns {@code lambda R(theta)}. */
    protected abstract double penalize(INDArray theta, INDArray grad);
}
