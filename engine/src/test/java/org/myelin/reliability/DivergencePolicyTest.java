package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.data.Dataset;
import org.myelin.io.Checkpoint;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.myelin.train.Callback;
import org.myelin.train.Checkpointing;
import org.myelin.train.DivergenceException;
import org.myelin.train.DivergencePolicy;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The divergence policies: a non-finite loss or gradient never reaches the weights; {@code stop} names the step and
 * where the non-finite values are, {@code skip} drops the batch and goes on, {@code rollback} reloads the last
 * checkpoint with a lower learning rate.
 */
@Tag("reliability")
class DivergencePolicyTest {
    @TempDir
    Path dir;

    /** 64 samples of 2 features in 2 classes; sample 37 has features near float32's largest value. */
    private static Dataset poisoned() {
        float[] x = new float[64 * 2];
        int[] y = new int[64];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 64; i++) {
            y[i] = i % 2;
            x[2 * i] = (float) (r.nextGaussian() + y[i]);
            x[2 * i + 1] = (float) (r.nextGaussian() - y[i]);
        }
        x[2 * 37] = 3e38f;
        x[2 * 37 + 1] = 3e38f;
        return Dataset.classification(Nd4j.create(x, new long[] {64, 2}, 'c'), y, 2);
    }

    private static Dataset clean() {
        Dataset d = poisoned();
        INDArray x = d.features().dup();
        x.putScalar(new long[] {37, 0}, 0.5f);
        x.putScalar(new long[] {37, 1}, 0.5f);
        return Dataset.classification(x, d.labels(), 2);
    }

    private static Module model(boolean batchNorm) {
        return Models.mlpBuilder(2, 16, 2)
                .optDataType(DataType.FLOAT)
                .optSeed(5)
                .optHidden(Activations.RELU)
                .optBatchNorm(batchNorm)
                .build();
    }

    private static Trainer trainer(Module m, DivergencePolicy p, List<Callback> callbacks) {
        return new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("sgd", Map.of("learning_rate", 0.1), m.namedParameters()),
                TrainingOptions.of(3, 8, 21).withDivergencePolicy(p),
                callbacks);
    }

    private static Map<String, INDArray> weights(Module m) {
        Map<String, INDArray> w = new LinkedHashMap<>();
        m.namedParameters().forEach((k, t) -> w.put(k, t.value().dup()));
        return w;
    }

    @Test
    void stopNamesTheStepAndLayerAndLeavesTheWeightsAsTheLastGoodStepLeftThem() {
        Module m = model(false);
        List<Map<String, INDArray>> afterEachStep = new ArrayList<>();
        Callback record = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                afterEachStep.add(weights(t.model()));
            }
        };
        Trainer t = trainer(m, DivergencePolicy.stop(), List.of(record));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(poisoned(), null));
        long failed = t.state().step() + 1;
        assertTrue(e.getMessage().contains("at step " + failed + " (epoch 1, batch " + failed + ")"), e.getMessage());
        assertTrue(
                e.getMessage().contains("the gradient of '0.weight' is not finite")
                        || e.getMessage().contains("the output of layer '"),
                e.getMessage());
        assertTrue(e.getMessage().contains("The weights were not updated by this step."), e.getMessage());
        Map<String, INDArray> last = afterEachStep.isEmpty() ? null : afterEachStep.get(afterEachStep.size() - 1);
        if (last != null) {
            last.forEach((k, v) -> assertEquals(v, m.namedParameters().get(k).value(), k));
        }
    }

    @Test
    void skipDropsOnlyTheDivergingBatchAndTrainsOn() {
        Module m = model(false);
        Trainer t = trainer(m, DivergencePolicy.skip(3), List.of());
        t.fit(poisoned(), null);
        assertEquals(3, t.state().skippedBatches(), "the poisoned batch once per epoch");
        assertEquals(3L * 8 - 3, t.state().step(), "8 batches per epoch, one skipped in each");
        m.namedParameters()
                .forEach((k, p) ->
                        assertTrue(Double.isFinite(p.value().sumNumber().doubleValue()), k));
        assertTrue(
                t.history().last().trainLoss() < t.history().epochs().get(0).trainLoss(),
                "training went on: " + t.history().epochs());
        t.history()
                .epochs()
                .forEach(r -> r.gradientNorms()
                        .values()
                        .forEach(v -> assertTrue(Double.isFinite(v), "a skipped batch adds no gradient norm: " + r)));
    }

    @Test
    void skippedBatchesLeaveRunningStatisticsAsTheyWere() {
        Module m = model(true);
        Map<String, INDArray> buffersAfterLastStep = new LinkedHashMap<>();
        Callback record = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                t.model().namedBuffers().forEach((k, v) -> buffersAfterLastStep.put(k, v.dup()));
            }
        };
        int[] calls = {0};
        org.myelin.optim.GradientTransform nanFromTheSixthStep = params -> {
            if (++calls[0] >= 6) {
                params.get("0.weight").grad().putScalar(0, Float.NaN);
            }
            return 0;
        };
        Trainer t = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("sgd", Map.of("learning_rate", 0.1), m.namedParameters()),
                TrainingOptions.of(3, 8, 21)
                        .withGradientTransforms(List.of(nanFromTheSixthStep))
                        .withDivergencePolicy(DivergencePolicy.skip(2)),
                List.of(record));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(clean(), null));
        assertTrue(e.getMessage().contains("Skipped 2 batches in a row"), e.getMessage());
        assertEquals(5, t.state().step());
        assertEquals(2, t.state().skippedBatches());
        assertTrue(!buffersAfterLastStep.isEmpty());
        buffersAfterLastStep.forEach((k, v) -> assertEquals(v, m.namedBuffers().get(k), k));
    }

    @Test
    void skipGivesUpAfterTooManyBatchesInARow() {
        Module m = model(false);
        Callback poison = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (step == 5) {
                    t.model()
                            .namedParameters()
                            .values()
                            .iterator()
                            .next()
                            .value()
                            .putScalar(0, Float.NaN);
                }
            }
        };
        Trainer t = trainer(m, DivergencePolicy.skip(4), List.of(poison));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(clean(), null));
        assertTrue(e.getMessage().contains("Skipped 4 batches in a row"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter '0.weight' holds non-finite values"), e.getMessage());
    }

    @Test
    void rollbackReturnsToTheLastCheckpointWithALowerLearningRateAndFinishes() throws Exception {
        Module m = model(true);
        Path ckpt = dir.resolve("c.zip");
        boolean[] fired = {false};
        Callback fault = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (step == 11 && !fired[0]) {
                    fired[0] = true; // a one-off fault: a weight turns into NaN after step 11
                    t.model().namedParameters().get("0.weight").value().putScalar(3, Float.NaN);
                }
            }
        };
        Checkpointing saver = new Checkpointing(ckpt, 0, 4, Map.of());
        Trainer t = trainer(m, DivergencePolicy.rollback(0.25, 2), List.of(fault, saver));
        t.fit(clean(), null);
        assertEquals(0.25, t.state().learningRateScale());
        assertEquals(0.1 * 0.25, t.optimizer().learningRate(), 1e-12);
        assertEquals(24, t.state().step(), "every batch of the 3 epochs trained once after the rollback");
        m.namedParameters()
                .forEach((k, p) ->
                        assertTrue(Double.isFinite(p.value().sumNumber().doubleValue()), k));
        // The lowered rate is kept in later checkpoints, so a resumed run keeps it.
        saver.write(t);
        Map<?, ?> position = (Map<?, ?>) Checkpoint.load(ckpt).trainer().get("position");
        assertEquals(0.25, ((Number) position.get("learningRateScale")).doubleValue());
    }

    /**
     * An update that overflows a weight with finite loss and gradients is found by the checkpoint about to be written
     * (mid-epoch or at the epoch's end). That stopped the run even under the rollback policy; it rolls back now.
     */
    @ParameterizedTest(name = "checkpoints every {0} epochs and {1} steps, weight NaN after step {2}")
    // 8 batches per epoch; a mid-epoch checkpoint is not written at an epoch's last step (8), so the first case's
    // last good one is step 4's
    @CsvSource({"0, 4, 12, 4", "1, 0, 16, 8"})
    void rollbackAlsoReturnsWhenACheckpointFindsNonFiniteWeights(
            int everyEpochs, int everySteps, long faultStep, long rolledBackTo) throws Exception {
        Module m = model(false);
        Path ckpt = dir.resolve("c.zip");
        long[] resumedAt = {-1};
        boolean[] fired = {false};
        Callback fault = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (fired[0] && resumedAt[0] < 0) {
                    resumedAt[0] = step - 1; // the first step after the rollback
                }
                if (step == faultStep && !fired[0]) {
                    fired[0] = true; // the weight turns NaN before the checkpoint of this step is written
                    t.model().namedParameters().get("2.weight").value().putScalar(1, Float.NaN);
                }
            }
        };
        Checkpointing saver = new Checkpointing(ckpt, everyEpochs, everySteps, Map.of());
        Trainer t = trainer(m, DivergencePolicy.rollback(0.5, 2), List.of(fault, saver));
        t.fit(clean(), null);
        assertEquals(rolledBackTo, resumedAt[0], "rolled back to the last checkpoint written");
        assertEquals(0.5, t.state().learningRateScale());
        assertEquals(24, t.state().step(), "every batch of the 3 epochs trained once after the rollback");
        assertEquals(3, t.history().epochs().size(), t.history().toMaps().toString());
        m.namedParameters()
                .forEach((k, p) ->
                        assertTrue(Double.isFinite(p.value().sumNumber().doubleValue()), k));
    }

    @Test
    void skipStopsWhenACheckpointFindsNonFiniteWeights() {
        // Skipping a batch cannot undo an update that has happened: the run stops, the last checkpoint stays.
        Module m = model(false);
        Path ckpt = dir.resolve("c.zip");
        Callback fault = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (step == 12) {
                    t.model().namedParameters().get("2.weight").value().putScalar(1, Float.NaN);
                }
            }
        };
        Trainer t = trainer(m, DivergencePolicy.skip(3), List.of(fault, new Checkpointing(ckpt, 0, 4, Map.of())));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(clean(), null));
        assertTrue(
                e.getMessage()
                        .startsWith("could not write checkpoint " + ckpt + " (the previous one is intact) after"
                                + " step 12: Checkpoint.save: parameter '2.weight' holds 1 non-finite"),
                e.getMessage());
    }

    @Test
    void rollbackGivesUpWhenTheDataItselfDiverges() {
        Module m = model(false);
        Trainer t = trainer(
                m, DivergencePolicy.rollback(0.5, 2), List.of(new Checkpointing(dir.resolve("c.zip"), 1, 0, Map.of())));
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(poisoned(), null));
        assertTrue(e.getMessage().contains("Rolled back 2 times already; giving up."), e.getMessage());
    }

    @Test
    void rollbackNeedsACheckpointingCallback() {
        Module m = model(false);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> trainer(m, DivergencePolicy.rollback(0.5, 2), List.of()));
        assertTrue(e.getMessage().contains("needs a Checkpointing callback"), e.getMessage());
    }
}
