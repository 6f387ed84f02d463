package org.myelin.optim;

import org.myelin.kernel.EmaWeights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * RMSprop (Tieleman and Hinton 2012; named in Duke slides; see docs/notes.md), stateless and in place:
 * {@code s <- rho s + (1 - rho) g^2; w <- w - lr g / (sqrt(s) + eps)}, elementwise (PyTorch's form, with
 * {@code rho} its {@code alpha}).
 *
 * <p>Shapes: {@code param}, {@code grad}, {@code meanSq}, {@code scratch} of the same shape; {@code scratch} is
 * a work array whose contents are overwritten.
 */
public final class RmsPropRule {
    private RmsPropRule() {}

    /** One RMSprop step, in place on {@code param} and {@code meanSq}. */
    public static void apply(
            INDArray param, INDArray grad, INDArray meanSq, INDArray scratch, double lr, double rho, double eps) {
        EmaWeights w = EmaWeights.of(rho, param.dataType()); // weights that add up to 1 in float32 too
        InPlace.axpy(w.complement(), InPlace.square(grad, scratch), meanSq.muli(w.decay()));
        Transforms.sqrt(scratch.assign(meanSq), false).addi(eps).rdivi(grad);
        InPlace.axpy(-lr, scratch, param);
    }
}
