package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.kernel.KernelSplit;
import org.myelin.kernel.Kernels;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The bulk row copy gives the same batches as {@code Nd4j.pullRows}, the path it replaces. */
class RowCopyTest {

    static Stream<Arguments> layouts() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // rows, columns, batch size: B dividing N, a last partial batch, B = 1, B = N, odd widths, MNIST's width.
            cases.add(Arguments.of(type, 64, 8, 16));
            cases.add(Arguments.of(type, 203, 13, 64));
            cases.add(Arguments.of(type, 17, 1, 1));
            cases.add(Arguments.of(type, 9, 5, 9));
            cases.add(Arguments.of(type, 300, 784, 128));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} [{1}, {2}] B={3}")
    @MethodSource("layouts")
    void shuffledBatchesEqualPullRowsInEveryEpoch(DataType type, int n, int d, int batchSize) {
        INDArray x = Nd4j.rand(type, n, d).subi(0.5);
        INDArray y = Nd4j.rand(type, n, 3);
        Dataset data = Dataset.of(x, y);
        for (boolean reuse : new boolean[] {true, false}) {
            Batches batches = Batches.of(data, batchSize).shuffled(42).reuseBuffers(reuse);
            for (int epoch = 0; epoch < 2; epoch++) {
                int count = 0;
                for (Batch b : batches.epoch(epoch)) {
                    assertEquals(Nd4j.pullRows(x, 1, b.indices()), b.features(), "features, batch " + b.index());
                    assertEquals(Nd4j.pullRows(y, 1, b.indices()), b.targets(), "targets, batch " + b.index());
                    count++;
                }
                assertEquals(batches.numBatches(), count);
            }
        }
    }

    @Test
    void nativeGatherSplitWithTheHelperThreadCopiesTheSameRows() {
        assumeTrue(Kernels.nativeCpuActive(), "the native kernels are not the active path: " + Kernels.describe());
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.rand(type, 500, 37);
            int[] rows = new Random(7).ints(301, 0, 500).toArray(); // repeats, any order, an odd count
            INDArray dest = Nd4j.create(type, rows.length, 37);
            KernelSplit.Setting configured = KernelSplit.configured();
            NativeKernels.setParallelism(2, 0, 1); // every call split, the caller waits for the helper's first chunk
            try {
                long before = NativeKernels.helperChunks();
                RowCopy.gather(x, rows, dest);
                assertTrue(NativeKernels.helperChunks() > before, "the helper thread copied no rows");
            } finally {
                NativeKernels.setParallelism(configured.threads(), configured.minElements(), 0);
            }
            assertEquals(Nd4j.pullRows(x, 1, rows), dest, type.toString());
        }
    }

    @Test
    void rowBlockViewIsCopiedDirectlyFromItsOffset() {
        INDArray big = Nd4j.rand(DataType.FLOAT, 50, 7);
        INDArray block = big.get(NDArrayIndex.interval(10, 40), NDArrayIndex.all());
        INDArray dest = Nd4j.create(DataType.FLOAT, 4, 7);
        assertTrue(RowCopy.bulkCopyable(block, dest), "a row block of a c-order matrix is contiguous");
        int[] rows = {29, 0, 5, 5};
        assertSame(dest, RowCopy.gather(block, rows, dest));
        assertEquals(Nd4j.pullRows(block.dup(), 1, rows), dest);
        assertEquals(big.getRow(39), dest.getRow(0));
    }

    @Test
    void columnViewFallsBackToPullRowsWithTheSameResult() {
        INDArray big = Nd4j.rand(DataType.DOUBLE, 20, 9);
        INDArray columns = big.get(NDArrayIndex.all(), NDArrayIndex.interval(2, 6));
        INDArray dest = Nd4j.create(DataType.DOUBLE, 3, 4);
        assertFalse(RowCopy.bulkCopyable(columns, dest), "a column view has non-default strides");
        int[] rows = {19, 3, 7};
        RowCopy.gather(columns, rows, dest);
        assertEquals(Nd4j.pullRows(columns.dup(), 1, rows), dest);
    }

    @Test
    void fortranOrderSourceFallsBackWithTheSameResult() {
        INDArray f = Nd4j.rand(DataType.FLOAT, 11, 6).dup('f');
        INDArray dest = Nd4j.create(DataType.FLOAT, 2, 6);
        assertFalse(RowCopy.bulkCopyable(f, dest));
        RowCopy.gather(f, new int[] {10, 1}, dest);
        assertEquals(Nd4j.pullRows(f.dup('c'), 1, new int[] {10, 1}), dest);
    }

    @Test
    void subsetOfImagesKeepsTheSampleShape() {
        INDArray images = Nd4j.rand(DataType.FLOAT, 12, 2, 3, 3);
        Dataset data = Dataset.of(images, Nd4j.rand(DataType.FLOAT, 12, 1));
        int[] rows = {11, 0, 4};
        INDArray picked = data.subset(rows).features();
        assertEquals(3, picked.size(0));
        for (int i = 0; i < rows.length; i++) {
            assertEquals(images.slice(rows[i]), picked.slice(i));
        }
    }

    @Test
    void mixedDataTypesFallBack() {
        INDArray source = Nd4j.rand(DataType.DOUBLE, 5, 3);
        INDArray dest = Nd4j.create(DataType.FLOAT, 2, 3);
        assertFalse(RowCopy.bulkCopyable(source, dest));
    }

    @Test
    void outOfRangeRowIsRejectedBeforeCopying() {
        INDArray source = Nd4j.rand(DataType.FLOAT, 5, 3);
        INDArray dest = Nd4j.zeros(DataType.FLOAT, 2, 3);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> RowCopy.gather(source, new int[] {1, 5}, dest));
        assertEquals("RowCopy: row index 5 is out of range, expected 0 <= index < 5", e.getMessage());
        assertEquals(Nd4j.zeros(DataType.FLOAT, 2, 3), dest);
    }

    @Test
    void destinationOfTheWrongShapeIsRejected() {
        INDArray source = Nd4j.rand(DataType.FLOAT, 5, 3);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> RowCopy.gather(source, new int[] {1, 2}, Nd4j.create(DataType.FLOAT, 2, 4)));
        assertEquals("RowCopy: destination has shape [2, 4], expected [2, 3]", e.getMessage());
    }
}
