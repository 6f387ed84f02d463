package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LayerNormTest {

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void standardisesEachSampleOverItsFeaturesInBothModes(boolean training) {
        LayerNorm ln = new LayerNorm(3, 1e-12, DataType.DOUBLE);
        ln.gain().value().assign(Nd4j.createFromArray(1.0, 2.0, 3.0));
        ln.shift().value().assign(Nd4j.createFromArray(0.0, 0.0, 1.0));
        ln.train(training);
        // Row 1: mean 2, variance 2/3, xhat = [-1, 0, 1] / sqrt(2/3); row 2 is constant, xhat = 0.
        INDArray y = ln.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{1, 2, 3}, {2, 2, 2}})))
                .value();
        double s = 1 / Math.sqrt(2.0 / 3);
        INDArray expected = Nd4j.createFromArray(new double[][] {{-s, 0, 1 + 3 * s}, {0, 0, 1}});
        assertTrue(expected.equalsWithEps(y, 1e-9), y.toString());
    }

    @Test
    void gradCheckPassesOnParametersAndInput() {
        LayerNorm ln = new LayerNorm(4, 1e-3, DataType.DOUBLE);
        ln.gain().value().assign(Nd4j.createFromArray(1.5, -0.5, 2.0, 0.7));
        ln.shift().value().assign(Nd4j.createFromArray(0.1, 0.2, -0.3, 0.0));
        INDArray x = Nd4j.getRandomFactory()
                .getNewRandomInstance(2)
                .nextGaussian(new long[] {3, 4})
                .castTo(DataType.DOUBLE);
        double err = ModuleGradCheck.worstError(ln, x, 4);
        assertTrue(err < 1e-5, "worst error " + err);
    }

    @Test
    void parametersAreGainAndShift() {
        LayerNorm ln = new LayerNorm(5, DataType.FLOAT);
        assertEquals(List.of("gain", "shift"), List.copyOf(ln.namedParameters().keySet()));
        assertEquals(Nd4j.ones(DataType.FLOAT, 5), ln.gain().value());
        assertEquals(Nd4j.zeros(DataType.FLOAT, 5), ln.shift().value());
        assertTrue(ln.namedBuffers().isEmpty());
    }

    @Test
    void invalidInputAndHyperParametersAreRejected() {
        LayerNorm ln = new LayerNorm(4, DataType.FLOAT);
        assertEquals(
                "LayerNorm[4]: input has shape [2, 3], expected [*, 4]",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> ln.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 2, 3))))
                        .getMessage());
        assertEquals(
                "LayerNorm[4]: eps must be > 0, was -1.0E-5",
                assertThrows(IllegalArgumentException.class, () -> new LayerNorm(4, -1e-5, DataType.FLOAT))
                        .getMessage());
        assertEquals(
                "LayerNorm: number of features must be > 0, was -2",
                assertThrows(IllegalArgumentException.class, () -> new LayerNorm(-2, DataType.FLOAT))
                        .getMessage());
    }
}
