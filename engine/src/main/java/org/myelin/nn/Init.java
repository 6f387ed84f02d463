package org.myelin.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;

/**
 * A parameter initialiser: draws the initial values of a weight or bias array (Duke slides "Weight initialization",
 * Oxford ML §3.2.1 (see docs/notes.md)). Implementations are stateless values; all randomness comes from the
 * {@link Random} passed in, so the same seed gives bit-identical arrays. Factories and names: {@link Inits}.
 *
 * <p>Fan-in and fan-out are those of the layer the array belongs to: for a dense layer with
 * {@code W [in, out]}, fan-in {@code D = in} and fan-out {@code out}, for its weight and its bias alike.
 */
public interface Init {

    /** A short name that {@link Inits#byName} parses back, e.g. {@code "xavier_uniform"}, {@code "constant(0.01)"}. */
    String name();

    /**
     * A fresh array of {@code type} and {@code shape} drawn from this initialiser's distribution.
     *
     * @param fanIn  number of inputs of the layer (D of Oxford ML §3.2.1; see docs/notes.md), {@code > 0} for
     * fan-scaled initialisers
     * @param fanOut number of outputs of the layer
     * @param rng    the random stream to draw from; advanced by the draw
     * @throws IllegalArgumentException if a fan needed by the distribution is not positive
     */
    INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng);
}
