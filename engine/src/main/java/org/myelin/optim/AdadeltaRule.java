package org.myelin.optim;

import org.myelin.kernel.EmaWeights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adadelta (Zeiler 2012; MIT 6.390 §6.7.2 lists it among the adaptive step sizes; see docs/notes.md), stateless and in
 * place, elementwise:
 * <pre>
 *   E[g^2]  <- rho E[g^2] + (1 - rho) g^2
 *   d       =  sqrt(E[dw^2] + eps) / sqrt(E[g^2] + eps) * g
 *   E[dw^2] <- rho E[dw^2] + (1 - rho) d^2
 *   w       <- w - lr d
 * </pre>
 * Each weight's step size is the ratio of the RMS of its recent updates to the RMS of its recent gradients
 * (MIT 6.390 §6.7.3, Concept 28: each weight gets its own step size). {@code lr} is PyTorch's extra factor, 1 in the
 * paper.
 *
 * <p>Shapes: {@code param}, {@code grad}, {@code meanSqGrad}, {@code meanSqDelta} and the two work arrays of the
 * same shape; the work arrays' contents are overwritten.
 */
public final class AdadeltaRule {
    private AdadeltaRule() {}

    /** One Adadelta step, in place on {@code param}, {@code meanSqGrad} and {@code meanSqDelta}. */
    public static void apply(
            INDArray param,
            INDArray grad,
            INDArray meanSqGrad,
            INDArray meanSqDelta,
            INDArray scratch1,
            INDArray scratch2,
            double lr,
            double rho,
            double eps) {
        EmaWeights w = EmaWeights.of(rho, param.dataType()); // weights that add up to 1 in float32 too
        InPlace.axpy(w.complement(), InPlace.square(grad, scratch1), meanSqGrad.muli(w.decay()));
        INDArray delta = Transforms.sqrt(scratch1.assign(meanSqDelta).addi(eps), false);
        delta.divi(Transforms.sqrt(scratch2.assign(meanSqGrad).addi(eps), false))
                .muli(grad);
        InPlace.axpy(w.complement(), InPlace.square(delta, scratch2), meanSqDelta.muli(w.decay()));
        InPlace.axpy(-lr, delta, param);
    }
}
