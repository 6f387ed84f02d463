package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Applies an {@link Activation} in a graph: {@code A = f(Z)}, backward {@code dZ = f'(Z) (.) dA}. */
public class Activate extends Op {
    private final Activation activation;
    private INDArray z;
    private INDArray a;

    public Activate(Activation activation) {
        this.activation = activation;
    }

    @Override
    public String name() {
        return getClass().getSimpleName() + "[" + activation.name() + "]";
    }

    @Override
    protected INDArray forward(INDArray... in) {
        z = in[0];
        a = activation.forward(z);
        return a;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {backward(activation, z, a, gradOut)};
    }

    /** {@code dZ = f'(z) (.) gradOut}; subclasses may compute it another way (a fused native kernel). */
    protected INDArray backward(Activation f, INDArray z, INDArray a, INDArray gradOut) {
        return f.backward(z, a, gradOut);
    }

    @Override
    protected void release() {
        z = null;
        a = null;
    }
}
