package org.myelin.kernel;

import org.myelin.ops.Activate;
import org.myelin.ops.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Activate} with its backward pass, {@code dZ = f'(Z) (.) dA}, done by {@link Kernels#active()}: one
 * fused native pass where the activation is elementwise and the arrays are contiguous, the ND4J path
 * ({@link Activation#backward}) otherwise. Equal to {@link Activate} within rounding (tested); the layers use
 * it, while {@link org.myelin.ops.Ops#activate} stays the pure-ND4J reference.
 */
public final class FusedActivate extends Activate {

    public FusedActivate(Activation activation) {
        super(activation);
    }

    @Override
    protected INDArray backward(Activation f, INDArray z, INDArray a, INDArray gradOut) {
        return Kernels.active().activationBackward(f, z, a, gradOut, null);
    }
}
