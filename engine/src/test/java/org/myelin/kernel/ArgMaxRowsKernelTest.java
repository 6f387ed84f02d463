package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.kernel.KernelTestSupport.randn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The per-row arg-max behind the trainer's accuracy: the native CPU scan against ND4J's arg-max. */
class ArgMaxRowsKernelTest {

    private static final ElementwiseKernels ND4J = Kernels.nd4j();

    private static ElementwiseKernels nativeCpu() {
        assertTrue(Kernels.nativeCpuAvailable(), Kernels.describe());
        return Kernels.nativeCpu();
    }

    @ParameterizedTest(name = "{0} [{1}, {2}]")
    @CsvSource({
        "FLOAT, 1, 2",
        "FLOAT, 128, 10",
        "FLOAT, 37, 1001",
        "DOUBLE, 1, 2",
        "DOUBLE, 128, 10",
        "DOUBLE, 37, 1001"
    })
    void nativeScanEqualsNd4jArgMax(DataType type, long rows, long cols) {
        INDArray x = randn(81, type, 3.0, rows, cols);
        assertArrayEquals(ND4J.argMaxRows(x), nativeCpu().argMaxRows(x));
    }

    @Test
    void rowBlockViewsAreReadFromTheirOffset() {
        INDArray big = randn(82, DataType.FLOAT, 1.0, 40, 7);
        INDArray block = big.get(NDArrayIndex.interval(13, 29), NDArrayIndex.all());
        assertTrue(NativeLayout.streamable(block.length(), block));
        assertArrayEquals(ND4J.argMaxRows(block.dup()), nativeCpu().argMaxRows(block));
    }

    @Test
    void nonContiguousInputsFallBackWithTheSameResult() {
        INDArray x = randn(83, DataType.DOUBLE, 1.0, 9, 5);
        INDArray transposed = x.transpose(); // [5, 9], strided
        assertArrayEquals(ND4J.argMaxRows(transposed.dup()), nativeCpu().argMaxRows(transposed));
        assertArrayEquals(ND4J.argMaxRows(x), nativeCpu().argMaxRows(x.dup('f')));
    }

    @Test
    void tiesGoToTheFirstColumnAsInNd4j() {
        INDArray x = Nd4j.createFromArray(new float[][] {{1, 3, 3, 0}, {2, 2, 2, 2}, {0, 0, 0, 5}});
        assertArrayEquals(new int[] {1, 0, 3}, nativeCpu().argMaxRows(x));
        assertArrayEquals(ND4J.argMaxRows(x), nativeCpu().argMaxRows(x));
    }

    @Test
    void aNanIsNeverGreater() {
        float nan = Float.NaN;
        INDArray x = Nd4j.createFromArray(new float[][] {{nan, 1, 2}, {1, nan, 0}, {0, nan, 4}});
        assertArrayEquals(new int[] {0, 0, 2}, nativeCpu().argMaxRows(x));
        assertArrayEquals(new int[] {0, 0, 2}, nativeCpu().argMaxRows(x.castTo(DataType.DOUBLE)));
    }

    @Test
    void aVectorIsRefusedWithItsShape() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ND4J.argMaxRows(Nd4j.create(DataType.FLOAT, 5)));
        assertTrue(e.getMessage().contains("[5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> nativeCpu().argMaxRows(Nd4j.create(DataType.FLOAT, 5)));
    }
}
