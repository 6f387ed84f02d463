package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.kernel.KernelTestSupport.assertClose;
import static org.myelin.kernel.KernelTestSupport.randn;
import static org.myelin.kernel.KernelTestSupport.tolerance;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The fused backward kernels against the ND4J path: sizes, both precisions, views, in place, fallbacks. */
class ActivationBackwardKernelTest {

    private ElementwiseKernels fused;
    private static final ElementwiseKernels ND4J = Kernels.nd4j();

    /**
     * The implementation under test: the fused CPU kernels here; in subclasses the CUDA kernels, emulated on the CPU
     * or (in -Pcuda builds, scripts/gpu-check) on the GPU.
     */
    ElementwiseKernels kernelsUnderTest() {
        // The build compiles the library with g++; on this platform it must load, or the fused path goes untested.
        assertTrue(Kernels.nativeCpuAvailable(), Kernels.describe());
        return Kernels.nativeCpu();
    }

    @BeforeEach
    void pickKernels() {
        fused = kernelsUnderTest();
    }

    static Stream<Arguments> activationsTypesLengths() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation f : KernelTestSupport.ELEMENTWISE) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long n : KernelTestSupport.LENGTHS) {
                    cases.add(Arguments.of(f, type, n));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("activationsTypesLengths")
    void fusedBackwardEqualsNd4jPath(Activation f, DataType type, long n) {
        INDArray z = randn(11, type, 4.0, n);
        INDArray g = randn(12, type, 1.0, n);
        INDArray a = n == 0 ? z.dup() : f.forward(z);
        INDArray expected = ND4J.activationBackward(f, z, a, g, null);
        INDArray actual = fused.activationBackward(f, z, a, g, null);
        assertClose(expected, actual, g, tolerance(type), f.name() + " " + type + " n=" + n);
    }

    @ParameterizedTest(name = "{0} {1} n={2}")
    @MethodSource("activationsTypesLengths")
    void fromOutputFormEqualsNd4jPath(Activation f, DataType type, long n) {
        if (f != Activations.LOGISTIC && f != Activations.TANH) {
            return; // covered by fromOutputFormIsOnlyForLogisticAndTanh
        }
        INDArray z = randn(21, type, 4.0, n);
        INDArray g = randn(22, type, 1.0, n);
        INDArray a = n == 0 ? z.dup() : f.forward(z);
        INDArray expected = ND4J.activationBackwardFromOutput(f, a, g, null);
        INDArray actual = fused.activationBackwardFromOutput(f, a, g, null);
        assertClose(expected, actual, g, tolerance(type), f.name() + " from output " + type + " n=" + n);
    }

    static Stream<Arguments> activationsAndTypes() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation f : KernelTestSupport.ELEMENTWISE) {
            cases.add(Arguments.of(f, DataType.FLOAT));
            cases.add(Arguments.of(f, DataType.DOUBLE));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationsAndTypes")
    void rowBlockViewsAreComputedInPlaceWithoutTouchingOtherRows(Activation f, DataType type) {
        INDArray bigZ = randn(31, type, 4.0, 50, 40);
        INDArray bigG = randn(32, type, 1.0, 50, 40);
        INDArray bigOut = randn(33, type, 1.0, 50, 40);
        INDArray outBefore = bigOut.dup();
        INDArrayIndex rows = NDArrayIndex.interval(10, 31);
        INDArray z = bigZ.get(rows, NDArrayIndex.all());
        INDArray g = bigG.get(rows, NDArrayIndex.all());
        INDArray out = bigOut.get(rows, NDArrayIndex.all());
        assertTrue(NativeLayout.streamable(z.length(), z, g, out), "a row block of a c-order matrix is contiguous");

        INDArray expected = ND4J.activationBackward(f, z.dup(), null, g.dup(), null);
        assertSame(out, fused.activationBackward(f, z, null, g, out));

        assertClose(expected, out, g, tolerance(type), f.name() + " row-block view");
        assertEquals(
                outBefore.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all()),
                bigOut.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all()),
                "rows above the block untouched");
        assertEquals(
                outBefore.get(NDArrayIndex.interval(31, 50), NDArrayIndex.all()),
                bigOut.get(NDArrayIndex.interval(31, 50), NDArrayIndex.all()),
                "rows below the block untouched");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationsAndTypes")
    void columnViewsFallBackAndWriteOnlyTheirColumns(Activation f, DataType type) {
        INDArray bigZ = randn(41, type, 4.0, 30, 20);
        INDArray bigOut = randn(43, type, 1.0, 30, 20);
        INDArray outBefore = bigOut.dup();
        INDArrayIndex cols = NDArrayIndex.interval(3, 10);
        INDArray z = bigZ.get(NDArrayIndex.all(), cols);
        INDArray g = randn(42, type, 1.0, 30, 7);
        INDArray out = bigOut.get(NDArrayIndex.all(), cols);
        assertTrue(!NativeLayout.streamable(z.length(), z, g, out), "a column block is strided");

        INDArray expected = ND4J.activationBackward(f, z.dup(), null, g, null);
        fused.activationBackward(f, z, null, g, out);

        assertClose(expected, out, g, tolerance(type), f.name() + " column view");
        assertEquals(
                outBefore.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)),
                bigOut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 3)),
                "columns left of the view untouched");
        assertEquals(
                outBefore.get(NDArrayIndex.all(), NDArrayIndex.interval(10, 20)),
                bigOut.get(NDArrayIndex.all(), NDArrayIndex.interval(10, 20)),
                "columns right of the view untouched");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationsAndTypes")
    void transposedInputFallsBackToTheSameAnswer(Activation f, DataType type) {
        INDArray zt = randn(51, type, 4.0, 20, 30).transpose();
        INDArray g = randn(52, type, 1.0, 30, 20);
        assertTrue(!NativeLayout.streamable(zt.length(), zt, g), "a transpose is f-order");
        INDArray expected = ND4J.activationBackward(f, zt.dup('c'), null, g, null);
        INDArray actual = fused.activationBackward(f, zt, null, g, null);
        assertClose(expected, actual, g, tolerance(type), f.name() + " transposed z");
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void inPlaceIntoGradOutGivesTheSameAnswer(DataType type) {
        INDArray z = randn(61, type, 4.0, 1_001);
        INDArray g = randn(62, type, 1.0, 1_001);
        INDArray expected = ND4J.activationBackward(Activations.TANH, z, null, g, null);
        INDArray gCopy = g.dup();
        assertSame(g, fused.activationBackward(Activations.TANH, z, null, g, g));
        assertClose(expected, g, gCopy, tolerance(type), "tanh in place");
    }

    @Test
    void mixedDataTypesFallBackToNd4j() {
        INDArray z = randn(71, DataType.DOUBLE, 4.0, 100);
        INDArray g = randn(72, DataType.FLOAT, 1.0, 100);
        INDArray out = Nd4j.create(DataType.FLOAT, 100);
        INDArray expected = ND4J.activationBackward(Activations.LOGISTIC, z, null, g, out.dup());
        fused.activationBackward(Activations.LOGISTIC, z, null, g, out);
        assertClose(expected, out, g, 1e-6, "mixed types");
    }

    @Test
    void softmaxIsNotElementwiseAndStaysOnNd4j() {
        INDArray z = randn(81, DataType.DOUBLE, 2.0, 8, 5);
        INDArray g = randn(82, DataType.DOUBLE, 1.0, 8, 5);
        INDArray a = Activations.SOFTMAX.forward(z);
        INDArray expected = Activations.SOFTMAX.backward(z, a, g);
        assertClose(expected, fused.activationBackward(Activations.SOFTMAX, z, a, g, null), g, 1e-12, "softmax");
        assertClose(
                expected,
                fused.activationBackward(Activations.SOFTMAX, z, null, g, null),
                g,
                1e-12,
                "softmax without saved output");
    }

    @Test
    void tailsOfLogisticKeepRelativeAccuracy() {
        // sigma'(-20) = 2.06e-9; a (1 - a) in float32 loses it, the native z-form keeps float precision.
        INDArray z = Nd4j.createFromArray(-20f, -12f, 12f, 20f);
        INDArray g = Nd4j.createFromArray(1f, 1f, 1f, 1f);
        INDArray out = fused.activationBackward(Activations.LOGISTIC, z, null, g, null);
        for (int i = 0; i < 4; i++) {
            double zi = z.getDouble(i);
            double e = Math.exp(-Math.abs(zi));
            double want = e / ((1 + e) * (1 + e));
            assertEquals(want, out.getDouble(i), 1e-6 * want, "sigma'(" + zi + ")");
        }
    }

    @Test
    void reluDerivativeIsOneAtZeroAsInTheNotes() {
        INDArray z = Nd4j.createFromArray(-1.0, 0.0, 1.0);
        INDArray g = Nd4j.createFromArray(2.0, 3.0, 4.0);
        assertEquals(Nd4j.createFromArray(0.0, 3.0, 4.0), fused.activationBackward(Activations.RELU, z, null, g, null));
        assertEquals(
                Nd4j.createFromArray(0.2, 3.0, 4.0),
                fused.activationBackward(Activations.leakyRelu(0.1), z, null, g, null));
    }

    @Test
    void shapeMismatchNamesBothShapes() {
        INDArray z = Nd4j.create(DataType.FLOAT, 4, 3);
        INDArray g = Nd4j.create(DataType.FLOAT, 3, 4);
        for (ElementwiseKernels k : new ElementwiseKernels[] {fused, ND4J}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> k.activationBackward(Activations.RELU, z, null, g, null));
            assertEquals(
                    "activationBackward[relu]: z has shape [4, 3], expected gradOut's shape [3, 4]", e.getMessage());
        }
    }

    @Test
    void fromOutputFormIsOnlyForLogisticAndTanh() {
        INDArray a = Nd4j.create(DataType.FLOAT, 4);
        for (ElementwiseKernels k : new ElementwiseKernels[] {fused, ND4J}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> k.activationBackwardFromOutput(Activations.RELU, a, a, null));
            assertTrue(e.getMessage().contains("logistic and tanh, not relu"), e.getMessage());
        }
    }
}
