package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Invalid arguments to the data package's public methods fail at entry with one line naming them. */
class DataArgumentsTest {
    private static final INDArray X = Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}, {5, 6}, {7, 8}});
    private static final Dataset D = Dataset.binary(X, new int[] {0, 1, 0, 1});

    private static void fails(String message, org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void datasetNullsAndWrappedReshape() {
        fails("Dataset.subset: indices are null, expected an array of row indices", () -> D.subset(null));
        fails("Dataset.reshapeFeatures: sample shape is null", () -> D.reshapeFeatures((long[]) null));
        // (2^62 + 1) * 2 wraps to 2, the sample size: the check passed and ND4J failed later.
        fails(
                "Dataset.reshapeFeatures: samples of shape [2] (2 values) cannot be viewed as [4611686018427387905, 2]"
                        + " (more than 9223372036854775807 values)",
                () -> D.reshapeFeatures((1L << 62) + 1, 2));
    }

    @Test
    void splitNullDataset() {
        fails("Split: dataset is null", () -> Split.of(null, 0.5, 0.5, 0, 1));
        fails("Split: dataset is null", () -> Split.random(null, 0.5, 0.5, 0, 1));
        fails("Split: dataset is null", () -> Split.stratified(null, 0.5, 0.5, 0, 1));
    }

    @Test
    void transformsNullRandomStreamsAndInputs() {
        fails(
                "InputNoise: random stream is null, expected an ND4J Random"
                        + " (Nd4j.getRandomFactory().getNewRandomInstance(seed))",
                () -> new InputNoise(0.1).apply(X, null));
        fails(
                "InputNoise: input is null",
                () -> new InputNoise(0.1)
                        .apply((INDArray) null, Nd4j.getRandomFactory().getNewRandomInstance(1)));
        fails(
                "ImageShift: random stream is null, expected a seeded java.util.Random",
                () -> new ImageShift(2, 2, 1).apply(Nd4j.zeros(DataType.FLOAT, 3, 4), null));
    }

    @Test
    void imageShiftByIntegerMinValueIsBlank() {
        // |Integer.MIN_VALUE| is negative: the shift passed "|dy| < height" and returned the images unmoved.
        INDArray out = ImageShift.shift(X, 1, 2, Integer.MIN_VALUE, 0);
        assertEquals(0.0, out.sumNumber().doubleValue());
        assertEquals(
                0.0, ImageShift.shift(X, 1, 2, 0, Integer.MIN_VALUE).sumNumber().doubleValue());
    }

    @Test
    void standardizerNeedsValuesPerSample() {
        fails(
                "Standardizer: training features have shape [3, 0], expected at least 1 value per sample",
                () -> Standardizer.fit(Nd4j.zeros(DataType.FLOAT, 3, 0)));
    }

    @Test
    void syntheticTypeAndRange() {
        fails(
                "Synthetic.twoSpirals: expected a floating-point data type, got null",
                () -> Synthetic.twoSpirals(4, 0, 1, null));
        fails("Synthetic.xor: expected a floating-point data type, got null", () -> Synthetic.xor(null));
        fails(
                "Synthetic.noisyLine: expected a floating-point data type, got null",
                () -> Synthetic.noisyLine(3, 0, 1, 0, 1, null));
        fails(
                "noisyLine: x range width xMax - xMin must be finite, was [-1.0E308, 1.0E308] (width Infinity)",
                () -> Synthetic.noisyLine(5, -1e308, 1e308, 0.1, 1, DataType.DOUBLE));
        fails(
                "noisyLine: x range [-1.0E300, 1.0E300] exceeds the largest FLOAT value 3.4028234663852886E38",
                () -> Synthetic.noisyLine(5, -1e300, 1e300, 0.1, 1, DataType.FLOAT));
    }
}
