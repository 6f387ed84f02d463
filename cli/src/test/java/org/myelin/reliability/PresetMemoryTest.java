package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 * The presets ({@code cnn}, {@code lenet}) are sized like a {@code model.layers} list before their first forward
 * pass: each layer's activations for one training batch against the memory limit (a batch of 64 MNIST images
 * through lenet's first convolution takes 6 MB). The evaluation, 1000 samples per forward pass, falls back to the
 * training batch, or the largest batch whose pass fits when that is smaller, when its own batch would not fit.
 */
@Tag("reliability")
class PresetMemoryTest {
    private static final int SAMPLES = 64;

    @TempDir
    Path dir;

    Path mnist;

    @BeforeEach
    void setUp() throws IOException {
        mnist = BlankMnist.write(dir.resolve("mnist"), SAMPLES);
    }

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    private Map<String, Object> job(String architecture, int batchSize) {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("data", new LinkedHashMap<>(Map.of("source", "mnist", "dir", mnist.toString())));
        raw.put("model", new LinkedHashMap<>(Map.of("architecture", architecture)));
        raw.put("training", new LinkedHashMap<>(Map.of("epochs", 1, "batch_size", batchSize)));
        raw.put("output", dir.resolve("out").toString());
        return raw;
    }

    @Test
    void lenetWithABatchBeyondTheLimitIsRefusedNamingTheBatchSize() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        String m = assertThrows(ConfigurationException.class, () -> new TrainingJob(job("lenet", SAMPLES)).setup())
                .getMessage();
        assertTrue(
                m.startsWith("training.batch_size: 64 is too large for \"lenet\": its layers[0] (Conv2d), for a batch"
                        + " of 64, its output [64, 6, 28, 28] and its im2col matrix (1,254,400 values) needs "),
                m);
        assertTrue(m.contains("more than the limit of 1.00 MiB (1048576 bytes) (-Dmyelin.maxParameterBytes)"), m);
        assertTrue(m.endsWith("; or lower training.batch_size (--batch-size)"), m);

        Path config = dir.resolve("job.json");
        Files.writeString(config, Json.write(job("lenet", SAMPLES)));
        Cli r = Cli.run("train", "--config", config.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(
                r.oneLineError() && r.err().startsWith("myelin train: training.batch_size: 64 is too large"),
                r.toString());
    }

    @Test
    void cnnWithABatchBeyondTheLimitIsRefusedNamingTheLayer() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "16m");
        String m = assertThrows(ConfigurationException.class, () -> new TrainingJob(job("cnn", SAMPLES)).setup())
                .getMessage();
        assertTrue(
                m.startsWith("training.batch_size: 64 is too large for \"cnn\": its layers[2] (Conv2d), for a batch"
                        + " of 64, its output [64, 64, 24, 24] and its im2col matrix "),
                m);
    }

    /**
     * The small CNN's parameters on MNIST, 4,799,528 bytes, are sized as a whole before its dense layers exist: each
     * layer alone (the largest 4,719,104 bytes) and a batch of 4's activations fit a limit of 4,750,000 bytes.
     */
    @Test
    void cnnWhoseParametersTogetherPassTheLimitIsRefusedBeforeTraining() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "4750000");
        String m = assertThrows(ConfigurationException.class, () -> new TrainingJob(job("cnn", 4)).setup())
                .getMessage();
        assertTrue(
                m.startsWith("model: Models.smallCnn (\"cnn\") for images [1, 28, 28] and 10 classes needs 4.58 MiB"
                        + " (4799528 bytes) for its 1,199,882 parameters, more than the limit of 4.53 MiB"),
                m);
    }

    @Test
    void theEvaluationFallsBackToTheTrainingBatchWhenItsOwnWouldNotFit() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        TrainingJob.Setup small = new TrainingJob(job("lenet", 4)).setup();
        assertEquals(4, small.options().evaluationBatchSize());
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "512m");
        TrainingJob.Setup roomy = new TrainingJob(job("lenet", 4)).setup();
        assertEquals(1000, roomy.options().evaluationBatchSize());
    }

    /**
     * The training check goes layer by layer, the evaluation's sums the pass: a batch of 8 passes the first (the
     * largest layer, lenet's first convolution, holds 24,304 values per sample: 778 KB for 8) but not the second (8
     * x 198,408 bytes), so an evaluation in the training batch would be refused after the first epoch. The job picks
     * the largest batch the evaluation's own check lets through.
     */
    @Test
    void theEvaluationBatchIsSizedByTheEvaluationsOwnCheck() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        TrainingJob.Setup s = new TrainingJob(job("lenet", 8)).setup();
        assertEquals(5, s.options().evaluationBatchSize());
    }
}
