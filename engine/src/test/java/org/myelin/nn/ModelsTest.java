package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelsTest {

    private static List<String> kinds(Sequential s) {
        return s.layers().stream().map(m -> m.getClass().getSimpleName()).toList();
    }

    @Test
    void mlpAlternatesDenseAndActivationAndEndsInLogits() {
        Sequential m = Models.mlp(DataType.FLOAT, 1, Activations.TANH, Inits.lecunNormal(), 4, 8, 6, 3);
        assertEquals(List.of("Dense", "ActivationLayer", "Dense", "ActivationLayer", "Dense"), kinds(m));
        assertEquals("tanh", ((ActivationLayer) m.get(1)).activation().name());
        assertEquals(4 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3, m.parameterCount());
        assertArrayEquals(
                new long[] {10, 3},
                m.forward(Tensor.constant(Nd4j.rand(DataType.FLOAT, 10, 4))).shape());
        assertEquals(Inits.lecunNormal(), ((Dense) m.get(4)).weightInit());
    }

    @Test
    void sameSeedGivesBitIdenticalWeightsAndOtherSeedsDiffer() {
        Sequential a = Models.mlp(DataType.DOUBLE, 7, Activations.RELU, Inits.heNormal(), 5, 5, 5);
        Sequential b = Models.mlp(DataType.DOUBLE, 7, Activations.RELU, Inits.heNormal(), 5, 5, 5);
        Sequential c = Models.mlp(DataType.DOUBLE, 8, Activations.RELU, Inits.heNormal(), 5, 5, 5);
        for (Map.Entry<String, Tensor> e : a.namedParameters().entrySet()) {
            assertEquals(
                    e.getValue().value(), b.namedParameters().get(e.getKey()).value(), e.getKey());
        }
        assertNotEquals(
                a.namedParameters().get("0.weight").value(),
                c.namedParameters().get("0.weight").value());
        // Same-shaped layers of one model get different streams.
        assertNotEquals(
                a.namedParameters().get("0.weight").value(),
                a.namedParameters().get("2.weight").value());
    }

    @Test
    void fromConfigWithTheSeedReproducesTheInitialModel() {
        Sequential m = Models.mlpBuilder(3, 6, 6, 2)
                .optDataType(DataType.DOUBLE)
                .optSeed(21)
                .optHiddenBiasInit(Inits.reluBias())
                .optDropout(0.3)
                .optBatchNorm(true)
                .build();
        Module rebuilt = Modules.fromConfig(m.config(), 21);
        for (Map.Entry<String, Tensor> e : m.namedParameters().entrySet()) {
            assertEquals(
                    e.getValue().value(),
                    rebuilt.namedParameters().get(e.getKey()).value(),
                    e.getKey());
        }
        // Dropout streams are derived from the seed the same way: training-mode outputs agree too.
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 3);
        assertEquals(
                m.forward(Tensor.constant(x)).value(),
                rebuilt.forward(Tensor.constant(x)).value());
    }

    @Test
    void batchNormAndDropoutOptionsFollowEachHiddenLayer() {
        Sequential m = Models.mlpBuilder(3, 6, 6, 2)
                .optSeed(2)
                .optHiddenBiasInit(Inits.reluBias())
                .optDropout(0.5)
                .optBatchNorm(true)
                .build();
        assertEquals(
                List.of(
                        "Dense",
                        "BatchNorm",
                        "ActivationLayer",
                        "Dropout",
                        "Dense",
                        "BatchNorm",
                        "ActivationLayer",
                        "Dropout",
                        "Dense"),
                kinds(m));
        assertFalse(((Dense) m.get(0)).hasBias(), "batch norm's shift replaces the hidden bias");
        assertEquals(0.5, ((Dropout) m.get(3)).rate());
        Dense out = (Dense) m.get(8);
        assertEquals(Nd4j.zeros(DataType.FLOAT, 2), out.bias().value());

        Sequential plain =
                Models.mlpBuilder(3, 6, 2).optHiddenBiasInit(Inits.reluBias()).build();
        assertEquals(
                Nd4j.valueArrayOf(new long[] {6}, Inits.RELU_BIAS, DataType.FLOAT),
                ((Dense) plain.get(0)).bias().value());
        assertEquals(
                Nd4j.zeros(DataType.FLOAT, 2),
                ((Dense) plain.get(2)).bias().value(),
                "the output layer's bias starts at zero");
        assertInstanceOf(Dense.class, plain.get(plain.size() - 1));
    }

    @Test
    void invalidSizesAndRatesAreRejectedByName() {
        assertEquals(
                "Models.mlp: sizes[1] must be > 0, was 0 in [4, 0, 2]",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Models.mlp(DataType.FLOAT, 0, Activations.RELU, Inits.heNormal(), 4, 0, 2))
                        .getMessage());
        assertEquals(
                "Models.mlp: sizes must hold the input and output size at least, was [4]",
                assertThrows(IllegalArgumentException.class, () -> Models.mlpBuilder(4))
                        .getMessage());
        assertEquals(
                "Models.mlp: dropout rate must be in [0, 1), was 1.0",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Models.mlpBuilder(4, 2).optDropout(1.0))
                        .getMessage());
        assertEquals(
                "Models.mlp: data type must be FLOAT (float32) or DOUBLE (float64), was HALF",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Models.mlpBuilder(4, 2).optDataType(DataType.HALF))
                        .getMessage());
    }
}
