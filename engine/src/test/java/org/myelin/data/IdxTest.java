package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class IdxTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void imagesRoundTripScaledToUnitInterval(boolean gzip) throws IOException {
        byte[] pixels = IdxFiles.ramp(2 * 3 * 4);
        pixels[5] = (byte) 255;
        pixels[6] = (byte) 128;
        Path f = IdxFiles.write(dir.resolve("img"), IdxFiles.images(2, 3, 4, pixels), gzip);
        Idx.Images im = Idx.readImages(f, DataType.FLOAT);
        assertEquals(2, im.count());
        assertEquals(3, im.rows());
        assertEquals(4, im.cols());
        assertArrayEquals(new long[] {2, 12}, im.pixels().shape());
        INDArray p = im.pixels();
        assertEquals(0.0, p.getDouble(0, 0), 0.0);
        assertEquals(1.0, p.getDouble(0, 5), 0.0);
        assertEquals(128 / 255.0, p.getDouble(0, 6), 1e-7);
        assertEquals(13 / 255.0, p.getDouble(1, 1), 1e-7);
        assertEquals(DataType.FLOAT, p.dataType());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void labelsRoundTripAsUnsignedBytes(boolean gzip) throws IOException {
        Path f = IdxFiles.write(dir.resolve("lab"), IdxFiles.labels(new byte[] {3, 0, 9, (byte) 200}), gzip);
        assertArrayEquals(new int[] {3, 0, 9, 200}, Idx.readLabels(f));
    }

    @Test
    void imagesAndLabelsMakeAOneHotDataset() throws IOException {
        Path im = IdxFiles.write(dir.resolve("im.gz"), IdxFiles.images(3, 2, 2, IdxFiles.ramp(12)), true);
        Path lab = IdxFiles.write(dir.resolve("lab"), IdxFiles.labels(new byte[] {2, 0, 1}), false);
        Dataset d = Idx.readClassification(im, lab, 3, DataType.DOUBLE);
        assertArrayEquals(new int[] {2, 0, 1}, d.labels());
        assertEquals(DataType.DOUBLE, d.dataType());
        assertEquals(11 / 255.0, d.features().getDouble(2, 3), 1e-15);
    }

    @Test
    void emptyImageFileGivesZeroRows() throws IOException {
        Path f = IdxFiles.write(dir.resolve("img"), IdxFiles.images(0, 28, 28, new byte[0]), false);
        assertArrayEquals(
                new long[] {0, 784}, Idx.readImages(f, DataType.FLOAT).pixels().shape());
    }

    private static IOException imagesFail(Path f) {
        return assertThrows(IOException.class, () -> Idx.readImages(f, DataType.FLOAT));
    }

    @Test
    void truncatedPlainFileIsRejectedWithExpectedAndActualSize() throws IOException {
        byte[] full = IdxFiles.images(2, 3, 4, IdxFiles.ramp(24));
        Path f = IdxFiles.write(dir.resolve("img"), Arrays.copyOf(full, full.length - 5), false);
        IOException e = imagesFail(f);
        assertEquals(
                f + ": file has 35 bytes, expected 40 (16-byte header + 24 for count 2 x rows 3 x cols 4): "
                        + "truncated",
                e.getMessage());
    }

    @Test
    void truncatedGzipFileIsRejected() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(50, 10, 10, IdxFiles.ramp(5000)));
        Path f = dir.resolve("img.gz");
        Files.write(f, Arrays.copyOf(gz, gz.length - 12));
        IOException e = imagesFail(f);
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void gzipWhoseContentIsShorterThanItsHeaderSaysIsRejectedBeforeReading() throws IOException {
        Path f = IdxFiles.write(dir.resolve("img.gz"), IdxFiles.images(3, 4, 4, IdxFiles.ramp(32)), true);
        IOException e = imagesFail(f);
        assertEquals(
                f + ": gzip trailer records 48 uncompressed bytes, expected 64 (16-byte header + 48 for count 3"
                        + " x rows 4 x cols 4): truncated or damaged gzip file",
                e.getMessage());
    }

    @Test
    void headerShorterThanSixteenBytesIsTruncated() throws IOException {
        Path f = dir.resolve("img");
        Files.write(f, new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0, 0});
        assertEquals(
                f + ": truncated: shorter than the 16-byte IDX images header",
                imagesFail(f).getMessage());
    }

    @Test
    void wrongMagicNamesBothNumbers() throws IOException {
        Path f = IdxFiles.write(dir.resolve("img"), IdxFiles.labels(new byte[] {1, 2}), false);
        assertEquals(
                f + ": magic number 0x00000801, expected 0x00000803 (IDX images)",
                imagesFail(f).getMessage());
        Path g = IdxFiles.write(dir.resolve("lab.gz"), IdxFiles.images(1, 1, 1, new byte[] {1}), true);
        IOException e = assertThrows(IOException.class, () -> Idx.readLabels(g));
        assertEquals(g + ": magic number 0x00000803, expected 0x00000801 (IDX labels)", e.getMessage());
    }

    @Test
    void fileLongerThanItsHeaderSaysIsRejected() throws IOException {
        byte[] content = Arrays.copyOf(IdxFiles.labels(new byte[] {1, 2, 3}), 11 + 4);
        Path f = IdxFiles.write(dir.resolve("lab"), content, false);
        IOException e = assertThrows(IOException.class, () -> Idx.readLabels(f));
        assertEquals(f + ": file has 15 bytes, expected 11 (8-byte header + 3 for count 3)", e.getMessage());
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void absurdHeaderIsRefusedBeforeAllocating(boolean gzip) throws IOException {
        // 10^6 images of 1000 x 1000 pixels claims 10^12 bytes; the file holds 16.
        Path f = IdxFiles.write(dir.resolve("img"), IdxFiles.images(1_000_000, 1000, 1000, new byte[0]), gzip);
        assertEquals(
                f + ": header claims 1000000000000 bytes of data (count 1000000 x rows 1000 x cols 1000), more"
                        + " than the 2147483583 this reader accepts",
                imagesFail(f).getMessage());
    }

    @Test
    void negativeOrZeroDimensionsAreRefused() throws IOException {
        Path f = IdxFiles.write(dir.resolve("img"), IdxFiles.images(-1, 28, 28, new byte[0]), false);
        assertEquals(
                f + ": header count is 4294967295, expected 0..2147483647",
                imagesFail(f).getMessage());
        Path g = IdxFiles.write(dir.resolve("img2"), IdxFiles.images(1, 0, 28, new byte[0]), false);
        assertEquals(g + ": header rows is 0, expected 1..32768", imagesFail(g).getMessage());
    }

    @Test
    void plausibleHeaderOnATinyFileIsRefusedBySizeNotAllocation() throws IOException {
        Path f = IdxFiles.write(dir.resolve("img"), IdxFiles.images(60000, 28, 28, new byte[10]), false);
        assertEquals(
                f + ": file has 26 bytes, expected 47040016 (16-byte header + 47040000 for count 60000 x rows 28"
                        + " x cols 28): truncated",
                imagesFail(f).getMessage());
    }

    @Test
    void imageAndLabelCountMismatchNamesBothFiles() throws IOException {
        Path im = IdxFiles.write(dir.resolve("im"), IdxFiles.images(3, 2, 2, IdxFiles.ramp(12)), false);
        Path lab = IdxFiles.write(dir.resolve("lab"), IdxFiles.labels(new byte[] {1, 0}), false);
        IOException e = assertThrows(IOException.class, () -> Idx.readClassification(im, lab, 3, DataType.FLOAT));
        assertEquals(lab + ": 2 labels, expected 3 to match the images in " + im, e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesFileAndRow() throws IOException {
        Path im = IdxFiles.write(dir.resolve("im"), IdxFiles.images(3, 2, 2, IdxFiles.ramp(12)), false);
        Path lab = IdxFiles.write(dir.resolve("lab"), IdxFiles.labels(new byte[] {1, 0, 10}), false);
        var e = assertThrows(
                org.myelin.DataFormatException.class, () -> Idx.readClassification(im, lab, 10, DataType.FLOAT));
        assertEquals(lab + ": labels: row 2 is 10, expected 0..9", e.getMessage());
    }

    @Test
    void missingFileIsNamed() {
        Path f = dir.resolve("nope");
        assertEquals(f + ": no such file", imagesFail(f).getMessage());
    }

    @Test
    void damagedGzipBodyIsReportedAsSuch() throws IOException {
        byte[] gz = IdxFiles.gzip(IdxFiles.images(4, 4, 4, IdxFiles.ramp(64)));
        for (int i = 12; i < gz.length - 8; i++) {
            gz[i] ^= (byte) 0x5a;
        }
        Path f = dir.resolve("img.gz");
        Files.write(f, gz);
        IOException e = imagesFail(f);
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
    }
}
