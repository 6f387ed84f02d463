package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.kernel.KernelTestSupport.assertCloseRelative;
import static org.myelin.kernel.KernelTestSupport.randn;
import static org.myelin.kernel.KernelTestSupport.tolerance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The fused optimiser updates against the ND4J path, over three consecutive steps. */
class OptimizerKernelTest {

    private ElementwiseKernels fused;
    private static final ElementwiseKernels ND4J = Kernels.nd4j();

    /**
     * The implementation under test: the fused CPU kernels here; in subclasses the CUDA kernels, emulated on the CPU
     * or (in -Pcuda builds, scripts/gpu-check) on the GPU.
     */
    ElementwiseKernels kernelsUnderTest() {
        assertTrue(Kernels.nativeCpuAvailable(), Kernels.describe());
        return Kernels.nativeCpu();
    }

    @BeforeEach
    void pickKernels() {
        fused = kernelsUnderTest();
    }

    /** (momentum, weight decay, nesterov): plain SGD, momentum, Nesterov with L2. */
    private static final double[][] SGD_VARIANTS = {{0, 0, 0}, {0.9, 0, 0}, {0.9, 1e-2, 1}};

    static Stream<Arguments> sgdCases() {
        List<Arguments> cases = new ArrayList<>();
        for (double[] v : SGD_VARIANTS) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long n : KernelTestSupport.LENGTHS) {
                    cases.add(Arguments.of(v[0], v[1], v[2] != 0, type, n));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "mu={0} wd={1} nesterov={2} {3} n={4}")
    @MethodSource("sgdCases")
    void fusedSgdEqualsNd4jPath(double momentum, double weightDecay, boolean nesterov, DataType type, long n) {
        INDArray w = randn(201, type, 1.0, n);
        INDArray vel = randn(202, type, 0.1, n);
        INDArray wRef = w.dup();
        INDArray velRef = vel.dup();
        for (int step = 1; step <= 3; step++) {
            INDArray g = randn(210 + step, type, 1.0, n);
            ND4J.sgdMomentum(wRef, g, velRef, 0.05, momentum, weightDecay, nesterov);
            fused.sgdMomentum(w, g, vel, 0.05, momentum, weightDecay, nesterov);
        }
        assertCloseRelative(wRef, w, tolerance(type), "param");
        assertCloseRelative(velRef, vel, tolerance(type), "velocity");
    }

    static Stream<Arguments> plainSgdCases() {
        List<Arguments> cases = new ArrayList<>();
        for (double weightDecay : new double[] {0, 1e-2}) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long n : KernelTestSupport.LENGTHS) {
                    cases.add(Arguments.of(weightDecay, type, n));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "wd={0} {1} n={2}")
    @MethodSource("plainSgdCases")
    void fusedPlainSgdEqualsNd4jPathAndMomentumZero(double weightDecay, DataType type, long n) {
        INDArray w = randn(501, type, 1.0, n);
        INDArray wRef = w.dup();
        INDArray wMomentum = w.dup();
        INDArray velocity = Nd4j.zeros(type, n);
        for (int step = 1; step <= 3; step++) {
            INDArray g = randn(510 + step, type, 1.0, n);
            ND4J.sgd(wRef, g, 0.05, weightDecay);
            fused.sgd(w, g, 0.05, weightDecay);
            fused.sgdMomentum(wMomentum, g, velocity, 0.05, 0, weightDecay, false);
        }
        assertCloseRelative(wRef, w, tolerance(type), "param against ND4J");
        assertCloseRelative(wMomentum, w, tolerance(type), "param against sgdMomentum with momentum 0");
    }

    @Test
    void plainSgdMatchesHandComputedSteps() {
        // w1 = 1 - 0.1 (1 + 0.5 * 1) = 0.85; w2 = 0.85 - 0.1 (1 + 0.5 * 0.85) = 0.7075.
        INDArray w = Nd4j.createFromArray(1.0f, 1.0f);
        INDArray g = Nd4j.createFromArray(1.0f, 1.0f);
        fused.sgd(w, g, 0.1, 0.5);
        fused.sgd(w, g, 0.1, 0.5);
        assertEquals(0.7075, w.getDouble(0), 1e-6);
        assertEquals(0.7075, w.getDouble(1), 1e-6);
        INDArray d = Nd4j.createFromArray(2.0, -4.0);
        fused.sgd(d, Nd4j.createFromArray(10.0, 20.0), 0.25, 0);
        assertEquals(Nd4j.createFromArray(-0.5, -9.0), d);
    }

