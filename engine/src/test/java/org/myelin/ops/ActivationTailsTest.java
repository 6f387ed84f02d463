package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The logistic's and tanh's derivatives far out in their tails, where {@code a (1 - a)} and {@code 1 - a^2} cancel to
 * 0 once {@code a} rounds to 1: the unfused ops returned 0 in float64 at z = 50 (logistic) and |z| = 20 (tanh), where
 * the derivatives are 1.9e-22 and 1.7e-17. Expected values from the closed forms {@code e^-z / (1 + e^-z)^2} and
 * {@code 4 e^-2|z| / (1 + e^-2|z|)^2}.
 */
class ActivationTailsTest {

    private static double backward(Activation f, double z) {
        INDArray zs = Nd4j.scalar(z).castTo(DataType.DOUBLE).reshape(1, 1);
        INDArray a = f.forward(zs);
        return f.backward(zs, a, Nd4j.ones(DataType.DOUBLE, 1, 1)).getDouble(0);
    }

    private static double logistic(double z) {
        double e = Math.exp(-Math.abs(z));
        return e / ((1 + e) * (1 + e));
    }

    private static double tanh(double z) {
        double e = Math.exp(-2 * Math.abs(z));
        return 4 * e / ((1 + e) * (1 + e));
    }

    @Test
    void derivativesKeepTheirTailsInFloat64() {
        for (double z : new double[] {-50, -20, -5, -1e-3, 0, 1e-3, 5, 20, 50, 300}) {
            assertEquals(logistic(z), backward(Activations.LOGISTIC, z), 1e-14 * logistic(z), "logistic'(" + z + ")");
            assertEquals(tanh(z), backward(Activations.TANH, z), 1e-14 * tanh(z), "tanh'(" + z + ")");
        }
        assertEquals(0.25, backward(Activations.LOGISTIC, 0), 0.0);
        assertEquals(1.0, backward(Activations.TANH, 0), 0.0);
        assertEquals(1.9287498479639178e-22, backward(Activations.LOGISTIC, 50), 1e-34);
    }

    @Test
    void theFormFromTheOutputAloneIsUnchanged() {
        INDArray a = Nd4j.createFromArray(0.25, 0.5, 0.9).reshape(1, 3);
        INDArray g = Nd4j.ones(DataType.DOUBLE, 1, 3);
        assertEquals(Nd4j.createFromArray(0.1875, 0.25, 0.09).reshape(1, 3), Activations.LOGISTIC.backward(null, a, g));
    }
}
