package org.myelin.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam (Kingma and Ba 2015; named in 001 and 004 6.7.2) with bias correction, stateless and in place,
 * elementwise, at step {@code t = 1, 2, ...}:
 * <pre>
 *   m <- beta1 m + (1 - beta1) g
 *   v <- beta2 v + (1 - beta2) g^2
 *   w <- w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * and the decoupled weight decay of AdamW (Loshchilov and Hutter 2019), {@code w <- (1 - lr lambda) w},
 * applied before the Adam step.
 *
 * <p>Shapes: {@code param}, {@code grad}, {@code m}, {@code v}, {@code scratch} of the same shape;
 * {@code scratch} is a work array whose contents are overwritten.
 */
public final class AdamRule {
    private AdamRule() {
    }

    /** One Adam step at step number {@code t >= 1}, in place on {@code param}, {@code m} and {@code v}. */
    public static void apply(INDArray param, INDArray grad, INDArray m, INDArray v, INDArray scratch,
            double lr, double beta1, double beta2, double eps, long t) {
        InPlace.axpy(1 - beta1, grad, m.muli(beta1));
        InPlace.axpy(1 - beta2, InPlace.square(grad, scratch), v.muli(beta2));
        double correction1 = 1 - Math.pow(beta1, t);
        double correction2 = 1 - Math.pow(beta2, t);
        // PyTorch's arrangement: eps is added to the bias-corrected sqrt(v), and 1/(1 - beta1^t) goes into the step.
        Transforms.sqrt(scratch.assign(v), false).divi(Math.sqrt(correction2)).addi(eps).rdivi(m);
        InPlace.axpy(-lr / correction1, scratch, param);
    }

    /** Decoupled weight decay: {@code param <- (1 - lr weightDecay) param}, in place. */
    public static void decoupledWeightDecay(INDArray param, double lr, double weightDecay) {
        param.muli(1 - lr * weightDecay);
    }
}
