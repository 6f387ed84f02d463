package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

class InitsTest {
    private static final long FAN_IN = 400;
    private static final long FAN_OUT = 500;

    private static INDArray draw(Init init, DataType type, long seed) {
        Random rng = Seeds.newRandom(seed);
        try {
            return init.sample(type, new long[] {FAN_IN, FAN_OUT}, FAN_IN, FAN_OUT, rng);
        } finally {
            Seeds.close(rng);
        }
    }

    /** (initialiser, expected mean, expected std, half-width of the support or NaN for unbounded). */
    static Stream<Arguments> randomInits() {
        double xavierA = Math.sqrt(6.0 / (FAN_IN + FAN_OUT));
        double heA = Math.sqrt(6.0 / FAN_IN);
        return Stream.of(
                Arguments.of(Inits.uniform(-0.3, 0.5), 0.1, 0.8 / Math.sqrt(12), Double.NaN),
                Arguments.of(Inits.normal(1.5, 0.2), 1.5, 0.2, Double.NaN),
                Arguments.of(Inits.lecunNormal(), 0.0, Math.sqrt(1.0 / FAN_IN), Double.NaN),
                Arguments.of(Inits.xavierUniform(), 0.0, xavierA / Math.sqrt(3), xavierA),
                Arguments.of(Inits.xavierNormal(), 0.0, Math.sqrt(2.0 / (FAN_IN + FAN_OUT)), Double.NaN),
                Arguments.of(Inits.heNormal(), 0.0, Math.sqrt(2.0 / FAN_IN), Double.NaN),
                Arguments.of(Inits.heUniform(), 0.0, heA / Math.sqrt(3), heA));
    }

