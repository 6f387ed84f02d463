package org.myelin.kernel;

import org.myelin.autodiff.Op;
import org.myelin.ops.Activate;
import org.myelin.ops.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Activate} with its backward pass, {@code dZ = f'(Z) (.) dA}, done by {@link Kernels#active()}: one
 * fused native pass where the activation is elementwise and the arrays are contiguous, the ND4J path
 * ({@link Activation#backward}) otherwise. Equal to {@link Activate} within rounding (tested); the layers use
 * it, while {@link org.myelin.ops.Ops#activate} stays the pure-ND4J reference.
 */
public final class FusedActivate extends Op {
    private final Activation activation;
    private INDArray z;
    private INDArray a;

    public FusedActivate(Activation activation) {
        this.activation = activation;
    }

    @Override
    public String name() {
        return "FusedActivate[" + activation.name() + "]";
    }

    @Override
    protected INDArray forward(INDArray... in) {
        z = in[0];
        a = activation.forward(z);
        return a;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {Kernels.active().activationBackward(activation, z, a, gradOut, null)};
    }

    @Override
    protected void release() {
        z = null;
        a = null;
    }
}
