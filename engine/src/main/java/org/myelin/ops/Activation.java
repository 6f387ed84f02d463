package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An activation function {@code A = f(Z)} and its vector-Jacobian product.
 *
 * <p>Implementations are stateless values; {@link Activate} is the op that applies one in a graph. Every
 * method returns a fresh array and leaves its arguments untouched.
 */
public interface Activation {

    /** A short name, e.g. {@code "relu"}; {@link Activations#byName} parses it back. */
    String name();

    /** {@code f(z)}, a fresh array of z's shape. */
    INDArray forward(INDArray z);

    /**
     * {@code dL/dZ} given {@code gradOut = dL/dA}: for an elementwise f this is {@code gradOut (.) f'(z)}.
     *
     * @param z the input of the forward pass
     * @param a the output of the forward pass, {@code f(z)} (used where the derivative is cheaper from it)
     */
    INDArray backward(INDArray z, INDArray a, INDArray gradOut);

    /** Whether {@link #backward} is defined; one-hot is forward only. */
    default boolean differentiable() {
        return true;
    }
}
