package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;
import org.myelin.data.Dataset;
import org.myelin.nn.BatchNorm;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Flatten;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Data that cannot train the model is refused by {@code fit} before the first step, and the model, its buffers and
 * the optimiser are as they were: a target width the model does not produce failed after batch norm had updated its
 * running statistics, a validation set of another feature width after a whole epoch, a last batch of one sample
 * under batch norm after the epoch's other steps, and regression targets given a classification loss trained to a
 * negative loss.
 */
class TrainerDataChecksTest {

    private static Map<String, INDArray> snapshot(Module m) {
        Map<String, INDArray> s = new LinkedHashMap<>();
        m.namedParameters().forEach((k, t) -> s.put(k, t.value().dup()));
        m.namedBuffers().forEach((k, b) -> s.put(k, b.dup()));
        return s;
    }

    private static void assertUnchanged(Map<String, INDArray> before, Module m, Optimizer opt) {
        Map<String, INDArray> after = snapshot(m);
        before.forEach((k, v) -> assertEquals(v, after.get(k), k + " changed"));
        assertEquals(0, opt.steps(), "the optimiser stepped");
        assertTrue(m.isTraining(), "the model's mode changed");
    }

    private static Dataset data(int n, int width, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        return Dataset.classification(
                Nd4j.rand(DataType.FLOAT, n, width).muli(10).addi(5), labels, classes);
    }

