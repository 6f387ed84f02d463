package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.BatchNorm;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Dropout;
import org.myelin.nn.Flatten;
import org.myelin.nn.GlobalAvgPool2d;
import org.myelin.nn.LayerNorm;
import org.myelin.nn.Pool2d;
import org.myelin.nn.Sequential;
import org.myelin.onnx.OnnxExport;
import org.myelin.onnx.OnnxImport;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ONNX importer in the reliability fuzz loop (the engine's {@code FileFuzzTest} and its {@link Mutator}): each
 * iteration mutates a valid exported model and imports it. Importing must succeed or fail with the engine's own
 * exceptions ({@link IllegalArgumentException}, here {@code OnnxFormatException}, or {@link IOException}) whose
 * message names the file; never another error, and never more than {@link #MAX_ALLOCATION} bytes allocated.
 *
 * <p>Bounded like {@code FileFuzzTest}: {@code -Dmyelin.fuzz.iterations} per target (default 300),
 * {@code -Dmyelin.fuzz.seconds} (default 40, of which this test takes a tenth), seed {@code -Dmyelin.fuzz.seed}.
 */
@Tag("reliability")
class OnnxFuzzTest {
    private static final Logger log = LoggerFactory.getLogger(OnnxFuzzTest.class);
    static final long SEED = Long.getLong("myelin.fuzz.seed", 20240901L);
    static final int ITERATIONS = Integer.getInteger("myelin.fuzz.iterations", 300);
    static final double SECONDS = Double.parseDouble(System.getProperty("myelin.fuzz.seconds", "40")) / 10;
    static final long MAX_ALLOCATION = 64L << 20;

    @TempDir
    static Path dir;

    /** A small image model, all the convolutional ops: its mutants also predict one image (the windows' sizes). */
    private static Sequential convModel() {
        return new Sequential(
                Conv2d.builder(2, 3, 3).optSame(true).optStride(2, 2).optSeed(1).build(),
                new BatchNorm(3, DataType.FLOAT),
                new ActivationLayer(Activations.RELU),
                Conv2d.builder(3, 4, 2)
                        .optPadding(1, 1)
                        .optDilation(2, 1)
                        .optSeed(2)
                        .build(),
                new Pool2d(true, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1}),
                new Pool2d(false, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 0}),
                new GlobalAvgPool2d(),
                new Flatten(),
                new Dense(4, 2, DataType.FLOAT, 3));
    }

    private static byte[] seedModel(DataType type) {
        Sequential m = new Sequential(
                new Dense(6, 8, false, type, Dense.DEFAULT_WEIGHT_INIT, Dense.DEFAULT_BIAS_INIT, 1),
                new BatchNorm(8, type),
                new ActivationLayer(Activations.leakyRelu(0.1)),
                new Dropout(0.2, 1),
                new Dense(8, 4, type, 2),
                new LayerNorm(4, type),
                new ActivationLayer(Activations.SOFTMAX));
        return OnnxExport.toModel(m, Map.of("loss", "mse")).toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FLOAT", "DOUBLE", "CONV"})
    void mutatedOnnxModelsImportOrFailWithAClearMessage(String typeName) throws Exception {
        boolean conv = typeName.equals("CONV");
        byte[] seed =
                conv ? OnnxExport.toModel(convModel(), null).toByteArray() : seedModel(DataType.valueOf(typeName));
        Path file = dir.resolve("fuzz-" + typeName + ".onnx");
        Files.write(file, seed);
        OnnxImport.load(file); // the unmutated file imports

        Mutator mutator = new Mutator(SEED ^ typeName.hashCode());
        long deadline = System.nanoTime() + (long) (SECONDS / 2 * 1e9);
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        int i = 0;
        for (; i < ITERATIONS && System.nanoTime() < deadline; i++) {
            Mutator.Mutant m = mutator.mutate(seed);
            Files.write(file, m.bytes());
            String where = typeName + " iteration " + i + " (seed " + SEED + "; " + m.description() + ")";
            long heapBefore = allocatedBytes();
            long offHeapBefore = Pointer.totalBytes();
            String outcome;
            try {
                Sequential imported = OnnxImport.load(file).model();
                outcome = "loaded";
                if (conv) { // a window, stride or pad the file chose must not make a small image claim gigabytes
                    outcome = predicts(imported) ? "predicted" : "refused an 8x8 image";
                }
            } catch (org.myelin.MyelinException | IllegalArgumentException | IOException e) {
                outcome = e.getClass().getSimpleName();
                if (e.getMessage() == null || !e.getMessage().contains(file.toString())) {
                    problems.add(where + ": " + e + " does not name the file");
                }
            } catch (Throwable e) {
                outcome = e.getClass().getSimpleName();
                problems.add(where + ": " + e + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""));
            }
            long heap = allocatedBytes() - heapBefore;
            long offHeap = Pointer.totalBytes() - offHeapBefore;
            if (heap > MAX_ALLOCATION || offHeap > MAX_ALLOCATION) {
                problems.add(where + ": allocated " + heap + " heap bytes and " + offHeap + " off-heap bytes");
            }
            outcomes.merge(outcome, 1, Integer::sum);
        }
        log.info("fuzz ONNX {}: {} iterations, outcomes {}", typeName, i, outcomes);
        assertTrue(i >= Math.min(ITERATIONS, 20), "only " + i + " iterations ran in the time allowed");
        assertTrue(
                problems.isEmpty(),
                problems.size() + " problem(s) in " + i + " iterations:\n"
                        + String.join("\n", problems.subList(0, Math.min(12, problems.size()))));
    }

    /** Whether {@code m} predicts one 8x8 image of 2 channels; false where its layers refuse that shape. */
    private static boolean predicts(Sequential m) {
        m.eval();
        try (var scope = Autograd.noGrad()) {
            m.forward(Tensor.constant(Nd4j.rand(DataType.FLOAT, 1, 2, 8, 8)));
            return true;
        } catch (IllegalArgumentException e) { // shapes or types the mutant's layers do not take, named before work
            return false;
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
