package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DatasetTest {

    private static INDArray rowIndexFeatures(int n, int d, DataType type) {
        // x[i, j] = 10 i + j: every row says where it came from.
        return Nd4j.arange(n)
                .reshape(n, 1)
                .mul(10)
                .broadcast(n, d)
                .add(Nd4j.arange(d).reshape(1, d))
                .castTo(type);
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE", "HALF"})
    void classificationBuildsOneHotTargetsOfTheFeaturesType(DataType type) {
        Dataset d = Dataset.classification(rowIndexFeatures(4, 3, type), new int[] {2, 0, 1, 2}, 3);
        assertEquals(4, d.size());
        assertEquals(3, d.numFeatures());
        assertEquals(3, d.numClasses());
        assertEquals(type, d.targets().dataType());
        assertEquals(
                Nd4j.createFromArray(new double[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
                        .castTo(type),
                d.targets());
        assertArrayEquals(new int[] {2, 0, 1, 2}, d.labels());
    }

    @ParameterizedTest
    @CsvSource({"NaN, NaN", "Infinity, +Infinity", "-Infinity, -Infinity"})
    void nonFiniteFeatureIsReportedWithRowAndColumn(double bad, String word) {
        INDArray x = rowIndexFeatures(20, 5, DataType.FLOAT);
        x.putScalar(17, 3, bad);
        x.putScalar(18, 1, bad);
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.of(x, Nd4j.zeros(DataType.FLOAT, 20, 1)));
        assertEquals("features: row 17 column 3 is " + word, e.getMessage());
    }

    @Test
    void nonFiniteTargetIsReportedWithRowAndColumn() {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 6, 2);
        y.putScalar(4, 1, Double.NaN);
        var e = assertThrows(
                IllegalArgumentException.class, () -> Dataset.of(rowIndexFeatures(6, 2, DataType.DOUBLE), y));
        assertEquals("targets: row 4 column 1 is NaN", e.getMessage());
    }

    @Test
    void nonFiniteFeatureInAClassificationSetIsCaught() {
        INDArray x = rowIndexFeatures(3, 2, DataType.FLOAT);
        x.putScalar(2, 0, Float.NaN);
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.classification(x, new int[] {0, 1, 0}, 2));
        assertEquals("features: row 2 column 0 is NaN", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"10, 'labels: row 4 is 10, expected 0..9'", "-1, 'labels: row 4 is -1, expected 0..9'"})
    void labelOutOfRangeIsReportedWithRow(int bad, String message) {
        int[] labels = {0, 1, 2, 3, bad, 5};
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.classification(rowIndexFeatures(6, 2, DataType.FLOAT), labels, 10));
        assertEquals(message, e.getMessage());
    }

    @Test
    void binaryLabelOtherThanZeroOrOneIsReportedWithRow() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.binary(rowIndexFeatures(3, 2, DataType.FLOAT), new int[] {0, 2, 1}));
        assertEquals("labels: row 1 is 2, expected 0..1", e.getMessage());
    }

    @Test
    void oneHotRowNotSummingToOneIsReportedWithRow() {
        INDArray y = Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, 0}, {0, 1, 1}, {0, 0, 0}});
        var e = assertThrows(
                IllegalArgumentException.class, () -> Dataset.oneHot(rowIndexFeatures(4, 2, DataType.FLOAT), y));
        assertEquals(
                "targets: row 2 is not one-hot: its entries sum to 2.0, expected exactly one 1 and zeros",
                e.getMessage());
    }

    @Test
    void oneHotRowOfZerosIsReportedWithRow() {
        INDArray y = Nd4j.createFromArray(new float[][] {{1, 0}, {0, 0}});
        var e = assertThrows(
                IllegalArgumentException.class, () -> Dataset.oneHot(rowIndexFeatures(2, 2, DataType.FLOAT), y));
        assertEquals(
                "targets: row 1 is not one-hot: its entries sum to 0.0, expected exactly one 1 and zeros",
                e.getMessage());
    }

    @Test
    void oneHotRowWithFractionalEntriesIsRejectedEvenIfItSumsToOne() {
        INDArray y = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}, {0.5, 0.5}});
        var e = assertThrows(
                IllegalArgumentException.class, () -> Dataset.oneHot(rowIndexFeatures(3, 2, DataType.DOUBLE), y));
        assertEquals(
                true,
                e.getMessage().startsWith("targets: row 2 is not one-hot: it has an entry other than 0"),
                e.getMessage());
    }

    @Test
    void validOneHotTargetsAreAcceptedAndGiveLabels() {
        INDArray y = Nd4j.createFromArray(new float[][] {{0, 1}, {1, 0}, {0, 1}});
        Dataset d = Dataset.oneHot(rowIndexFeatures(3, 2, DataType.FLOAT), y);
        assertEquals(2, d.numClasses());
        assertArrayEquals(new int[] {1, 0, 1}, d.labels());
    }

    @Test
    void rowCountMismatchIsRejected() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.of(rowIndexFeatures(5, 2, DataType.FLOAT), Nd4j.zeros(DataType.FLOAT, 4, 1)));
        assertEquals(
                "Dataset: features have 5 rows but targets have 4; expected one target row per sample", e.getMessage());
        var e2 = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.classification(rowIndexFeatures(5, 2, DataType.FLOAT), new int[] {0, 1}, 2));
        assertEquals(
                "Dataset: features have 5 rows but there are 2 labels; expected one label per sample", e2.getMessage());
    }

    @Test
    void integerFeaturesAndMixedTypesAreRejected() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.of(Nd4j.zeros(DataType.INT32, 2, 2), Nd4j.zeros(DataType.INT32, 2, 1)));
        assertEquals("features: expected a floating-point data type, got INT", e.getMessage());
        var e2 = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.of(Nd4j.zeros(DataType.FLOAT, 2, 2), Nd4j.zeros(DataType.DOUBLE, 2, 1)));
        assertEquals("Dataset: targets have data type DOUBLE, expected the features' type FLOAT", e2.getMessage());
        var e3 = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.of(Nd4j.zeros(DataType.FLOAT, 2), Nd4j.zeros(DataType.FLOAT, 2, 1)));
        assertEquals(
                "features: expected an array [N, ...] of rank >= 2 ([N, d], [N, C, H, W]), got shape [2]",
                e3.getMessage());
    }

    @Test
    void subsetGathersRowsInTheGivenOrder() {
        Dataset d = Dataset.classification(rowIndexFeatures(5, 2, DataType.FLOAT), new int[] {0, 1, 2, 0, 1}, 3);
        Dataset s = d.subset(new int[] {4, 0, 4});
        assertEquals(Nd4j.createFromArray(new float[][] {{40, 41}, {0, 1}, {40, 41}}), s.features());
        assertArrayEquals(new int[] {1, 0, 1}, s.labels());
        assertEquals(3, s.numClasses());
    }

    @Test
    void subsetWithNoIndicesIsEmptyWithTheSameColumns() {
        Dataset d = Dataset.of(rowIndexFeatures(5, 2, DataType.FLOAT), Nd4j.zeros(DataType.FLOAT, 5, 3));
        Dataset s = d.subset(new int[0]);
        assertEquals(0, s.size());
        assertEquals(2, s.numFeatures());
        assertEquals(3, s.numTargets());
    }

    @Test
    void subsetIndexOutOfRangeIsNamed() {
        Dataset d = Dataset.of(rowIndexFeatures(5, 2, DataType.FLOAT), Nd4j.zeros(DataType.FLOAT, 5, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> d.subset(new int[] {1, 5}));
        assertEquals("Dataset.subset: indices[1] is 5, expected 0..4", e.getMessage());
    }

    @Test
    void castToConvertsBothArraysAndKeepsLabels() {
        Dataset d = Dataset.classification(rowIndexFeatures(3, 2, DataType.FLOAT), new int[] {1, 0, 1}, 2);
        Dataset c = d.castTo(DataType.DOUBLE);
        assertEquals(DataType.DOUBLE, c.features().dataType());
        assertEquals(DataType.DOUBLE, c.targets().dataType());
        assertArrayEquals(d.labels(), c.labels());
        assertSame(d, d.castTo(DataType.FLOAT));
        assertThrows(IllegalArgumentException.class, () -> d.castTo(DataType.INT32));
    }

    @Test
    void binaryDatasetGivesLabelsAndTwoColumnOneHot() {
        Dataset b = Dataset.binary(rowIndexFeatures(3, 1, DataType.DOUBLE), new int[] {1, 0, 1});
        assertEquals(1, b.numTargets());
        assertEquals(2, b.numClasses());
        assertArrayEquals(new int[] {1, 0, 1}, b.labels());
        Dataset oh = b.asOneHot();
        assertEquals(Nd4j.createFromArray(new double[][] {{0, 1}, {1, 0}, {0, 1}}), oh.targets());
        assertArrayEquals(new int[] {1, 0, 1}, oh.labels());
    }

    @Test
    void regressionDatasetHasNoLabels() {
        Dataset d = Dataset.of(rowIndexFeatures(3, 1, DataType.FLOAT), Nd4j.zeros(DataType.FLOAT, 3, 1));
        assertEquals(false, d.isClassification());
        var e = assertThrows(IllegalStateException.class, d::labels);
        assertEquals(true, e.getMessage().startsWith("Dataset: labels() needs a classification dataset"));
    }

    @Test
    void oneHotTargetsBeyondTheMemoryLimitAreRefusedBeforeTheyAreAllocated() {
        // 10 labels and 100,000,000 classes: 4 GB of one-hot targets, allocated on the heap (an OutOfMemoryError)
        // before the limit was consulted.
        System.setProperty(org.myelin.Settings.MAX_PARAMETER_BYTES, "1m");
        try {
            String m = assertThrows(
                            IllegalArgumentException.class,
                            () -> Dataset.classification(Nd4j.rand(DataType.FLOAT, 10, 4), new int[10], 100_000_000))
                    .getMessage();
            org.junit.jupiter.api.Assertions.assertTrue(
                    m.startsWith("Dataset: one-hot targets of 10 rows x 100000000 classes needs 3.73 GiB (4000000000"
                            + " bytes) for its 1,000,000,000 values, more than the limit of 1.00 MiB"),
                    m);
            assertEquals(
                    3,
                    Dataset.classification(Nd4j.rand(DataType.FLOAT, 10, 4), new int[10], 3)
                            .numClasses());
        } finally {
            System.clearProperty(org.myelin.Settings.MAX_PARAMETER_BYTES);
        }
    }

    @Test
    void anEmptyBinarySetTurnsOneHot() {
        // ND4J refused the empty column: "Cannot perform operation rsub on empty array with datatype FLOAT".
        Dataset b = Dataset.binary(Nd4j.rand(DataType.FLOAT, 4, 2), new int[] {0, 1, 1, 0});
        Dataset empty = b.subset(new int[0]).asOneHot();
        assertEquals(0, empty.size());
        assertArrayEquals(new long[] {0, 2}, empty.targets().shape());
        assertEquals(2, empty.numClasses());
    }

    /** {@link Dataset#rows}: the same samples as {@code subset} of the range, for plain arrays and strided views. */
    @Test
    void rowsAreTheSamplesOfTheRangeAlsoOfAStridedView() {
        INDArray all = Nd4j.arange(40).castTo(DataType.DOUBLE).reshape(10, 4);
        INDArray targets = Nd4j.arange(20).castTo(DataType.DOUBLE).reshape(10, 2);
        Dataset plain = Dataset.of(all, targets);
        assertEquals(
                plain.subset(new int[] {3, 4, 5}).features(), plain.rows(3, 6).features());
        assertEquals(
                plain.subset(new int[] {3, 4, 5}).targets(), plain.rows(3, 6).targets());
        INDArrayIndex everyOther = NDArrayIndex.interval(0, 2, 10);
        Dataset strided =
                Dataset.of(all.get(everyOther, NDArrayIndex.all()), targets.get(everyOther, NDArrayIndex.all()));
        assertEquals(all.getRow(6).reshape(1, 4), strided.rows(3, 4).features());
        assertEquals(targets.getRow(6).reshape(1, 2), strided.rows(3, 4).targets());
        var e = assertThrows(IllegalArgumentException.class, () -> plain.rows(5, 11));
        assertEquals("Dataset.rows: rows 5..11, expected 0 <= from < to <= 10", e.getMessage());
    }
}
