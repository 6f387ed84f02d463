package org.myelin.optim;

import java.util.Map;
import java.util.function.Predicate;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The L1 penalty {@code lambda sum |theta_i|} on the loss (000 11.2: favours sparsity), applied through the
 * (sub)gradient: {@code dE/dtheta <- dE/dtheta + lambda sign(theta)}, with {@code sign(0) = 0}, for each selected
 * parameter, in place. Default selection: weights only ({@link ParameterSelection#weights()}).
 *
 * <p>{@link #apply} returns the penalty {@code lambda sum |theta_i|} over the selected parameters that have a
 * gradient.
 */
public final class L1Penalty implements GradientTransform {
    private final double lambda;
    private final Predicate<String> selection;

    public L1Penalty(double lambda, Predicate<String> selection) {
        this.lambda = Check.nonNegative("L1Penalty", "lambda", lambda);
        if (selection == null) {
            throw new IllegalArgumentException("L1Penalty: selection must not be null");
        }
        this.selection = selection;
    }

    /** The penalty on weights only. */
    public L1Penalty(double lambda) {
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
            penalty += lambda * theta.norm1Number().doubleValue();
            // sign(theta) is a temporary: in the trainer it comes from the step's workspace.
            InPlace.axpy(lambda, Transforms.sign(theta, true), grad);
        }
        return penalty;
    }
}
