package org.myelin.optim;

import java.util.Map;
import org.myelin.autodiff.Tensor;

/**
 * A change to the gradients applied after backward and before {@link Optimizer#step()}: penalties
 * ({@link L2Penalty}, {@link L1Penalty}) and clipping ({@link ClipByValue}, {@link ClipByGlobalNorm}).
 * Gradients are modified in place (they belong to their parameters); parameters without a gradient (not reached
 * by the backward pass) are skipped. Apply them in a fixed order: penalties, then clipping.
 */
@FunctionalInterface
public interface GradientTransform {

    /**
     * Transforms the gradients of {@code parameters} in place and returns a number worth logging (each class
     * says which: the penalty value, the norm before clipping, ...).
     */
    double apply(Map<String, Tensor> parameters);
}
