package org.myelin.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adagrad (Duchi et al. 2011; in the terms of MIT 6.390 §6.7.2: one step size per weight, MIT 6.390 §6.7.3; see
 * docs/notes.md), stateless and in place: {@code G <- G + g^2; w <- w - lr g / (sqrt(G) + eps)}, elementwise.
 *
 * <p>Shapes: {@code param}, {@code grad}, {@code sumSq}, {@code scratch} of the same shape; {@code scratch} is
 * a work array whose contents are overwritten.
 */
public final class AdagradRule {
    private AdagradRule() {}

    /** One Adagrad step, in place on {@code param} and {@code sumSq}. */
    public static void apply(INDArray param, INDArray grad, INDArray sumSq, INDArray scratch, double lr, double eps) {
        sumSq.addi(InPlace.square(grad, scratch));
        Transforms.sqrt(scratch.assign(sumSq), false).addi(eps).rdivi(grad);
        InPlace.axpy(-lr, scratch, param);
    }
}
