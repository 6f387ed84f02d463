package org.myelin.optim;

import java.util.Map;
import java.util.function.Predicate;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weight decay as an L2 penalty {@code lambda ||theta||^2} on the loss (000 11.2; 004 6.8.1.2, eq. 6.60-6.61),
 * applied through the gradient: {@code dE/dtheta <- dE/dtheta + 2 lambda theta} for each selected parameter, in
 * place and without temporaries. With plain gradient descent this decays the weights by a factor
 * {@code (1 - 2 lambda eta)} per step (004 eq. 6.63). Default selection: weights only
 * ({@link ParameterSelection#weights()}).
 *
 * <p>{@link #apply} returns the penalty {@code lambda sum ||theta||^2} over the selected parameters that have a
 * gradient, to add to the logged loss.
 */
public final class L2Penalty implements GradientTransform {
    private final double lambda;
    private final Predicate<String> selection;

    public L2Penalty(double lambda, Predicate<String> selection) {
        this.lambda = Check.nonNegative("L2Penalty", "lambda", lambda);
        if (selection == null) {
            throw new IllegalArgumentException("L2Penalty: selection must not be null");
        }
        this.selection = selection;
    }

    /** The penalty on weights only. */
    public L2Penalty(double lambda) {
        this(lambda, ParameterSelection.weights());
    }

    public double lambda() {
        return lambda;
    }

    @Override
    public double apply(Map<String, Tensor> parameters) {
        double penalty = 0;
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            INDArray grad = e.getValue().grad();
            if (grad == null || !selection.test(e.getKey())) {
                continue;
            }
            INDArray theta = e.getValue().value();
            double norm = theta.norm2Number().doubleValue();
            penalty += lambda * norm * norm;
            InPlace.axpy(2 * lambda, theta, grad);
        }
        return penalty;
    }
}
