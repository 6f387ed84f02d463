package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The fused bias add and activation against the ND4J path. */
class BiasActivationForwardKernelTest {

    private ElementwiseKernels fused;
    private static final ElementwiseKernels ND4J = Kernels.nd4j();

    /** [rows, cols]: lengths 0, 1, 7 (both ways), 1,000 and 1,000,003 (a prime: one row, or one column). */
    private static final long[][] SHAPES = {{0, 4}, {1, 1}, {7, 1}, {1, 7}, {40, 25}, {1, 1_000_003}};

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

    static Stream<Arguments> activationsTypesShapes() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation f : KernelTestSupport.ELEMENTWISE) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long[] shape : SHAPES) {
                    cases.add(Arguments.of(f, type, shape[0], shape[1]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} [{2}, {3}]")
    @MethodSource("activationsTypesShapes")
    void fusedForwardEqualsNd4jPath(Activation f, DataType type, long rows, long cols) {
        INDArray x = randn(101, type, 3.0, rows, cols);
        INDArray b = randn(102, type, 1.0, cols);
        INDArray zExpected = Nd4j.create(type, rows, cols);
        INDArray aExpected = ND4J.biasActivationForward(x, b, f, zExpected, null);
        INDArray z = Nd4j.create(type, rows, cols);
        INDArray a = fused.biasActivationForward(x, b, f, z, null);
        double tol = tolerance(type);
        assertCloseRelative(zExpected, z, tol, f.name() + " Z " + type);
        assertCloseRelative(aExpected, a, tol, f.name() + " A " + type);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nanPropagating")
    void aNotANumberInputStaysNotANumberAsOnTheNd4jPath(Activation f) {
        // A diverged layer must not look finite to the trainer's divergence check (ReLU once mapped NaN to 0).
        INDArray x = Nd4j.createFromArray(new float[][] {{1f, Float.NaN, -2f}});
        INDArray b = Nd4j.zeros(DataType.FLOAT, 3);
        for (ElementwiseKernels k : List.of(ND4J, fused)) {
            INDArray a = k.biasActivationForward(x, b, f, null, null);
            assertTrue(Float.isNaN(a.getFloat(0, 1)), k.name() + " " + f.name() + ": " + a);
        }
    }

    static Stream<Activation> nanPropagating() {
        return KernelTestSupport.ELEMENTWISE.stream().filter(f -> f != org.myelin.ops.Activations.THRESHOLD);
    }

    @Test
    void withoutZOutOnlyTheActivationIsWritten() {
        INDArray x = randn(111, DataType.FLOAT, 3.0, 16, 9);
        INDArray b = randn(112, DataType.FLOAT, 1.0, 1, 9);
        INDArray aOut = Nd4j.create(DataType.FLOAT, 16, 9);
        assertSame(aOut, fused.biasActivationForward(x, b, Activations.TANH, null, aOut));
        assertCloseRelative(ND4J.biasActivationForward(x, b, Activations.TANH, null, null), aOut, 1e-6, "tanh A");
    }

    @Test
    void rowBlockViewsQualifyAndOtherRowsStayUntouched() {
        INDArray bigX = randn(121, DataType.DOUBLE, 3.0, 30, 12);
        INDArray bigA = randn(122, DataType.DOUBLE, 1.0, 30, 12);
        INDArray before = bigA.dup();
        INDArray b = randn(123, DataType.DOUBLE, 1.0, 12);
        INDArray x = bigX.get(NDArrayIndex.interval(5, 20), NDArrayIndex.all());
        INDArray a = bigA.get(NDArrayIndex.interval(5, 20), NDArrayIndex.all());
        fused.biasActivationForward(x, b, Activations.LOGISTIC, null, a);
        assertCloseRelative(
                ND4J.biasActivationForward(x.dup(), b, Activations.LOGISTIC, null, null),
                a,
                1e-12,
                "logistic on a row block");
        assertEquals(
                before.get(NDArrayIndex.interval(0, 5), NDArrayIndex.all()),
                bigA.get(NDArrayIndex.interval(0, 5), NDArrayIndex.all()));
        assertEquals(
                before.get(NDArrayIndex.interval(20, 30), NDArrayIndex.all()),
                bigA.get(NDArrayIndex.interval(20, 30), NDArrayIndex.all()));
    }

    @Test
    void transposedInputFallsBackToTheSameAnswer() {
        INDArray xt = randn(131, DataType.FLOAT, 3.0, 6, 10).transpose();
        INDArray b = randn(132, DataType.FLOAT, 1.0, 6);
        INDArray expected = ND4J.biasActivationForward(xt.dup('c'), b, Activations.RELU, null, null);
        assertCloseRelative(
                expected,
                fused.biasActivationForward(xt, b, Activations.RELU, null, null),
                1e-6,
                "relu on a transpose");
    }

    @Test
    void softmaxIsComputedByNd4j() {
        INDArray x = randn(141, DataType.DOUBLE, 2.0, 4, 5);
        INDArray b = randn(142, DataType.DOUBLE, 1.0, 5);
        INDArray expected = Activations.SOFTMAX.forward(x.addRowVector(b.reshape(1, 5)));
        assertCloseRelative(
                expected, fused.biasActivationForward(x, b, Activations.SOFTMAX, null, null), 1e-12, "softmax");
    }

    @Test
    void wrongBiasLengthIsRejectedWithBothShapes() {
        INDArray x = Nd4j.create(DataType.FLOAT, 32, 10);
        INDArray b = Nd4j.create(DataType.FLOAT, 9);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> fused.biasActivationForward(x, b, Activations.RELU, null, null));
        assertEquals(
                "biasActivationForward[relu]: b has shape [9], expected [10] or [1, 10] for x of shape [32, 10]",
                e.getMessage());
    }
}
