package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchesTest {

    /** N samples whose single feature is the row index and whose label is the row index mod 3. */
    private static Dataset indexed(int n) {
        INDArray x = Nd4j.arange(n).reshape(n, 1).castTo(DataType.DOUBLE);
        int[] labels = new int[n];
        Arrays.setAll(labels, i -> i % 3);
        return Dataset.classification(x, labels, 3);
    }

    private static List<Batch> collect(Batches b, int epoch) {
        List<Batch> out = new ArrayList<>();
        b.epoch(epoch).forEach(out::add);
        return out;
    }

    private static int[] sizes(List<Batch> batches) {
        return batches.stream().mapToInt(Batch::size).toArray();
    }

    @ParameterizedTest(name = "N={0} B={1} dropLast={2}")
    @CsvSource({
        "10, 3, false, '3,3,3,1'",
        "10, 3, true, '3,3,3'",
        "9, 3, false, '3,3,3'",
        "9, 3, true, '3,3,3'",
        "10, 10, false, '10'",
        "10, 25, false, '10'",
        "4, 1, true, '1,1,1,1'"
    })
    void batchSizesFollowNAndBAndTheLastBatchOption(int n, int b, boolean dropLast, String expected) {
        Batches batches = Batches.of(indexed(n), b).dropLast(dropLast).shuffled(7);
        int[] want =
                Arrays.stream(expected.split(",")).mapToInt(Integer::parseInt).toArray();
        assertArrayEquals(want, sizes(collect(batches, 0)));
        assertEquals(want.length, batches.numBatches());
    }

    @Test
    void batchSizeNIsOneFullBatchAndBatchSizeOneIsOneSamplePerStep() {
        Dataset d = indexed(12);
        List<Batch> full = collect(Batches.of(d, d.size()), 0);
        assertEquals(1, full.size());
        assertEquals(d.features(), full.get(0).features());
        List<Batch> sgd = collect(Batches.of(d, 1).shuffled(1), 0);
        assertEquals(12, sgd.size());
        sgd.forEach(b -> assertArrayEquals(new long[] {1, 1}, b.features().shape()));
    }

    @Test
    void everySampleAppearsOncePerEpochInShuffledOrder() {
        Batches batches = Batches.of(indexed(103), 10).shuffled(42);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] seen = new int[103];
            for (Batch b : batches.epoch(epoch)) {
                for (int i = 0; i < b.size(); i++) {
                    seen[(int) b.features().getDouble(i, 0)]++;
                }
            }
            int[] ones = new int[103];
            Arrays.fill(ones, 1);
            assertArrayEquals(ones, seen, "epoch " + epoch);
        }
    }

    @Test
    void droppedLastBatchStillVisitsEachSampleAtMostOnce() {
        Batches batches = Batches.of(indexed(23), 5).shuffled(3).dropLast(true);
        int[] rows = collect(batches, 0).stream()
                .flatMapToInt(b -> Arrays.stream(b.indices()))
                .toArray();
        assertEquals(20, rows.length);
        assertEquals(20, Arrays.stream(rows).distinct().count());
    }

    @Test
    void batchRowsMatchTheDatasetRowsTheyNameIncludingTargets() {
        Dataset d = indexed(17);
        for (Batch b : Batches.of(d, 4).shuffled(5).epoch(2)) {
            for (int i = 0; i < b.size(); i++) {
                int row = b.indices()[i];
                assertEquals(row, b.features().getDouble(i, 0), 0.0);
                assertEquals(d.targets().getRow(row), b.targets().getRow(i));
            }
        }
    }

    @Test
    void sameSeedReplaysTheSameOrderAndEpochsDiffer() {
        Dataset d = indexed(50);
        Batches a = Batches.of(d, 8).shuffled(123);
        Batches b = Batches.of(d, 8).shuffled(123);
        assertArrayEquals(a.order(0), b.order(0));
        assertArrayEquals(a.order(5), b.order(5));
        assertFalse(Arrays.equals(a.order(0), a.order(1)), "epochs 0 and 1 should differ");
        assertFalse(Arrays.equals(a.order(1), a.order(2)), "epochs 1 and 2 should differ");
        assertFalse(Arrays.equals(a.order(0), Batches.of(d, 8).shuffled(124).order(0)), "seeds should differ");
        int[] fromIterator = collect(a, 3).stream()
                .flatMapToInt(x -> Arrays.stream(x.indices()))
                .toArray();
        assertArrayEquals(a.order(3), fromIterator);
    }

    @Test
    void iteratingAnEpochTwiceGivesTheSameBatches() {
        Iterable<Batch> epoch = Batches.of(indexed(20), 6).shuffled(9).epoch(4);
        List<int[]> first = new ArrayList<>();
        epoch.forEach(b -> first.add(b.indices()));
        List<int[]> second = new ArrayList<>();
        epoch.forEach(b -> second.add(b.indices()));
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i));
        }
    }

    @Test
    void sequentialBatchesVisitRowsInOrder() {
        List<Batch> batches = collect(Batches.of(indexed(7), 3), 9);
        assertArrayEquals(new int[] {0, 1, 2}, batches.get(0).indices());
        assertArrayEquals(new int[] {6}, batches.get(2).indices());
        assertEquals(
                Nd4j.createFromArray(new double[][] {{3}, {4}, {5}}),
                batches.get(1).features());
        assertEquals(1, batches.get(1).index());
        assertEquals(9, batches.get(1).epoch());
    }

    @Test
    void reusedBuffersAreTheSameArraysWithEachBatchsContent() {
        Dataset d = indexed(10);
        Batches batches = Batches.of(d, 4).shuffled(11).reuseBuffers(true);
        INDArray firstX = null;
        INDArray lastPartial = null;
        for (int epoch = 0; epoch < 2; epoch++) {
            for (Batch b : batches.epoch(epoch)) {
                if (b.size() == 4) {
                    if (firstX == null) {
                        firstX = b.features();
                    }
                    assertSame(firstX, b.features());
                } else {
                    if (lastPartial != null) {
                        assertSame(lastPartial, b.features());
                    }
                    lastPartial = b.features();
                }
                assertEquals(d.subset(b.indices()).features(), b.features());
                assertEquals(d.subset(b.indices()).targets(), b.targets());
            }
        }
        List<Batch> fresh = collect(Batches.of(d, 4), 0);
        assertNotSame(fresh.get(0).features(), fresh.get(1).features());
    }

    /**
     * Buffers handed from one Batches to the next are reused where a batch's shape and type match, and replaced where
     * they do not (another dataset's width or type), each batch holding its own rows.
     */
    @Test
    void sharedBuffersServeTheNextBatchesAndFollowShapeAndType() {
        Batches.Buffers buffers = new Batches.Buffers();
        Dataset d = indexed(10);
        INDArray x = Batches.of(d, 4)
                .reuseBuffers(buffers)
                .epoch(0)
                .iterator()
                .next()
                .features();
        Batch again = Batches.of(d, 4)
                .shuffled(3)
                .reuseBuffers(buffers)
                .epoch(1)
                .iterator()
                .next();
        assertSame(x, again.features());
        assertEquals(d.subset(again.indices()).features(), again.features());
        Dataset wide = Dataset.classification(
                Nd4j.arange(30).reshape(10, 3).castTo(DataType.FLOAT), new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0}, 3);
        Batch w = Batches.of(wide, 4).reuseBuffers(buffers).epoch(0).iterator().next();
        assertNotSame(x, w.features());
        assertEquals(DataType.FLOAT, w.features().dataType());
        assertEquals(wide.subset(w.indices()).features(), w.features());
        assertThrows(IllegalArgumentException.class, () -> Batches.of(d, 4).reuseBuffers(null));
        assertTrue(buffers.tryTake());
        assertFalse(buffers.tryTake(), "taken twice");
        buffers.giveBack();
        assertTrue(buffers.tryTake());
    }

    @Test
    void invalidSettingsAreRejectedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Batches.of(indexed(5), 0));
        assertEquals("Batches: batch size must be >= 1, was 0", e.getMessage());
        var e2 = assertThrows(
                IllegalArgumentException.class, () -> Batches.of(indexed(5), 8).dropLast(true));
        assertEquals(
                "Batches: batch size 8 exceeds the dataset size 5 and the last partial batch is dropped, so an"
                        + " epoch would have no batch",
                e2.getMessage());
        var e3 = assertThrows(
                IllegalArgumentException.class, () -> Batches.of(indexed(5), 2).order(-1));
        assertEquals("Batches: epoch must be >= 0, was -1", e3.getMessage());
    }

    @Test
    void aShuffledOrderBeyondTheMemoryLimitIsRefusedBeforeItsArrayIsAllocated() {
        // int[Integer.MAX_VALUE]: an OutOfMemoryError ("Requested array size exceeds VM limit").
        System.setProperty(org.myelin.Settings.MAX_PARAMETER_BYTES, "1m");
        try {
            String m = assertThrows(
                            IllegalArgumentException.class, () -> Batches.shuffledOrder(Integer.MAX_VALUE, 1, 0))
                    .getMessage();
            assertTrue(
                    m.startsWith("Batches.shuffledOrder: the order of 2147483647 rows needs 8.00 GiB (8589934588"
                            + " bytes) for its 2,147,483,647 indices, more than the limit of 1.00 MiB"),
                    m);
            assertEquals(1000, Batches.shuffledOrder(1000, 1, 0).length);
        } finally {
            System.clearProperty(org.myelin.Settings.MAX_PARAMETER_BYTES);
        }
    }
}
