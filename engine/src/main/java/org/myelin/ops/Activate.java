package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Applies an {@link Activation} in a graph: {@code A = f(Z)}, backward {@code dZ = f'(Z) (.) dA}. */
public final class Activate extends Op {
    private final Activation activation;
    private INDArray z;
    private INDArray a;

    public Activate(Activation activation) {
        this.activation = activation;
    }

    @Override
    public String name() {
        return "Activate[" + activation.name() + "]";
    }

    @Override
    protected INDArray forward(INDArray... in) {
        z = in[0];
        a = activation.forward(z);
        return a;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {activation.backward(z, a, gradOut)};
    }

    @Override
    protected void release() {
        z = null;
        a = null;
    }
}
