package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

class TransformsTest {

    private static org.nd4j.linalg.api.rng.Random ndRandom(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @ParameterizedTest
    @CsvSource({"0.5, FLOAT", "0.05, DOUBLE"})
    void inputNoiseHasZeroMeanAndTheRequestedStandardDeviation(double s, DataType type) {
        INDArray x = Nd4j.ones(type, 400, 500).muli(3.0);
        INDArray noisy = new InputNoise(s).apply(x, ndRandom(1));
        INDArray e = noisy.sub(x).castTo(DataType.DOUBLE);
        // 200,000 draws: the sample mean's standard error is s/447, the sample std's about s/632.
        assertEquals(0.0, e.meanNumber().doubleValue(), 5 * s / 447);
        assertEquals(s, e.stdNumber().doubleValue(), 5 * s / 632);
        assertEquals(type, noisy.dataType());
        assertEquals(Nd4j.ones(type, 400, 500).muli(3.0), x, "input must not change");
    }

    @Test
    void inputNoiseIsReproducibleFromTheSeedAndFreshPerCall() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 10, 10);
        InputNoise noise = new InputNoise(1.0);
        assertEquals(noise.apply(x, ndRandom(5)), noise.apply(x, ndRandom(5)));
        org.nd4j.linalg.api.rng.Random rng = ndRandom(5);
        assertTrue(!noise.apply(x, rng).equals(noise.apply(x, rng)), "two draws from one stream should differ");
    }

    @Test
    void inputNoiseRejectsNegativeStd() {
        var e = assertThrows(IllegalArgumentException.class, () -> new InputNoise(-0.1));
        assertEquals("InputNoise: standard deviation must be finite and >= 0, was -0.1", e.getMessage());
    }

    /** One 3 x 4 image with pixels 1..12 in row-major order. */
    private static INDArray image() {
        return Nd4j.arange(1, 13).castTo(DataType.FLOAT).reshape(1, 12);
    }

    @ParameterizedTest(name = "dy={0} dx={1}")
    @CsvSource(
            delimiter = ';',
            value = {
                "1; 0; 0,0,0,0, 1,2,3,4, 5,6,7,8",
                "-1; 0; 5,6,7,8, 9,10,11,12, 0,0,0,0",
                "0; 1; 0,1,2,3, 0,5,6,7, 0,9,10,11",
                "0; -2; 3,4,0,0, 7,8,0,0, 11,12,0,0",
                "2; -3; 0,0,0,0, 0,0,0,0, 4,0,0,0",
                "0; 0; 1,2,3,4, 5,6,7,8, 9,10,11,12",
                "3; 0; 0,0,0,0, 0,0,0,0, 0,0,0,0"
            })
    void shiftMovesPixelsAndFillsWithZeros(int dy, int dx, String expected) {
        float[] want = new float[12];
        String[] parts = expected.split(",");
        for (int i = 0; i < 12; i++) {
            want[i] = Float.parseFloat(parts[i].trim());
        }
        assertEquals(Nd4j.createFromArray(want).reshape(1, 12), ImageShift.shift(image(), 3, 4, dy, dx));
    }

    @Test
    void randomShiftsMoveEachImageByAnAllowedOffset() {
        int h = 6;
        int w = 5;
        int n = 40;
        INDArray images = Nd4j.rand(DataType.DOUBLE, n, h * w).addi(0.1);
        INDArray shifted = new ImageShift(h, w, 2).apply(images, new Random(3));
        int[][] used = new int[5][5];
        for (int i = 0; i < n; i++) {
            INDArray row = images.getRow(i, true);
            boolean matched = false;
            for (int dy = -2; dy <= 2 && !matched; dy++) {
                for (int dx = -2; dx <= 2 && !matched; dx++) {
                    if (ImageShift.shift(row, h, w, dy, dx).equals(shifted.getRow(i, true))) {
                        matched = true;
                        used[dy + 2][dx + 2]++;
                    }
                }
            }
            assertTrue(matched, "row " + i + " is not a shift of its input by at most 2 pixels");
        }
        int distinct = 0;
        for (int[] r : used) {
            for (int c : r) {
                distinct += c > 0 ? 1 : 0;
            }
        }
        assertTrue(distinct >= 10, "40 draws should use many of the 25 offsets, used " + distinct);
    }

    @Test
    void randomShiftsAreReproducibleFromTheSeed() {
        INDArray images = Nd4j.rand(DataType.FLOAT, 20, 16);
        ImageShift shift = new ImageShift(4, 4, 1);
        assertEquals(shift.apply(images, new Random(8)), shift.apply(images, new Random(8)));
    }

    @Test
    void imageShiftValidatesGeometry() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ImageShift(28, 28, 1).apply(Nd4j.zeros(DataType.FLOAT, 2, 783), new Random(1)));
        assertEquals("ImageShift: images have 783 columns, expected 28 x 28 = 784", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new ImageShift(3, 4, 3));
        assertEquals("ImageShift: maxShift must be in 0..2 for 3 x 4 images, was 3", e2.getMessage());
    }

    @Test
    void standardizerGivesZeroMeanUnitStdOnTrainingData() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 500, 4)
                .muli(Nd4j.createFromArray(1.0, 10.0, 0.1, 5.0))
                .addi(Nd4j.createFromArray(-3.0, 7.0, 0.0, 100.0));
        Standardizer s = Standardizer.fit(x);
        INDArray z = s.transform(x);
        for (int c = 0; c < 4; c++) {
            assertEquals(0.0, z.getColumn(c).meanNumber().doubleValue(), 1e-12);
            assertEquals(1.0, z.getColumn(c).stdNumber().doubleValue() * Math.sqrt(499.0 / 500.0), 1e-12);
        }
    }

    @Test
    void standardizerAppliesTrainingStatisticsToOtherData() {
        INDArray train = Nd4j.createFromArray(new double[][] {{0, 10}, {2, 10}, {4, 10}});
        Standardizer s = Standardizer.fit(train);
        // mean (2, 10), population std (sqrt(8/3), 0 -> 1).
        INDArray test = Nd4j.createFromArray(new double[][] {{2, 13}, {2 + Math.sqrt(8.0 / 3.0), 9}});
        INDArray want = Nd4j.createFromArray(new double[][] {{0, 3}, {1, -1}});
        assertTrue(
                want.equalsWithEps(s.transform(test), 1e-12), s.transform(test).toString());
    }

    @Test
    void zeroVarianceColumnIsCentredNotDividedByZero() {
        INDArray x = Nd4j.createFromArray(new float[][] {{5, 1}, {5, 2}, {5, 3}});
        Standardizer s = Standardizer.fit(x);
        INDArray z = s.transform(x);
        assertTrue(!BooleanIndexing.or(z, Conditions.notFinite()), z.toString());
        assertEquals(Nd4j.zeros(DataType.FLOAT, 3), z.getColumn(0));
        assertEquals(1.0, s.scale().getDouble(0), 0.0);
    }

    @Test
    void standardizerTransformsDatasetsAndRejectsWrongWidth() {
        Dataset d = Dataset.classification(Nd4j.createFromArray(new float[][] {{1, 2}, {3, 6}}), new int[] {0, 1}, 2);
        Standardizer s = Standardizer.fit(d);
        Dataset z = s.transform(d);
        assertEquals(Nd4j.createFromArray(new float[][] {{-1, -1}, {1, 1}}), z.features());
        assertEquals(d.targets(), z.targets());
        var e = assertThrows(IllegalArgumentException.class, () -> s.transform(Nd4j.zeros(DataType.FLOAT, 1, 3)));
        assertEquals("Standardizer: input has shape [1, 3], expected [*, 2] as fitted", e.getMessage());
    }

    @Test
    void featuresNearTheFloatMaximumGetAFiniteScale() {
        // The float32 sums overflowed: a scale of Infinity, every transformed value 0.
        INDArray x = Nd4j.create(new float[] {3e38f, -3e38f, 3e38f, -3e38f}, new long[] {4, 1});
        Standardizer s = Standardizer.fit(x);
        assertEquals(0.0, s.mean().getDouble(0), 0.0);
        assertEquals(3e38, s.scale().getDouble(0), 1e32);
        assertEquals(DataType.FLOAT, s.scale().dataType());
        assertEquals(1.0, s.transform(x).getDouble(0), 1e-6);
    }

    @Test
    void noiseThatOverflowsTheFeaturesTypeIsRefused() {
        // std 1e308 on float32 features returned infinities without an error.
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2);
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(1);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new InputNoise(1e308).apply(x, rng));
        assertEquals(
                "InputNoise: standard deviation 1.0E308 overflows FLOAT values (at most "
                        + (double) Float.MAX_VALUE / 64 + " for them)",
                e.getMessage());
        assertEquals(
                DataType.DOUBLE,
                new InputNoise(1e300).apply(x.castTo(DataType.DOUBLE), rng).dataType());
    }
}
