package org.myelin.optim;

import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The plain gradient-descent update, stateless and in place: {@code w <- w - eta g} (CS 489 §8,
 * MIT 6.390 §6.5.1 (see docs/notes.md): {@code Delta theta = -eta dL/dtheta}).
 *
 * <p>Shapes: {@code param} and {@code grad} of the same shape.
 */
public final class SgdRule {
    private SgdRule() {}

    /**
     * {@code param <- param - lr grad}, in place on {@code param}: one native pass where the process's kernels
     * ({@link Kernels#active()}) take the arrays, one ND4J axpy otherwise.
     */
    public static void apply(INDArray param, INDArray grad, double lr) {
        Kernels.active().sgd(param, grad, lr, 0.0);
    }
}
