package org.myelin.optim;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Nesterov momentum in PyTorch's form, stateless and in place: {@code v <- mu v + g;
 * w <- w - lr (g + mu v)} (the look-ahead gradient of Sutskever et al. 2013, rewritten in terms of the
 * gradient at the current weights).
 *
 * <p>Shapes: {@code param}, {@code grad}, {@code velocity} of the same shape.
 */
public final class NesterovRule {
    private NesterovRule() {
    }

    /** One Nesterov step, in place on {@code param} and {@code velocity}. */
    public static void apply(INDArray param, INDArray grad, INDArray velocity, double lr, double mu) {
        velocity.muli(mu).addi(grad);
        InPlace.axpy(-lr, grad, param);
        InPlace.axpy(-lr * mu, velocity, param);
    }
}
