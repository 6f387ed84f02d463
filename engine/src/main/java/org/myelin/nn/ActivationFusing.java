package org.myelin.nn;

import org.myelin.autodiff.Tensor;
import org.myelin.ops.Activation;

/**
 * A layer that can apply the activation following it in a {@link Sequential} as part of its own forward pass (for
 * example {@link Dense}: a gemm and one fused bias-and-activation pass each way instead of two ops). Sequential calls
 * {@link #forward(Tensor, Activation)} for such a layer followed by an {@link ActivationLayer}; the result must equal
 * {@code activation(layer.forward(input))}.
 */
public interface ActivationFusing {
    /** {@code f(layer(input))} in one pass. */
    Tensor forward(Tensor input, Activation activation);
}
