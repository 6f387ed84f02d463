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
        assertEquals(100_003, table.lines().count(), "one line per class, a header, the macro average and the legend");
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

    @Test
    void aClassNeverPredictedShowsNotApplicableAndCountsAsZeroInTheMacroAverage() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        // Class 2 occurs but is never predicted: no precision. Class 1 is predicted once but has no samples: no recall.
        m.add(new int[] {0, 0, 2, 2}, new int[] {0, 0, 0, 1});
        assertTrue(Double.isNaN(m.precision(2)));
        // precision: class 0 2/3, class 1 0/1, class 2 undefined -> 0; recall: 1, undefined -> 0, 0
        assertEquals((2.0 / 3 + 0 + 0) / 3, m.macroPrecision(), 1e-12);
        assertEquals((1.0 + 0 + 0) / 3, m.macroRecall(), 1e-12);
        String table = m.render();
        assertTrue(!table.contains("NaN"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("        2") && l.contains("n/a")), table);
        assertTrue(table.contains("macro average"), table);
        assertTrue(
                table.contains("n/a: precision of a class never predicted; recall of a class with no samples (no"
                        + " sample to divide by); the macro average counts it as 0"),
                table);
    }

    @Test
    void aClassFoundNowhereIsLeftOutOfTheMacroAverage() {
        ConfusionMatrix m = new ConfusionMatrix(3);
        m.add(new int[] {0, 1}, new int[] {0, 1});
        assertEquals(1.0, m.macroPrecision());
        assertEquals(1.0, m.macroRecall());
    }
}
