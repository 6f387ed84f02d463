package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The bias-gradient kernels (activation backward with the column sums of dZ in the same pass, and plain column sums)
 * against the ND4J path ({@code activationBackward}, then {@code sum(0)}): shapes that cross the kernels' column
 * blocks, both precisions, row-block views, in place, and the layouts that fall back.
 */
class BiasGradientKernelTest {

    private ElementwiseKernels fused;
    private static final ElementwiseKernels ND4J = Kernels.nd4j();

    /** Shapes [rows, cols]: one element, odd ones, a training batch, and columns across the 256-column blocks. */
    static final long[][] SHAPES = {{1, 1}, {7, 3}, {128, 10}, {33, 300}, {130, 513}};

    /** The fused CPU kernels here; the CUDA kernels (emulated on the CPU) in a subclass. */
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

    /** Column sums may differ from ND4J's by rounding: tol times the column sums of |dZ| (plus one tol). */
    private static void assertColumnSumsClose(INDArray dz, INDArray expected, INDArray actual, String what) {
        INDArray scale = Transforms.abs(dz.castTo(DataType.DOUBLE), true).sum(0).addi(1.0);
        assertClose(
                expected.castTo(DataType.DOUBLE).reshape(scale.shape()),
                actual.castTo(DataType.DOUBLE).reshape(scale.shape()),
                scale,
                tolerance(dz.dataType()),
                what + " bias gradient");
    }

    @ParameterizedTest(name = "{0} {1} [{2}, {3}]")
    @MethodSource("activationsTypesShapes")
    void backwardWithBiasGradientEqualsBackwardThenColumnSumsOnNd4j(Activation f, DataType type, long rows, long cols) {
        INDArray z = randn(41, type, 4.0, rows, cols);
        INDArray g = randn(42, type, 1.0, rows, cols);
        INDArray a = f.forward(z);
        INDArray expectedDz = ND4J.activationBackward(f, z, a, g, null);
        INDArray expectedDb = expectedDz.sum(0);
        INDArray db = Nd4j.create(type, cols);
        INDArray dz = fused.activationBackwardWithBiasGradient(f, z, a, g, null, db);
        String what = f.name() + " " + type + " [" + rows + ", " + cols + "]";
        assertClose(expectedDz, dz, g, tolerance(type), what + " dZ");
        assertColumnSumsClose(expectedDz, expectedDb, db, what);
    }

