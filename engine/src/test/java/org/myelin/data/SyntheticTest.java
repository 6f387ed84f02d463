package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.inverse.InvertMatrix;

class SyntheticTest {

    static Stream<Arguments> gates() {
        return Stream.of(
                Arguments.of("OR", (Supplier<Dataset>) Synthetic::or, new int[] {0, 1, 1, 1}),
                Arguments.of("AND", (Supplier<Dataset>) Synthetic::and, new int[] {0, 0, 0, 1}),
                Arguments.of("XOR", (Supplier<Dataset>) Synthetic::xor, new int[] {0, 1, 1, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gates")
    void gateTruthTables(String name, Supplier<Dataset> gate, int[] outputs) {
        Dataset d = gate.get();
        assertEquals(Nd4j.createFromArray(new float[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}), d.features());
        assertArrayEquals(new long[] {4, 1}, d.targets().shape());
        assertArrayEquals(outputs, d.labels());
        assertEquals(2, d.numClasses());
    }

    @Test
    void xorMatchesTheTableOfCs489() {
        // A B XOR(A,B): 1 1 0, 1 0 1, 0 1 1, 0 0 0.
        Dataset d = Synthetic.xor(DataType.DOUBLE);
        int[] y = d.labels();
        for (int i = 0; i < 4; i++) {
            int a = (int) d.features().getDouble(i, 0);
            int b = (int) d.features().getDouble(i, 1);
            assertEquals(a ^ b, y[i]);
        }
        assertEquals(DataType.DOUBLE, d.dataType());
    }

    @Test
    void notFollowsOxfordMl() {
        Dataset d = Synthetic.not();
        assertEquals(Nd4j.createFromArray(new float[][] {{1}, {-1}}), d.features());
        assertArrayEquals(new int[] {0, 1}, d.labels());
    }

    static Stream<Arguments> clouds() {
        return Stream.of(
                Arguments.of("spirals", 0.0),
                Arguments.of("moons", 0.0),
                Arguments.of("spirals", 0.1),
                Arguments.of("moons", 0.1));
    }

    private static Dataset cloud(String name, int n, double noise, long seed) {
        return name.equals("spirals") ? Synthetic.twoSpirals(n, noise, seed) : Synthetic.twoMoons(n, noise, seed);
    }

    @ParameterizedTest(name = "{0} noise={1}")
    @MethodSource("clouds")
    void twoClassCloudsHaveBalancedLabelsAndAreReproducible(String name, double noise) {
        Dataset d = cloud(name, 200, noise, 4);
        assertArrayEquals(new long[] {200, 2}, d.features().shape());
        assertArrayEquals(new long[] {200, 1}, d.targets().shape());
        assertEquals(100.0, d.targets().sumNumber().doubleValue(), 0.0);
        assertEquals(d.features(), cloud(name, 200, noise, 4).features());
        if (noise > 0) {
            assertNotEquals(d.features(), cloud(name, 200, noise, 5).features());
        }
    }

    /** Accuracy of the least-squares linear classifier sign(w . [x, 1]) fitted to targets +-1. */
    private static double bestLinearAccuracy(Dataset d) {
        INDArray x = Nd4j.hstack(d.features().castTo(DataType.DOUBLE), Nd4j.ones(DataType.DOUBLE, d.size(), 1));
        INDArray t = d.targets().castTo(DataType.DOUBLE).mul(2).sub(1);
        INDArray w = InvertMatrix.invert(x.transpose().mmul(x), false)
                .mmul(x.transpose())
                .mmul(t);
        INDArray predicted = x.mmul(w).gt(0).castTo(DataType.DOUBLE);
        return predicted
                .eq(d.targets().castTo(DataType.DOUBLE))
                .castTo(DataType.DOUBLE)
                .meanNumber()
                .doubleValue();
    }

    @Test
    void noLineSeparatesTheSpiralsOrTheMoons() {
        // A linear fit is far from perfect: the sets need a hidden layer (Oxford ML §1.2; see docs/notes.md).
        double spirals = bestLinearAccuracy(Synthetic.twoSpirals(400, 0.0, 1));
        double moons = bestLinearAccuracy(Synthetic.twoMoons(400, 0.0, 1));
        assertTrue(spirals < 0.75, "spirals linear accuracy " + spirals);
        assertTrue(moons < 0.95, "moons linear accuracy " + moons);
    }

    @Test
    void noisyLineScattersAroundTheMappingOfExample11_1() {
        Dataset d = Synthetic.noisyLine(20_000, -2.0, 3.0, 0.2, 7, DataType.DOUBLE);
        INDArray x = d.features();
        INDArray residual = d.targets().sub(x.mul(0.4).sub(0.9));
        assertEquals(0.0, residual.meanNumber().doubleValue(), 5 * 0.2 / Math.sqrt(20_000));
        assertEquals(0.2, residual.stdNumber().doubleValue(), 0.01);
        assertTrue(x.minNumber().doubleValue() >= -2.0 && x.maxNumber().doubleValue() < 3.0);
        assertEquals(0.5, x.meanNumber().doubleValue(), 0.05);
    }

    @Test
    void defaultNoisyLineHasFiveSamplesOnMinusOneToOne() {
        Dataset d = Synthetic.noisyLine(5, 11);
        assertArrayEquals(new long[] {5, 1}, d.features().shape());
        assertArrayEquals(new long[] {5, 1}, d.targets().shape());
        assertTrue(d.features().amaxNumber().doubleValue() <= 1.0);
        assertEquals(d.targets(), Synthetic.noisyLine(5, 11).targets());
    }

    @Test
    void invalidArgumentsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Synthetic.twoSpirals(7, 0, 1));
        assertEquals("twoSpirals: n must be even and >= 2, was 7", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Synthetic.twoMoons(10, -1, 1));
        assertEquals("twoMoons: noise must be finite and >= 0, was -1.0", e2.getMessage());
    }
}
