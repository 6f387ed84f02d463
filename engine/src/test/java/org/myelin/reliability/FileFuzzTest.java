package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.data.Csv;
import org.myelin.data.Idx;
import org.myelin.io.Checkpoint;
import org.myelin.io.ModelFile;
import org.myelin.io.Npy;
import org.myelin.train.Checkpointing;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded fuzzing of every file the engine reads: each iteration mutates a valid file (see {@link Mutator}) and
 * loads it. Loading must either succeed or fail with the engine's own exceptions ({@link IllegalArgumentException}
 * such as {@code ModelFormatException}, or {@link IOException}) whose message names the file; never an
 * {@code OutOfMemoryError}, {@code NullPointerException}, {@code ClassCastException}, {@code ArithmeticException}
 * or any other error, and never more than {@link #MAX_ALLOCATION} bytes allocated on the heap or off it.
 * Where the format carries checksums (the zips' CRC-32, gzip's CRC-32) a successful load must give exactly the
 * original content; in the raw formats (.npy, IDX, CSV) a change confined to the data bytes must still load.
 *
 * <p>Bounded by count and time: {@code -Dmyelin.fuzz.iterations} per target (default 300),
 * {@code -Dmyelin.fuzz.seconds} in all (default 40), seed {@code -Dmyelin.fuzz.seed}.
 */
@Tag("reliability")
class FileFuzzTest {
    private static final Logger log = LoggerFactory.getLogger(FileFuzzTest.class);
    static final long SEED = Long.getLong("myelin.fuzz.seed", 20240901L);
    static final int ITERATIONS = Integer.getInteger("myelin.fuzz.iterations", 300);
    static final double SECONDS = Double.parseDouble(System.getProperty("myelin.fuzz.seconds", "40"));
    static final long MAX_ALLOCATION = 64L << 20;

    @TempDir
    static Path dir;

    /** Loads a file and returns a digest of what it holds. */
    @FunctionalInterface
    interface Loader {
        String load(Path file) throws Exception;
    }

    /**
     * A fuzz target.
     *
     * @param seed          the valid bytes that are mutated
     * @param wrap          turns mutated bytes into the file (identity, or re-zipping a mutated entry)
     * @param exact         a successful load must give the original content (the format has checksums)
     * @param payloadOffset where the data bytes begin in a raw format (-1: not checked); a change only there
     *                      must still load
     */
    record Target(
            String name,
            String fileName,
            byte[] seed,
            UnaryOperator<byte[]> wrap,
            Loader loader,
            boolean exact,
            int payloadOffset,
            boolean json) {
        Target(
                String name,
                String fileName,
                byte[] seed,
                UnaryOperator<byte[]> wrap,
                Loader loader,
                boolean exact,
                int payloadOffset) {
            this(name, fileName, seed, wrap, loader, exact, payloadOffset, false);
        }

        Target asJson(String newName) {
            return new Target(newName, fileName, seed, wrap, loader, exact, payloadOffset, true);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Target> targets;

    @BeforeAll
    static void buildTargets() throws IOException {
        byte[] model = Fixtures.modelZip(dir);
        byte[] checkpoint = Fixtures.checkpointZip(dir);
        Map<String, byte[]> modelEntries = Fixtures.unzip(model);
        Map<String, byte[]> checkpointEntries = Fixtures.unzip(checkpoint);
        byte[] npy = Fixtures.npy();
        byte[] images = Fixtures.idxImages();
        byte[] labels = Fixtures.idxLabels();
        Path goodImages = Files.write(dir.resolve("good-images.idx"), images);
        Path goodLabels = Files.write(dir.resolve("good-labels.idx"), labels);
        Loader loadModel = f -> Fixtures.digest(ModelFile.load(f));
        Loader loadCheckpoint = f -> {
            String content = Fixtures.digest(Checkpoint.load(f));
            Checkpointing.resume(Fixtures.trainer(), f);
            return content;
        };
        Target modelJson = entry("model.json in a model", "model.zip", modelEntries, "model.json", loadModel);
        Target optimizerJson = entry(
                "optimizer.json in a checkpoint",
                "checkpoint.zip",
                checkpointEntries,
                "optimizer.json",
                loadCheckpoint);
        Target trainerJson = entry(
                "trainer.json in a checkpoint", "checkpoint.zip", checkpointEntries, "trainer.json", loadCheckpoint);
        targets = List.of(
                modelJson,
                optimizerJson,
                trainerJson,
                modelJson.asJson("model.json values"),
                optimizerJson.asJson("optimizer.json values"),
                trainerJson.asJson("trainer.json values"),
                new Target("model zip bytes", "model.zip", model, b -> b, loadModel, true, -1),
                new Target("checkpoint zip bytes", "checkpoint.zip", checkpoint, b -> b, loadCheckpoint, true, -1),
                entry("parameter .npy in a model", "model.zip", modelEntries, "parameters/0.weight.npy", loadModel),
                entry("buffer .npy in a model", "model.zip", modelEntries, "buffers/1.runningVariance.npy", loadModel),
                entry(
                        "optimizer state .npy in a checkpoint",
                        "checkpoint.zip",
                        checkpointEntries,
                        "optimizer/0.weight/m.npy",
                        loadCheckpoint),
                new Target(
                        ".npy",
                        "array.npy",
                        npy,
                        b -> b,
                        f -> {
                            try (var in = Files.newInputStream(f)) {
                                return Fixtures.digest(Npy.read(f.toString(), in, 1 << 16));
                            }
                        },
                        false,
                        128),
                new Target(
                        "IDX images",
                        "images.idx",
                        images,
                        b -> b,
                        f -> Fixtures.digest(Idx.readImages(f, DataType.FLOAT).pixels()),
                        false,
                        16),
                new Target(
                        "IDX images, gzip",
                        "images.idx.gz",
                        Fixtures.gzip(images),
                        b -> b,
                        f -> Fixtures.digest(Idx.readImages(f, DataType.FLOAT).pixels()),
                        true,
                        -1),
                new Target(
                        "IDX labels with their images",
                        "labels.idx",
                        labels,
                        b -> b,
                        f -> Fixtures.digest(Idx.readClassification(goodImages, f, 10, DataType.FLOAT)
                                .targets()),
                        false,
                        -1),
                new Target(
                        "IDX images with their labels",
                        "images2.idx",
                        images,
                        b -> b,
                        f -> Fixtures.digest(Idx.readClassification(f, goodLabels, 10, DataType.FLOAT)
                                .features()),
                        false,
                        16),
                new Target(
                        "CSV, classes inferred",
                        "data.csv",
                        Fixtures.csv(),
                        b -> b,
                        f -> Fixtures.digest(
                                Csv.reader().classification(0).read(f).targets()),
                        false,
                        -1),
                new Target(
                        "CSV, regression",
                        "data2.csv",
                        Fixtures.csv(),
                        b -> b,
                        f -> Fixtures.digest(
                                Csv.reader().labelColumn("label").read(f).features()),
                        false,
                        -1));
        if (!modelEntries.containsKey("parameters/0.weight.npy")
                || !checkpointEntries.containsKey("optimizer/0.weight/m.npy")
                || !modelEntries.containsKey("buffers/1.runningVariance.npy")) {
            throw new IllegalStateException(
                    "fixture entries changed: " + modelEntries.keySet() + " " + checkpointEntries.keySet());
        }
    }

    private static Target entry(
            String name, String fileName, Map<String, byte[]> entries, String entry, Loader loader) {
        return new Target(
                name,
                fileName,
                entries.get(entry),
                b -> {
                    Map<String, byte[]> copy = new LinkedHashMap<>(entries);
                    copy.put(entry, b);
                    try {
                        return Fixtures.zip(copy);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                },
                loader,
                false,
                -1);
    }

    static Stream<Arguments> targetNames() {
        return Stream.of(
                        "model zip bytes",
                        "checkpoint zip bytes",
                        "model.json in a model",
                        "model.json values",
                        "optimizer.json values",
                        "trainer.json values",
                        "parameter .npy in a model",
                        "buffer .npy in a model",
                        "optimizer.json in a checkpoint",
                        "trainer.json in a checkpoint",
                        "optimizer state .npy in a checkpoint",
                        ".npy",
                        "IDX images",
                        "IDX images, gzip",
                        "IDX labels with their images",
                        "IDX images with their labels",
                        "CSV, classes inferred",
                        "CSV, regression")
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targetNames")
    void mutatedFilesLoadIdenticallyOrFailWithAClearMessage(String name) throws Exception {
        Target t =
                targets.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
        Path file = dir.resolve("fuzz-" + t.fileName());
        Files.write(file, t.wrap().apply(t.seed()));
        String original = t.loader().load(file);

        Mutator mutator = new Mutator(SEED ^ name.hashCode());
        long deadline = System.nanoTime() + (long) (SECONDS / targetNames().count() * 1e9);
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int i = 0;
        for (; i < ITERATIONS && System.nanoTime() < deadline; i++) {
            Mutator.Mutant m = t.json() ? mutator.mutateJson(t.seed()) : mutator.mutate(t.seed());
            Files.write(file, t.wrap().apply(m.bytes()));
            String where = name + " iteration " + i + " (seed " + SEED + "; " + m.description() + ")";
            long heapBefore = allocatedBytes();
            long offHeapBefore = Pointer.totalBytes();
            String outcome;
            try {
                String content = t.loader().load(file);
                boolean same = content.equals(original);
                outcome = same ? "loaded, identical" : "loaded, changed";
                if (t.exact() && !same) {
                    problems.add(where + ": loaded with different content, but the format has checksums");
                }
            } catch (org.myelin.MyelinException | IllegalArgumentException | IOException e) {
                outcome = e.getClass().getSimpleName();
                String msg = e.getMessage();
                if (msg == null || msg.isBlank() || !msg.contains(t.fileName())) {
                    problems.add(where + ": " + describe(e) + " does not name the file");
                }
                if (t.payloadOffset() >= 0 && !m.resized() && m.firstChanged() >= t.payloadOffset()) {
                    problems.add(where + ": only data bytes changed, yet loading failed: " + e);
                }
            } catch (Throwable e) {
                outcome = e.getClass().getSimpleName();
                problems.add(where + ": " + describe(e));
            }
            long heap = allocatedBytes() - heapBefore;
            long offHeap = Pointer.totalBytes() - offHeapBefore;
            if (heap > MAX_ALLOCATION || offHeap > MAX_ALLOCATION) {
                problems.add(where + ": allocated " + heap + " heap bytes and " + offHeap + " off-heap bytes ("
                        + outcome + ")");
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        log.info("fuzz {}: {} iterations, outcomes {}", name, i, outcomes);
        assertTrue(i >= Math.min(ITERATIONS, 20), name + ": only " + i + " iterations ran in the time allowed");
        assertTrue(
                problems.isEmpty(),
                problems.size() + " problem(s) in " + i + " iterations of " + name + ":\n"
                        + String.join("\n", problems.subList(0, Math.min(12, problems.size()))));
    }

    private static String describe(Throwable e) {
        StackTraceElement[] st = e.getStackTrace();
        return e
                + (st.length > 0 ? " at " + st[0] : "")
                + (st.length > 1 ? " <- " + st[1] : "")
                + (st.length > 2 ? " <- " + st[2] : "");
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