    @ParameterizedTest
    @MethodSource("randomInits")
    void randomInitialiserMatchesItsMeanAndStd(Init init, double mean, double std, double halfWidth) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = draw(init, type, 11);
            assertEquals(type, a.dataType());
            assertArrayEquals(new long[] {FAN_IN, FAN_OUT}, a.shape());
            double n = a.length();
            // 6 standard errors of the sample mean; the sample std is within ~0.2% at this size.
            assertEquals(mean, a.meanNumber().doubleValue(), 6 * std / Math.sqrt(n), init + " mean");
            assertEquals(std, a.stdNumber().doubleValue(), 0.01 * std, init + " std");
            if (!Double.isNaN(halfWidth)) {
                assertTrue(a.minNumber().doubleValue() >= -halfWidth, init + " below its support");
                assertTrue(a.maxNumber().doubleValue() <= halfWidth, init + " above its support");
            }
        }
    }

    @Test
    void uniformStaysWithinItsBounds() {
        INDArray a = draw(Inits.uniform(-0.3, 0.5), DataType.DOUBLE, 3);
        assertTrue(a.minNumber().doubleValue() >= -0.3);
        assertTrue(a.maxNumber().doubleValue() <= 0.5);
    }

    @ParameterizedTest
    @MethodSource("randomInits")
    void sameSeedGivesBitIdenticalValuesAndOtherSeedsDiffer(Init init) {
        INDArray a = draw(init, DataType.FLOAT, 123);
        INDArray b = draw(init, DataType.FLOAT, 123);
        INDArray c = draw(init, DataType.FLOAT, 124);
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void zerosAndConstantAreExact(DataType type) {
        INDArray z = draw(Inits.zeros(), type, 1);
        INDArray c = draw(Inits.constant(0.25), type, 1);
        assertEquals(type, z.dataType());
        assertEquals(type, c.dataType());
        assertEquals(Nd4j.zeros(type, FAN_IN, FAN_OUT), z);
        assertEquals(Nd4j.valueArrayOf(new long[] {FAN_IN, FAN_OUT}, 0.25, type), c);
        double bias = type == DataType.FLOAT ? (float) Inits.RELU_BIAS : Inits.RELU_BIAS;
        assertEquals(bias, draw(Inits.reluBias(), type, 1).getDouble(7, 9), 0.0);
        assertTrue(Inits.RELU_BIAS > 0);
    }

    @Test
    void constantWeightsLeaveEveryHiddenUnitWithTheSameGradient() {
        // The symmetry problem of Duke slides / Oxford ML §3.2.1 (see docs/notes.md): identical units receive identical
        // updates forever.
        Dense layer = Dense.builder(3, 4)
                .optDataType(DataType.DOUBLE)
                .optWeightInit(Inits.constant(0.5))
                .build();
        INDArray x = Nd4j.createFromArray(new double[][] {{1, -2, 0.5}, {0.3, 0.1, -1}});
        org.myelin.autodiff.Tensor y = layer.forward(org.myelin.autodiff.Tensor.constant(x));
        org.myelin.ops.Ops.sum(org.myelin.ops.Ops.tanh(y)).backward();
        INDArray g = layer.weight().grad();
        for (int j = 1; j < 4; j++) {
            assertEquals(g.getColumn(0), g.getColumn(j));
            assertEquals(y.value().getColumn(0), y.value().getColumn(j));
        }
        Dense random = Dense.builder(3, 4).optDataType(DataType.DOUBLE).build();
        assertNotEquals(
                random.weight().value().getColumn(0), random.weight().value().getColumn(1));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "zeros",
                "constant(0.01)",
                "constant(-2.5)",
                "uniform(-0.1,0.2)",
                "normal(0.0,0.05)",
                "lecun_normal",
                "xavier_uniform",
                "xavier_normal",
                "he_normal",
                "he_uniform"
            })
    void byNameParsesEveryNameBack(String name) {
        Init init = Inits.byName(name);
        Init again = Inits.byName(init.name());
        assertEquals(init, again);
        assertEquals(draw(init, DataType.DOUBLE, 5), draw(again, DataType.DOUBLE, 5));
    }

    @Test
    void byNameAcceptsSynonyms() {
        assertEquals(Inits.xavierUniform(), Inits.byName("glorot_uniform"));
        assertEquals(Inits.heNormal(), Inits.byName("Kaiming_Normal"));
        assertEquals(Inits.constant(1.0), Inits.byName("ones"));
        assertEquals(Inits.uniform(-1, 1), Inits.byName("uniform(-1, 1)"));
    }

    @Test
    void invalidInitialisersAreRejectedWithTheirValues() {
        assertEquals(
                "Inits.uniform: bounds must be finite with a < b and b - a finite, was a = 1.0, b = 1.0",
                assertThrows(IllegalArgumentException.class, () -> Inits.uniform(1, 1))
                        .getMessage());
        // b - a overflowed to Infinity: the initialiser was accepted and drew infinite weights.
        assertEquals(
                "Inits.uniform: bounds must be finite with a < b and b - a finite, was a = -1.7976931348623157E308,"
                        + " b = 1.7976931348623157E308",
                assertThrows(IllegalArgumentException.class, () -> Inits.uniform(-Double.MAX_VALUE, Double.MAX_VALUE))
                        .getMessage());
        assertEquals(
                "Inits.normal: mean must be finite and std finite and > 0, was mean = 0.0, std = 0.0",
                assertThrows(IllegalArgumentException.class, () -> Inits.normal(0, 0))
                        .getMessage());
        assertEquals(
                "Inits.constant: value must be finite, was NaN",
                assertThrows(IllegalArgumentException.class, () -> Inits.constant(Double.NaN))
                        .getMessage());
        Random rng = Seeds.newRandom(1);
        try {
            assertEquals(
                    "he_normal: fan-in must be > 0, was 0",
                    assertThrows(
                                    IllegalArgumentException.class,
                                    () -> Inits.heNormal().sample(DataType.FLOAT, new long[] {2, 2}, 0, 2, rng))
                            .getMessage());
        } finally {
            Seeds.close(rng);
        }
        String unknown = assertThrows(IllegalArgumentException.class, () -> Inits.byName("orthogonal"))
                .getMessage();
        assertTrue(unknown.startsWith("unknown initialiser 'orthogonal'; expected one of [zeros"), unknown);
        assertTrue(unknown.contains("he_uniform"), unknown);
        assertEquals(
                "initialiser 'uniform(1)': uniform takes 2 argument(s), was given 1",
                assertThrows(IllegalArgumentException.class, () -> Inits.byName("uniform(1)"))
                        .getMessage());
        assertFalse(Inits.byName("normal(0,1)").equals(Inits.byName("normal(0,2)")));
    }
}