    @Test
    void plainSgdOnAColumnViewFallsBackWithoutCorruptingNeighbours() {
        INDArray bigW = randn(601, DataType.DOUBLE, 1.0, 20, 6);
        INDArray before = bigW.dup();
        INDArray w = bigW.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3));
        INDArray wRef = w.dup();
        INDArray g = randn(602, DataType.DOUBLE, 1.0, 20, 2);
        ND4J.sgd(wRef, g, 0.1, 1e-2);
        fused.sgd(w, g, 0.1, 1e-2);
        assertCloseRelative(wRef, w, 1e-12, "column-view parameter");
        assertEquals(
                before.get(NDArrayIndex.all(), NDArrayIndex.point(0)),
                bigW.get(NDArrayIndex.all(), NDArrayIndex.point(0)));
        assertEquals(
                before.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6)),
                bigW.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6)));
    }

    @Test
    void plainSgdRejectsAGradientOfTheWrongShape() {
        INDArray w = Nd4j.create(DataType.FLOAT, 3);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> fused.sgd(w, Nd4j.create(DataType.FLOAT, 4), 0.1, 0));
        assertEquals("sgd: grad has shape [4], expected param's shape [3]", e.getMessage());
    }

    static Stream<Arguments> adamCases() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean decoupled : new boolean[] {false, true}) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long n : KernelTestSupport.LENGTHS) {
                    cases.add(Arguments.of(decoupled, type, n));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "decoupled={0} {1} n={2}")
    @MethodSource("adamCases")
    void fusedAdamEqualsNd4jPath(boolean decoupled, DataType type, long n) {
        INDArray w = randn(301, type, 1.0, n);
        INDArray m = Nd4j.zeros(type, n);
        INDArray v = Nd4j.zeros(type, n);
        INDArray wRef = w.dup();
        INDArray mRef = m.dup();
        INDArray vRef = v.dup();
        for (int step = 1; step <= 3; step++) {
            INDArray g = randn(310 + step, type, 1.0, n);
            ND4J.adam(wRef, g, mRef, vRef, 1e-3, 0.9, 0.999, 1e-8, 1e-2, decoupled, step);
            fused.adam(w, g, m, v, 1e-3, 0.9, 0.999, 1e-8, 1e-2, decoupled, step);
        }
        double tol = tolerance(type);
        assertCloseRelative(wRef, w, tol, "param");
        assertCloseRelative(mRef, m, tol, "m");
        assertCloseRelative(vRef, v, tol, "v");
    }

    @Test
    void adamFirstStepMovesEachWeightByTheLearningRate() {
        // t = 1 with wd = 0: m_hat = g, v_hat = g^2, so the step is lr g / (|g| + eps) = lr sign(g).
        INDArray w = Nd4j.createFromArray(1.0, 1.0, 1.0);
        INDArray g = Nd4j.createFromArray(0.5, -2.0, 3.0);
        fused.adam(
                w,
                g,
                Nd4j.zeros(DataType.DOUBLE, 3),
                Nd4j.zeros(DataType.DOUBLE, 3),
                0.1,
                0.9,
                0.999,
                1e-8,
                0,
                false,
                1);
        assertEquals(0.9, w.getDouble(0), 1e-7);
        assertEquals(1.1, w.getDouble(1), 1e-7);
        assertEquals(0.9, w.getDouble(2), 1e-7);
    }

    @Test
    void sgdMomentumMatchesHandComputedSteps() {
        // v1 = g = 1, w1 = 1 - 0.1 = 0.9; v2 = 0.9 + 1 = 1.9, w2 = 0.9 - 0.19 = 0.71.
        INDArray w = Nd4j.createFromArray(1.0f);
        INDArray v = Nd4j.createFromArray(0.0f);
        INDArray g = Nd4j.createFromArray(1.0f);
        fused.sgdMomentum(w, g, v, 0.1, 0.9, 0, false);
        fused.sgdMomentum(w, g, v, 0.1, 0.9, 0, false);
        assertEquals(0.71, w.getDouble(0), 1e-6);
        assertEquals(1.9, v.getDouble(0), 1e-6);
    }

    @Test
    void columnViewParametersFallBackWithoutCorruptingNeighbours() {
        INDArray bigW = randn(401, DataType.FLOAT, 1.0, 20, 6);
        INDArray before = bigW.dup();
        INDArray w = bigW.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3));
        INDArray wRef = w.dup();
        INDArray g = randn(402, DataType.FLOAT, 1.0, 20, 2);
        INDArray m = Nd4j.zeros(DataType.FLOAT, 20, 2);
        INDArray v = Nd4j.zeros(DataType.FLOAT, 20, 2);
        ND4J.adam(wRef, g, m.dup(), v.dup(), 1e-2, 0.9, 0.999, 1e-8, 0, true, 1);
        fused.adam(w, g, m, v, 1e-2, 0.9, 0.999, 1e-8, 0, true, 1);
        assertCloseRelative(wRef, w, 1e-6, "column-view parameter");
        assertEquals(
                before.get(NDArrayIndex.all(), NDArrayIndex.point(0)),
                bigW.get(NDArrayIndex.all(), NDArrayIndex.point(0)));
        assertEquals(
                before.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6)),
                bigW.get(NDArrayIndex.all(), NDArrayIndex.interval(3, 6)));
    }

    @Test
    void adamRejectsStepZero() {
        INDArray w = Nd4j.create(DataType.FLOAT, 3);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> fused.adam(w, w.dup(), w.dup(), w.dup(), 1e-3, 0.9, 0.999, 1e-8, 0, false, 0));
        assertEquals("adam: step must be >= 1, was 0", e.getMessage());
    }

    @Test
    void stateOfTheWrongShapeIsRejected() {
        INDArray w = Nd4j.create(DataType.FLOAT, 3);
        INDArray v = Nd4j.create(DataType.FLOAT, 4);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> fused.sgdMomentum(w, w.dup(), v, 0.1, 0.9, 0, false));
        assertEquals("sgdMomentum: velocity has shape [4], expected param's shape [3]", e.getMessage());
    }
}