    private static IllegalArgumentException refused(Module m, Optimizer opt, int batch, Dataset train, Dataset val) {
        Map<String, INDArray> before = snapshot(m);
        Trainer t = new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, TrainingOptions.of(1, batch, 1), List.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(train, val));
        assertUnchanged(before, m, opt);
        return e;
    }

    @Test
    void targetsTheModelDoesNotProduceAreRefusedBeforeBatchNormMoves() {
        Sequential m = new Sequential(new BatchNorm(2, DataType.FLOAT), new Dense(2, 3, DataType.FLOAT, 1));
        m.train();
        Optimizer opt = Optimizers.sgd().build(m.namedParameters());
        IllegalArgumentException e = refused(m, opt, 8, data(20, 2, 4, 1), null);
        assertTrue(
                e.getMessage().startsWith("Trainer: the training set does not fit the model: ")
                        && e.getMessage().contains("target has shape [2, 4], expected the shape of prediction [2, 3]"),
                e.getMessage());
    }

    @Test
    void aValidationSetOfAnotherWidthIsRefusedBeforeTheFirstEpoch() {
        Sequential m = Models.mlpBuilder(2, 4, 2).optSeed(2).build();
        m.train();
        Optimizer opt = Optimizers.sgd().build(m.namedParameters());
        IllegalArgumentException e = refused(m, opt, 4, data(12, 2, 2, 2), data(6, 3, 2, 3));
        assertTrue(
                e.getMessage().startsWith("Trainer: the validation set does not fit the model: Dense[2->4]"),
                e.getMessage());
    }

    @Test
    void aLastBatchOfOneSampleUnderBatchNormIsRefusedBeforeTheFirstStep() {
        Sequential m = Models.mlpBuilder(2, 4, 2).optSeed(3).optBatchNorm(true).build();
        m.train();
        Optimizer opt = Optimizers.sgd().build(m.namedParameters());
        IllegalArgumentException e = refused(m, opt, 4, data(9, 2, 2, 4), null);
        assertTrue(
                e.getMessage()
                        .startsWith("Trainer: the training set does not fit the model (the last batch of each epoch"
                                + " holds 1 sample: 9 samples in batches of 4; drop it with dropLast or choose another"
                                + " batch size): BatchNorm"),
                e.getMessage());
        // Dropping the last batch trains.
        Trainer t = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                opt,
                TrainingOptions.of(1, 4, 1).withDropLast(true),
                List.of());
        t.fit(data(9, 2, 2, 4), null);
        assertEquals(2, opt.steps());
    }

    @Test
    void aRunningVarianceThatOverflowsEndsTheRunAsDivergence() {
        Sequential m = new Sequential(new BatchNorm(2, DataType.FLOAT), new Dense(2, 2, DataType.FLOAT, 1));
        m.train();
        Optimizer opt = Optimizers.sgd().learningRate(1e-30).build(m.namedParameters());
        // Finite float32 features whose variance (~1e74) float32 cannot hold.
        Nd4j.getRandom().setSeed(8);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 2).muli(3e37f);
        Dataset d = Dataset.classification(x, new int[16], 2);
        Trainer t = new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, TrainingOptions.of(1, 8, 1), List.of());
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(d, null));
        assertTrue(
                e.getMessage().startsWith("training diverged: the running statistic '0.runningVariance' is Infinity"),
                e.getMessage());
    }

    @Test
    void nullArgumentsAreNamed() {
        Sequential m = Models.mlpBuilder(2, 4, 2).build();
        Optimizer opt = Optimizers.sgd().build(m.namedParameters());
        TrainingOptions o = TrainingOptions.of(1, 4, 1);
        LossFunction l = LossFunction.SOFTMAX_CROSS_ENTROPY;
        assertEquals(
                "Trainer: model must not be null",
                assertThrows(IllegalArgumentException.class, () -> new Trainer(null, l, opt, o, List.of()))
                        .getMessage());
        assertEquals(
                "Trainer: loss must not be null",
                assertThrows(IllegalArgumentException.class, () -> new Trainer(m, null, opt, o, List.of()))
                        .getMessage());
        assertEquals(
                "Trainer: callbacks (an empty list for none) must not be null",
                assertThrows(IllegalArgumentException.class, () -> new Trainer(m, l, opt, o, null))
                        .getMessage());
        java.util.List<Callback> nullCallback = new java.util.ArrayList<>();
        nullCallback.add(null);
        assertEquals(
                "Trainer: callbacks: element 0 must not be null",
                assertThrows(IllegalArgumentException.class, () -> new Trainer(m, l, opt, o, nullCallback))
                        .getMessage());
        assertEquals(
                "Checkpointing: file must not be null",
                assertThrows(IllegalArgumentException.class, () -> new Checkpointing(null, 1, 0, Map.of()))
                        .getMessage());
        TrainingOptions noLists = new TrainingOptions(1, 4, 1, false, 8, null, null, null);
        assertEquals(List.of(), noLists.gradientTransforms());
        assertEquals(List.of(), noLists.constraints());
        java.util.List<org.myelin.optim.GradientTransform> withNull = new java.util.ArrayList<>();
        withNull.add(null);
        assertEquals(
                "gradient transforms: element 0 is null",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> new TrainingOptions(1, 4, 1, false, 8, null, withNull, List.of()))
                        .getMessage());
        Trainer t = new Trainer(m, l, opt, o, List.of());
        assertEquals(
                "Trainer: the training set must not be null",
                assertThrows(IllegalArgumentException.class, () -> t.fit(null, null))
                        .getMessage());
    }

    @Test
    void regressionTargetsWithAClassificationLossAreRefused() {
        Sequential m = Models.mlpBuilder(2, 4, 3).optSeed(5).build();
        m.train();
        Optimizer opt = Optimizers.sgd().build(m.namedParameters());
        Nd4j.getRandom().setSeed(6);
        Dataset regression = Dataset.of(
                Nd4j.rand(DataType.FLOAT, 10, 2),
                Nd4j.rand(DataType.FLOAT, 10, 3).muli(-5));
        IllegalArgumentException e = refused(m, opt, 4, regression, null);
        assertTrue(
                e.getMessage()
                        .startsWith("Trainer: softmax_cross_entropy needs targets in [0, 1] (one-hot rows or class"
                                + " probabilities), the training targets range over [-"),
                e.getMessage());
    }

    /**
     * The 2-sample pass is sized as a prediction; when the model's pass over 2 samples does not fit the memory limit
     * the refusal says so (it read as a shape error, "the training set does not fit the model", with a prediction's
     * advice to predict in smaller batches). A 3x3 convolution padded by 50 holds 584,272 values per [1, 8, 8]
     * sample, so 2 do not fit 1 MiB.
     */
    @Test
    void aTwoSamplePassOverTheMemoryLimitIsRefusedAsAMemoryLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        try {
            Sequential m = new Sequential(
                    Conv2d.builder(1, 4, 3).optPadding(50, 50).optSeed(3).build(),
                    new Flatten(),
                    new Dense(4 * 106 * 106, 2, DataType.FLOAT, 1));
            m.train();
            int[] labels = {0, 1, 0, 1};
            Dataset images = Dataset.classification(Nd4j.rand(DataType.FLOAT, 4, 1, 8, 8), labels, 2);
            Optimizer opt = Optimizers.sgd().build(m.namedParameters());
            String message = refused(m, opt, 2, images, null).getMessage();
            assertTrue(
                    message.startsWith("Trainer: the model's pass over 2 training samples, run before the first step,"
                            + " does not fit the memory limit: Sequential: a prediction on a batch of 2 [2, 1, 8, 8] (its largest"
                            + " layer: "),
                    message);
            assertTrue(message.contains("-Dmyelin.maxParameterBytes"), message);
            assertFalse(message.contains("does not fit the model"), message);
        } finally {
            System.clearProperty(Settings.MAX_PARAMETER_BYTES);
        }
    }

    @Test
    void earlyStoppingWithoutValidationAndAnUnwritableCheckpointAreRefusedBeforeTheFirstStep(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        // Both failed at the end of the first epoch, after its steps had changed the weights.
        Sequential m = Models.mlpBuilder(2, 4, 2).build();
        Optimizer opt = Optimizers.sgd().build(m.namedParameters());
        TrainingOptions o = TrainingOptions.of(2, 4, 1);
        Dataset data = Dataset.classification(Nd4j.rand(DataType.FLOAT, 8, 2), new int[] {0, 1, 0, 1, 0, 1, 0, 1}, 2);
        INDArray before = m.namedParameters().values().iterator().next().value().dup();
        Trainer early =
                new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, o, List.of(new EarlyStopping(2, 0, false)));
        assertEquals(
                "Trainer: EarlyStopping needs validation data, and fit() was given none; pass a validation set or drop"
                        + " the callback",
                assertThrows(IllegalArgumentException.class, () -> early.fit(data, null))
                        .getMessage());
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("plain"), "x");
        Trainer checkpointed = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                opt,
                o,
                List.of(new Checkpointing(file.resolve("checkpoint.zip"), 1, 0, Map.of())));
        assertEquals(
                "Trainer: cannot write checkpoints: cannot write " + file.resolve("checkpoint.zip") + ": " + file
                        + " exists and is not a directory; nothing was written",
                assertThrows(IllegalArgumentException.class, () -> checkpointed.fit(data, null))
                        .getMessage());
        java.nio.file.Path taken = java.nio.file.Files.createDirectory(dir.resolve("taken"));
        Trainer onDirectory = new Trainer(
                m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, o, List.of(new Checkpointing(taken, 1, 0, Map.of())));
        assertEquals(
                "Trainer: cannot write checkpoints: " + taken + " is a directory, expected a file; nothing was written",
                assertThrows(IllegalArgumentException.class, () -> onDirectory.fit(data, null))
                        .getMessage());
        assertEquals(before, m.namedParameters().values().iterator().next().value());
        assertEquals(0, opt.steps());
    }
}
