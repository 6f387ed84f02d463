package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.ConfigurationException;
import org.myelin.Settings;
import org.myelin.io.Json;
import org.myelin.job.TrainingJob;

/**
 * A job config's {@code model.layers} list is sized before anything is allocated: its parameters against the
 * memory limit (a dense layer of 785 million weights took 12.8 GB, a 16000x16000 kernel 8.4 GB), then each
 * layer's activations for one batch (a padding of 100000 ended in {@code std::bad_alloc} at the first forward
 * pass). The errors name the layer and the sizes.
 */
@Tag("reliability")
class LayerListMemoryTest {
    private static final String LIMIT =
            "more than the limit of 512.00 MiB (536870912 bytes) (-Dmyelin.maxParameterBytes);"
                    + " to allow it, raise the limit with -Dmyelin.maxParameterBytes=SIZE";

    @TempDir
    Path dir;

    Path mnist;

    @BeforeEach
    void setUp() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "512m");
        mnist = BlankMnist.write(dir.resolve("mnist"), 4);
    }

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    private Map<String, Object> job(List<Map<String, Object>> layers) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("data", new LinkedHashMap<>(Map.of("source", "mnist", "dir", mnist.toString())));
        raw.put("model", new LinkedHashMap<>(Map.of("layers", layers)));
        raw.put("training", new LinkedHashMap<>(Map.of("epochs", 1, "batch_size", 32)));
        raw.put("output", dir.resolve("out").toString());
        return raw;
    }

    private String refusal(List<Map<String, Object>> layers) {
        return assertThrows(ConfigurationException.class, () -> new TrainingJob(job(layers)).setup())
                .getMessage();
    }

    private static Map<String, Object> conv(Object kernel, Object padding) {
        Map<String, Object> c = new LinkedHashMap<>(Map.of("type", "conv2d", "in", 1, "out", 8, "kernel", kernel));
        if (padding != null) {
            c.put("padding", padding);
        }
        return c;
    }

    @Test
    void aHugeDenseLayerInTheListIsRefusedNamingIt() {
        String m = refusal(List.of(Map.of("type", "flatten"), Map.of("type", "dense", "in", 784, "out", 1_000_000)));
        assertTrue(
                m.startsWith("model.layers[1]: with its weight [784, 1000000] (784,000,000 elements), the model needs"
                        + " 2.92 GiB (3136000000 bytes) for its 784,000,000 parameters, " + LIMIT),
                m);
    }

    @Test
    void aHugeKernelIsRefusedNamingTheLayer() {
        String m = refusal(List.of(conv(16000, null)));
        assertTrue(
                m.startsWith("model.layers[0]: with its weight [8, 1, 16000, 16000] (2,048,000,000 elements), the model"
                        + " needs 7.63 GiB (8192000000 bytes) for its 2,048,000,000 parameters, " + LIMIT),
                m);
        String max = refusal(List.of(conv(Integer.MAX_VALUE, null)));
        assertTrue(
                max.startsWith("model.layers[0]: with its weight [8, 1, 2147483647, 2147483647] (more than "
                        + Long.MAX_VALUE + " elements), the model needs more than "),
                max);
    }

    @Test
    void aHugePaddingIsRefusedByItsActivationsBeforeTheFirstForwardPass() {
        String m = refusal(List.of(
                conv(3, 100_000),
                Map.of("type", "activation", "activation", "relu"),
                Map.of("type", "flatten"),
                Map.of("type", "dense", "in", 8, "out", 2)));
        assertTrue(
                m.startsWith("model.layers[0]: for a batch of 4, its output [4, 8, 200026, 200026] and its im2col"
                        + " matrix (1,440,374,424,336 values) needs "),
                m);
        assertTrue(m.contains(" values, " + LIMIT), m);
    }

    @Test
    void aModestListStillBuildsAndTheCommandLineSaysItInOneLine() throws IOException {
        TrainingJob.Setup s = new TrainingJob(job(List.of(
                        conv(3, 1),
                        Map.of("type", "max_pool2d", "kernel", 2),
                        Map.of("type", "flatten"),
                        Map.of("type", "dense", "in", 8 * 14 * 14, "out", 2))))
                .setup();
        assertEquals(2, s.model().namedParameters().size() / 2);
        Path config = dir.resolve("job.json");
        Files.writeString(
                config,
                Json.write(
                        job(List.of(Map.of("type", "flatten"), Map.of("type", "dense", "in", 784, "out", 1_000_000)))));
        Cli r = Cli.run("train", "--config", config.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(
                r.oneLineError() && r.err().contains("model.layers[1]: with its weight [784, 1000000]"), r.toString());
    }
}
