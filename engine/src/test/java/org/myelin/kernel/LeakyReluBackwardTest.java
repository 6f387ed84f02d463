package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Leaky ReLU's derivative {@code f' = 1 if z >= 0 else slope}, exactly, from {@code Activations.LeakyRelu.backward}
 * itself and through the ND4J kernel path that delegates to it. An earlier backward ignored the array
 * {@code putWhereWithMask} returns and so gave {@code slope * gradOut} everywhere; this pins the fix.
 */
class LeakyReluBackwardTest {

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"},
            mode = Mode.INCLUDE)
    void derivativeIsOneForNonNegativeAndSlopeForNegativeInputs(DataType type) {
        Activation f = Activations.leakyRelu(0.25);
        INDArray z = Nd4j.createFromArray(-2.0, -0.5, 0.0, 0.5, 2.0).castTo(type);
        INDArray g = Nd4j.createFromArray(1.0, 2.0, 3.0, 4.0, 5.0).castTo(type);
        INDArray expected = Nd4j.createFromArray(0.25, 0.5, 3.0, 4.0, 5.0).castTo(type);

        assertEquals(expected, f.backward(z, null, g), "Activations.leakyRelu(0.25).backward");
        assertEquals(expected, Kernels.nd4j().activationBackward(f, z, null, g, null), "Nd4jKernels");
        assertEquals(expected, Kernels.nd4j().activationBackward(f, z, f.forward(z), g, z.ulike()), "into out");
    }
}