    static Stream<Arguments> typesShapes() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] shape : SHAPES) {
                cases.add(Arguments.of(type, shape[0], shape[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} [{1}, {2}]")
    @MethodSource("typesShapes")
    void columnSumsEqualNd4jSum(DataType type, long rows, long cols) {
        INDArray x = randn(43, type, 1.0, rows, cols);
        INDArray out = Nd4j.create(type, 1, cols);
        assertSame(out, fused.columnSums(x, out));
        assertColumnSumsClose(x, x.sum(0), out, type + " [" + rows + ", " + cols + "]");
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void float32SumsKeepFloat64AccuracyOverManyRows(DataType type) {
        // 100,000 rows of 0.1: a float32 running sum drifts far beyond 1e-3 here; the kernels sum in float64.
        INDArray x = Nd4j.valueArrayOf(new long[] {100_000, 3}, 0.1, type);
        INDArray out = Nd4j.create(type, 3);
        fused.columnSums(x, out);
        for (int c = 0; c < 3; c++) {
            assertEquals(10_000.0, out.getDouble(c), type == DataType.FLOAT ? 1e-3 : 1e-6, "column " + c);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("activationsAndTypes")
    void rowBlockViewsAndInPlaceGiveTheSameResultWithoutTouchingOtherRows(Activation f, DataType type) {
        INDArray bigZ = randn(51, type, 4.0, 50, 40);
        INDArray bigG = randn(52, type, 1.0, 50, 40);
        INDArray bigDb = randn(53, type, 1.0, 3, 40);
        INDArray dbBefore = bigDb.dup();
        INDArrayIndex rows = NDArrayIndex.interval(10, 31);
        INDArray z = bigZ.get(rows, NDArrayIndex.all());
        INDArray g = bigG.get(rows, NDArrayIndex.all());
        INDArray db = bigDb.get(NDArrayIndex.interval(1, 2), NDArrayIndex.all()); // [1, 40], a row of a matrix
        INDArray expectedDz = ND4J.activationBackward(f, z.dup(), null, g.dup(), null);
        INDArray gBefore = bigG.dup();

        // In place: dZ overwrites the gradOut view.
        assertSame(g, fused.activationBackwardWithBiasGradient(f, z, null, g, g, db));

        String what = f.name() + " " + type + " row-block views";
        assertClose(expectedDz, g, gBefore.get(rows, NDArrayIndex.all()), tolerance(type), what + " dZ");
        assertColumnSumsClose(expectedDz, expectedDz.sum(0), db, what);
        assertEquals(
                gBefore.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all()),
                bigG.get(NDArrayIndex.interval(0, 10), NDArrayIndex.all()));
        assertEquals(
                gBefore.get(NDArrayIndex.interval(31, 50), NDArrayIndex.all()),
                bigG.get(NDArrayIndex.interval(31, 50), NDArrayIndex.all()));
        assertEquals(dbBefore.getRow(0), bigDb.getRow(0), "other rows of the bias-gradient matrix untouched");
        assertEquals(dbBefore.getRow(2), bigDb.getRow(2), "other rows of the bias-gradient matrix untouched");
    }

    static Stream<Arguments> activationsAndTypes() {
        List<Arguments> cases = new ArrayList<>();
        for (Activation f : KernelTestSupport.ELEMENTWISE) {
            cases.add(Arguments.of(f, DataType.FLOAT));
            cases.add(Arguments.of(f, DataType.DOUBLE));
        }
        return cases.stream();
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void nonContiguousInputsAndOutputsFallBackWithTheSameResult(DataType type) {
        INDArray z = randn(61, type, 4.0, 9, 6);
        INDArray g = randn(62, type, 1.0, 9, 6);
        INDArray expectedDz = ND4J.activationBackward(Activations.TANH, z, null, g, null);
        INDArray expectedDb = expectedDz.sum(0);
        // An f-order gradOut, and a bias gradient that is a column of a matrix (stride 6): neither is streamable.
        INDArray gf = g.dup('f');
        INDArray dbMatrix = Nd4j.zeros(type, 6, 6);
        INDArray dbColumn = dbMatrix.get(NDArrayIndex.all(), NDArrayIndex.point(2));
        assertArrayEquals(new long[] {6}, dbColumn.shape());
        assertFalse(NativeLayout.streamable(6, dbColumn), "a column view is strided");
        assertFalse(NativeLayout.streamable(54, gf), "an f-order matrix is not c-order");
        INDArray dz = fused.activationBackwardWithBiasGradient(Activations.TANH, z, null, gf, null, dbColumn);
        assertClose(expectedDz, dz, g, tolerance(type), type + " f-order dZ");
        assertColumnSumsClose(expectedDz, expectedDb, dbMatrix.getColumn(2), type + " column-view");

        INDArray sums = Nd4j.create(type, 6);
        fused.columnSums(g.dup('f'), sums);
        assertColumnSumsClose(g, g.sum(0), sums, type + " f-order columnSums");
    }

    @Test
    void emptyBatchesGiveZeroSums() {
        INDArray x = Nd4j.create(DataType.FLOAT, 0, 4);
        INDArray out = Nd4j.valueArrayOf(new long[] {4}, 7.0f);
        fused.columnSums(x, out);
        assertEquals(0.0, out.amaxNumber().doubleValue());
    }

    @Test
    void wrongBiasGradientShapesAreRefusedNamingBothShapes() {
        INDArray z = randn(71, DataType.FLOAT, 1.0, 4, 5);
        INDArray g = randn(72, DataType.FLOAT, 1.0, 4, 5);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> fused.activationBackwardWithBiasGradient(
                        Activations.RELU, z, null, g, null, Nd4j.create(DataType.FLOAT, 4)));
        assertTrue(e.getMessage().contains("[4]") && e.getMessage().contains("[5]"), e.getMessage());
        IllegalArgumentException t = assertThrows(
                IllegalArgumentException.class, () -> fused.columnSums(g, Nd4j.create(DataType.DOUBLE, 5)));
        assertTrue(t.getMessage().contains("DOUBLE") && t.getMessage().contains("FLOAT"), t.getMessage());
        assertArrayEquals(new long[] {4, 5}, g.shape());
    }
}
