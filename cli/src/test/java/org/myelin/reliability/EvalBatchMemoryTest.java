package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.Settings;
import org.myelin.io.ModelFile;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.GlobalAvgPool2d;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code myelin eval --batch-size N} sizes one batch's activations against the memory limit before the first
 * forward pass, as {@code training.batch_size} is: LeNet-5 on MNIST holds 49,602 values (198,408 bytes) per sample
 * in a pass (every layer's output and the two convolutions' im2col matrices), so under a 1 MiB limit 5 samples fit
 * and 64 do not.
 */
@Tag("reliability")
class EvalBatchMemoryTest {
    private static final int SAMPLES = 64;

    @TempDir
    Path dir;

    Path mnist;
    Path model;

    @BeforeEach
    void setUp() throws IOException {
        mnist = BlankMnist.write(dir.resolve("mnist"), SAMPLES);
        model = dir.resolve("lenet.zip");
        ModelFile.save(model, Models.lenet5(DataType.FLOAT, 1, 1, 28, 28, 10), Map.of("loss", "softmax_cross_entropy"));
    }

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    @Test
    void aBatchBeyondTheLimitIsRefusedNamingTheBatchSize() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        Cli r = Cli.run("eval", model.toString(), "--data", "mnist:" + mnist, "--batch-size", "64");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.oneLineError(), r.toString());
        String m = r.err();
        assertTrue(
                m.startsWith("myelin eval: --batch-size 64 is too large for the model " + model + ": a batch of 64"
                        + " [64, 1, 28, 28] (its largest layer: layers[0] (Conv2d), output [64, 6, 28, 28] and"
                        + " im2col matrix (1,254,400 values)) needs 12.11 MiB (12698112 bytes) for its 3,174,528"
                        + " values, more than the limit of 1.00 MiB (1048576 bytes) (-Dmyelin.maxParameterBytes)"),
                m);
        assertTrue(m.endsWith("; or lower --batch-size (at most 5 samples fit)"), m);

        Cli fits = Cli.run("eval", model.toString(), "--data", "mnist:" + mnist, "--batch-size", "5");
        assertEquals(0, fits.code(), fits.toString());
        assertTrue(fits.out().contains("samples 64"), fits.toString());
    }

    @Test
    void theDefaultBatchIsRefusedAsSuchAndAModelWhoseOneSampleDoesNotFitIsNamed() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        Cli r = Cli.run("eval", model.toString(), "--data", "mnist:" + mnist);
        assertEquals(2, r.code(), r.toString());
        assertTrue(
                r.oneLineError() && r.err().startsWith("myelin eval: the default batch of 1000 is too large"),
                r.toString());
        assertTrue(r.err().endsWith("; or pass --batch-size (at most 5 samples fit)"), r.toString());

        // A convolution padded by 200 outputs 10 x 426 x 426 values per sample, with an im2col matrix of 9 x 426 x
        // 426: 13.8 MB for one sample of a model of 210 parameters.
        Path padded = dir.resolve("padded.zip");
        Sequential wide = new Sequential(
                Conv2d.builder(1, 10, 3).optPadding(200, 200).build(),
                new GlobalAvgPool2d(),
                new Dense(10, 10, DataType.FLOAT, 1));
        ModelFile.save(padded, wide, Map.of("loss", "softmax_cross_entropy"));
        Cli one = Cli.run("eval", padded.toString(), "--data", "mnist:" + mnist, "--batch-size", "1");
        assertEquals(1, one.code(), one.toString());
        assertTrue(
                one.oneLineError()
                        && one.err()
                                .startsWith("myelin eval: the model " + padded
                                        + " does not fit the memory limit for one sample: a batch of 1"),
                one.toString());
    }
}
