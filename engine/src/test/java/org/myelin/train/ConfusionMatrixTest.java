package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.myelin.Settings;
import org.myelin.data.Dataset;
import org.myelin.nn.Dense;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The counts stay bounded by the samples for many classes, and bad indices are refused by name: a dense table of
 * 100,000 classes (80 GB) was allocated for ten samples, an OutOfMemoryError after seconds, and the command line's
 * eval would have printed its 10^10 cells; count, precision, recall and unclassified threw
 * ArrayIndexOutOfBoundsExceptions.
 */
class ConfusionMatrixTest {

    @Test
    void manyClassesKeepOnlyThePairsThatOccur() {
        ConfusionMatrix m = new ConfusionMatrix(100_000);
        m.add(new int[] {0, 99_999, 5, 5}, new int[] {0, 3, 5, ConfusionMatrix.NO_CLASS});
        assertEquals(1, m.count(99_999, 3));
        assertEquals(0, m.count(3, 99_999));
        assertEquals(1, m.unclassified(5));
        assertEquals(4, m.total());
        assertEquals(0.5, m.accuracy());
        assertEquals(0.5, m.recall(5));
        assertEquals(1.0, m.precision(5));
        assertTrue(Double.isNaN(m.precision(99_999)));
        String table = m.render();
        assertEquals(100_001, table.lines().count(), "one line per class and a header");
        assertTrue(
                table.lines()
                        .skip(6)
                        .findFirst()
                        .orElseThrow()
                        .startsWith("        5           2           1           1"),
                table);
    }

    @Test
    void anEvaluationOfManyClassesFinishesWithoutATable() {
        Dense model = new Dense(4, 100_000, DataType.FLOAT, 1);
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 99_999};
        Dataset data = Dataset.classification(Nd4j.rand(DataType.FLOAT, 10, 4), labels, 100_000);
        Evaluation e = Evaluation.of(model, LossFunction.SOFTMAX_CROSS_ENTROPY, data, 5);
        assertEquals(10, e.confusion().total());
    }

    @Test
    void classesBeyondTheMemoryLimitAreRefused() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        try {
            String m = assertThrows(IllegalArgumentException.class, () -> new ConfusionMatrix(Integer.MAX_VALUE))
                    .getMessage();
            assertTrue(m.startsWith("ConfusionMatrix of 2147483647 classes needs 64.00 GiB"), m);
        } finally {
            System.clearProperty(Settings.MAX_PARAMETER_BYTES);
        }
    }

    @Test
    void badIndicesAreNamedAndARefusedAddCountsNothing() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        assertEquals(
                "ConfusionMatrix.count: true class 9 is not a class, expected 0..2",
                assertThrows(IllegalArgumentException.class, () -> m.count(9, 0))
                        .getMessage());
        assertEquals(
                "ConfusionMatrix.precision: class 5 is not a class, expected 0..2",
                assertThrows(IllegalArgumentException.class, () -> m.precision(5))
                        .getMessage());
        assertEquals(
                "ConfusionMatrix.recall: class -1 is not a class, expected 0..2",
                assertThrows(IllegalArgumentException.class, () -> m.recall(-1)).getMessage());
        assertEquals(
                "ConfusionMatrix.unclassified: true class 4 is not a class, expected 0..2",
                assertThrows(IllegalArgumentException.class, () -> m.unclassified(4))
                        .getMessage());
        assertEquals(
                "ConfusionMatrix.add: true labels must not be null",
                assertThrows(IllegalArgumentException.class, () -> m.add(null, new int[0]))
                        .getMessage());
        assertEquals(
                "ConfusionMatrix.add: prediction 1 is 7, expected 0..2",
                assertThrows(IllegalArgumentException.class, () -> m.add(new int[] {0, 1}, new int[] {0, 7}))
                        .getMessage());
        assertEquals(0, m.total(), "the first sample of the refused call was not counted");
    }
}
