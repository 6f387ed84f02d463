package org.myelin.optim;

import org.myelin.kernel.EmaWeights;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Momentum updates, stateless and in place on {@code param} and {@code velocity} (CS 489 §14.3; see docs/notes.md).
 *
 * <p>Three forms, which are the same method up to a rescaling of the velocity and the step:
 * <ul>
 *   <li>heavy ball ({@link org.myelin.kernel.ElementwiseKernels#sgdMomentum}): PyTorch's SGD with momentum, {@code v <- mu v + g; w <- w - lr v}.</li>
 *   <li>{@link #friction}: the notes' first form, {@code V' <- (1 - r) V' - dE/dW}, then
 *       {@code W <- W + kappa V'}. Equal to heavy ball with {@code mu = 1 - r}, {@code lr = kappa},
 *       {@code v = -V'}.</li>
 *   <li>{@link #convex}: the notes' convex form, {@code V <- beta V - (1 - beta) dE/dW}, then
 *       {@code W <- W + kappa V}. Equal to heavy ball with {@code mu = beta}, {@code lr = kappa (1 - beta)},
 *       {@code v = -V / (1 - beta)}.</li>
 * </ul>
 * The notes write the weight update as {@code W <- W - kappa V}; with their velocity, which accumulates the
 * <em>negative</em> gradient, that would climb the loss, so the step adds {@code kappa V} (the velocity points
 * downhill, like {@code D_{n+1} = D_n + dt V_n} in the notes' physical analogy).
 *
 * <p>Shapes: {@code param}, {@code grad}, {@code velocity} of the same shape.
 */
public final class MomentumRule {
    private MomentumRule() {}

    /** CS 489 §14.3 (see docs/notes.md), first form: {@code V <- (1 - r) V - g; W <- W + kappa V}, {@code r} the resistance. */
    public static void friction(INDArray param, INDArray grad, INDArray velocity, double kappa, double r) {
        velocity.muli(1 - r).subi(grad);
        InPlace.axpy(kappa, velocity, param);
    }

    /** CS 489 §14.3 (see docs/notes.md), convex form: {@code V <- beta V - (1 - beta) g; W <- W + kappa V}. */
    public static void convex(INDArray param, INDArray grad, INDArray velocity, double kappa, double beta) {
        EmaWeights w = EmaWeights.of(beta, velocity.dataType()); // weights that add up to 1 in float32 too
        velocity.muli(w.decay());
        InPlace.axpy(-w.complement(), grad, velocity);
        InPlace.axpy(kappa, velocity, param);
    }
}
