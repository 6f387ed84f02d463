package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Datasets, batches, splits and transforms keep the sample shape of image data {@code [N, C, H, W]}. */
class AnyRankDataTest {

    /** N images [C, H, W] whose every pixel holds its sample index plus a position code, labels i % 3. */
    private static Dataset images(int n, int c, int h, int w) {
        INDArray x = Nd4j.create(DataType.DOUBLE, n, c, h, w);
        for (int i = 0; i < n; i++) {
            x.get(NDArrayIndex.point(i))
                    .assign(Nd4j.arange(c * h * w)
                            .castTo(DataType.DOUBLE)
                            .reshape(c, h, w)
                            .divi(1000)
                            .addi(i));
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return Dataset.classification(x, labels, 3);
    }

    @Test
    void datasetKeepsTheSampleShape() {
        Dataset d = images(7, 2, 3, 5);
        assertEquals(7, d.size());
        assertArrayEquals(new long[] {2, 3, 5}, d.featureShape());
        assertEquals(30, d.numFeatures());
        assertEquals("Dataset[N=7, features=[2, 3, 5], targets=3, classes=3, DOUBLE]", d.toString());
        Dataset sub = d.subset(new int[] {4, 1});
        assertArrayEquals(new long[] {2, 2, 3, 5}, sub.features().shape());
        assertEquals(d.features().get(NDArrayIndex.point(4)), sub.features().get(NDArrayIndex.point(0)));
        assertEquals(d.features().get(NDArrayIndex.point(1)), sub.features().get(NDArrayIndex.point(1)));
        assertArrayEquals(
                new long[] {0, 2, 3, 5}, d.subset(new int[0]).features().shape());
    }

    @Test
    void reshapeAndFlattenAreRowMajorViewsOfTheSameValues() {
        Dataset flat = images(4, 1, 2, 3).flattenFeatures();
        assertArrayEquals(new long[] {4, 6}, flat.features().shape());
        assertEquals(2.004, flat.features().getDouble(2, 4), 1e-12);
        Dataset back = flat.reshapeFeatures(1, 2, 3);
        assertEquals(images(4, 1, 2, 3).features(), back.features());
        assertSame(flat, flat.flattenFeatures(), "a rank-2 dataset flattens to itself");
        var e = assertThrows(IllegalArgumentException.class, () -> flat.reshapeFeatures(1, 4, 4));
        assertEquals(
                "Dataset.reshapeFeatures: samples of shape [6] (6 values) cannot be viewed as [1, 4, 4] (16 values)",
                e.getMessage());
    }

    @Test
    void featuresOfRankOneAreRejectedWithTheirShape() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Dataset.classification(Nd4j.zeros(DataType.FLOAT, 5), new int[5], 2));
        assertEquals(
                "features: expected an array [N, ...] of rank >= 2 ([N, d], [N, C, H, W]), got shape [5]",
                e.getMessage());
    }

    @Test
    void nonFiniteImagePixelIsLocatedBySampleAndFlatIndex() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 3, 2, 2, 2);
        x.putScalar(new long[] {2, 1, 0, 1}, Float.NaN);
        var e = assertThrows(IllegalArgumentException.class, () -> Dataset.classification(x, new int[3], 2));
        assertEquals("features: row 2 column 5 is NaN", e.getMessage());
    }

    @ParameterizedTest(name = "reuseBuffers={0}")
    @ValueSource(booleans = {false, true})
    void batchesHoldWholeImagesInTheShuffledOrder(boolean reuse) {
        Dataset d = images(10, 2, 3, 3);
        Batches batches = Batches.of(d, 4).shuffled(9).reuseBuffers(reuse);
        int[] order = batches.order(1);
        int seen = 0;
        for (Batch b : batches.epoch(1)) {
            assertEquals(4, b.features().rank());
            for (int i = 0; i < b.features().size(0); i++) {
                int row = order[seen++];
                assertEquals(
                        d.features().get(NDArrayIndex.point(row)),
                        b.features().get(NDArrayIndex.point(i)),
                        "sample " + row);
                assertEquals(d.targets().getRow(row), b.targets().getRow(i));
            }
        }
        assertEquals(10, seen);
    }

    @Test
    void splitKeepsTheImageShape() {
        Split s = Split.stratified(images(30, 1, 4, 4), 0.6, 0.2, 0.2, 3);
        for (Dataset part : List.of(s.train(), s.validation(), s.test())) {
            assertArrayEquals(new long[] {1, 4, 4}, part.featureShape());
        }
        assertEquals(30, s.train().size() + s.validation().size() + s.test().size());
    }

    @Test
    void standardizerWorksPerChannelOnImages() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 20, 3, 4, 5);
        x.get(NDArrayIndex.all(), NDArrayIndex.point(1)).muli(10).addi(7);
        x.get(NDArrayIndex.all(), NDArrayIndex.point(2)).assign(4); // constant channel: only centred
        Standardizer st = Standardizer.fit(x);
        assertArrayEquals(new long[] {3}, st.mean().shape());
        INDArray y = st.transform(x);
        assertArrayEquals(x.shape(), y.shape());
        for (int c = 0; c < 2; c++) {
            INDArray ch = y.get(NDArrayIndex.all(), NDArrayIndex.point(c));
            assertEquals(0.0, ch.meanNumber().doubleValue(), 1e-12, "channel " + c + " mean");
            assertEquals(
                    1.0,
                    ch.stdNumber().doubleValue() * Math.sqrt((ch.length() - 1.0) / ch.length()),
                    1e-12,
                    "channel " + c + " population std");
        }
        assertEquals(
                0.0,
                y.get(NDArrayIndex.all(), NDArrayIndex.point(2)).amaxNumber().doubleValue(),
                0.0);
        var e = assertThrows(
                IllegalArgumentException.class, () -> st.transform(Nd4j.zeros(DataType.DOUBLE, 2, 2, 4, 5)));
        assertEquals(
                "Standardizer: input has shape [2, 2, 4, 5], expected [*, 3, *...] of rank 4 as fitted",
                e.getMessage());
        var flat = assertThrows(IllegalArgumentException.class, () -> st.transform(Nd4j.zeros(DataType.DOUBLE, 2, 3)));
        assertTrue(flat.getMessage().contains("of rank 4"), flat.getMessage());
    }

    @Test
    void imageShiftMovesEveryChannelOfAnImageTogetherAndMatchesTheFlatShift() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 2, 5, 4);
        INDArray shifted = ImageShift.shift(x, 5, 4, 1, -2);
        assertArrayEquals(x.shape(), shifted.shape());
        for (int c = 0; c < 2; c++) {
            INDArray channel =
                    x.get(NDArrayIndex.all(), NDArrayIndex.point(c)).dup().reshape(6, 20);
            INDArray expected = ImageShift.shift(channel, 5, 4, 1, -2);
            assertEquals(
                    expected,
                    shifted.get(NDArrayIndex.all(), NDArrayIndex.point(c)).dup().reshape(6, 20));
        }
        // Random shifts: each image's channels stay aligned, i.e. the same shift per image.
        INDArray same = Nd4j.concat(
                1,
                x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)),
                x.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 1)));
        INDArray moved = new ImageShift(5, 4, 2).apply(same, new Random(4));
        assertEquals(
                moved.get(NDArrayIndex.all(), NDArrayIndex.point(0)),
                moved.get(NDArrayIndex.all(), NDArrayIndex.point(1)));
        var e = assertThrows(IllegalArgumentException.class, () -> ImageShift.shift(x, 4, 5, 1, 1));
        assertEquals("ImageShift: images have shape [6, 2, 5, 4], expected [*, *, 4, 5]", e.getMessage());
    }

    @Test
    void idxImagesLoadAsOneChannelImagesInRowMajorOrder(@TempDir Path dir) throws IOException {
        byte[] pixels = IdxFiles.ramp(2 * 3 * 4);
        Idx.Images im = Idx.readImages(
                IdxFiles.write(dir.resolve("img"), IdxFiles.images(2, 3, 4, pixels), false), DataType.FLOAT);
        INDArray images = im.asImages();
        assertArrayEquals(new long[] {2, 1, 3, 4}, images.shape());
        for (int i = 0; i < 2; i++) {
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 4; c++) {
                    assertEquals(im.pixels().getDouble(i, r * 4 + c), images.getDouble(i, 0, r, c), 0.0);
                }
            }
        }
    }

    @Test
    void inputNoiseKeepsTheImageShape() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 2, 1, 3, 3);
        assertArrayEquals(
                x.shape(),
                new InputNoise(0.1)
                        .apply(x, Nd4j.getRandomFactory().getNewRandomInstance(1))
                        .shape());
    }
}
