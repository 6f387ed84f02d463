package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Batches;
import org.myelin.data.Dataset;
import org.myelin.data.Split;
import org.myelin.data.Synthetic;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class TrainerTest {

    @TempDir
    Path dir;

    private static Module model(long seed, double dropout) {
        return Models.mlpBuilder(2, 16, 2)
                .optDataType(DataType.DOUBLE)
                .optSeed(seed)
                .optHidden(Activations.TANH)
                .optWeightInit(Inits.xavierNormal())
                .optDropout(dropout)
                .build();
    }

    private static Dataset spirals() {
        return Synthetic.twoMoons(200, 0.1, 5, DataType.DOUBLE).asOneHot();
    }

    private static Trainer trainer(Module m, int epochs, List<Callback> callbacks) {
        Optimizer opt = Optimizers.create("adam", Map.of("learning_rate", 0.01), m.namedParameters());
        return new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, TrainingOptions.of(epochs, 16, 9), callbacks);
    }

    @Test
    void fitCallsOnTheSameDataKeepOneBatchingAndItsBuffers() {
        Trainer t = trainer(model(1, 0), 1, List.of());
        Dataset data = spirals();
        Batches first = t.batchesFor(data);
        t.fit(data, null);
        assertSame(first, t.batchesFor(data), "a second fit() on the same data rebuilt its batches");
        Dataset other = spirals();
        Batches forOther = t.batchesFor(other);
        assertNotSame(first, forOther);
        assertSame(other, forOther.dataset());
        assertTrue(forOther.isShuffled());
        assertEquals(16, forOther.batchSize());
    }

    /** The features of the first batch {@code t} gathers from {@code data} (its gather buffer). */
    private static INDArray firstBatchFeatures(Trainer t, Dataset data) {
        return t.batchesFor(data).epoch(0).iterator().next().features();
    }

    /**
     * A new trainer per short fit() of one model (as a library user may write it) gathers its batches into the
     * model's kept buffers, not new ones; another model gets its own.
     */
    @Test
    void newTrainersOfOneModelGatherIntoTheSameBuffers() {
        Module m = model(1, 0);
        Dataset data = spirals();
        INDArray first = firstBatchFeatures(trainer(m, 1, List.of()), data);
        Trainer second = trainer(m, 1, List.of());
        second.fit(data, null);
        assertSame(first, firstBatchFeatures(second, data));
        INDArray otherModel = firstBatchFeatures(trainer(model(1, 0), 1, List.of()), data);
        assertNotSame(first, otherModel);
    }

    /**
     * A second fit() of the same model while one runs (here nested in a step callback) gathers into buffers of its
     * own, since the kept ones hold the outer fit's batch; the kept ones are given back when the outer fit ends.
     */
    @Test
    void aNestedFitOfTheSameModelGathersIntoItsOwnBuffers() {
        Module m = model(1, 0);
        Dataset data = spirals();
        INDArray kept = firstBatchFeatures(trainer(m, 1, List.of()), data);
        List<INDArray> before = new ArrayList<>();
        List<INDArray> after = new ArrayList<>();
        Callback nested = new Callback() {
            @Override
            public void onStepEnd(Trainer outer, long step, double loss) {
                if (before.isEmpty()) {
                    before.add(kept.dup()); // the outer fit's first batch
                    trainer(m, 1, List.of()).fit(data, null); // 13 batches: its last full one differs
                    after.add(kept.dup());
                }
            }
        };
        trainer(m, 1, List.of(nested)).fit(data, null);
        assertEquals(1, before.size(), "the outer fit did not step");
        assertEquals(before.get(0), after.get(0), "the nested fit gathered into the buffers the outer fit holds");
        assertSame(kept, firstBatchFeatures(trainer(m, 1, List.of()), data));
    }

    @Test
    void stepsReuseTheirResultArraysAndTrainAsFreshlyAllocatedOnesDo() {
        Dataset data = spirals();
        Module viaTrainer = model(3, 0);
        Optimizer opt = Optimizers.create("adam", Map.of("learning_rate", 0.01), viaTrainer.namedParameters());
        // One batch of all 200 samples per epoch: every step sees the same rows, so a plain loop can replay it.
        List<Long> created = new ArrayList<>();
        Trainer t = new Trainer(
                viaTrainer,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                opt,
                TrainingOptions.of(8, 200, 9),
                List.of(createdAfterEachStep(created)));
        t.fit(data, null);
        assertEquals(8, created.size());
        assertTrue(created.get(0) > 0, "the step allocated no result arrays through StepArrays");
        assertEquals(Collections.nCopies(8, created.get(0)), created, "later steps allocated result arrays again");

        Module plain = model(3, 0);
        Optimizer plainOpt = Optimizers.create("adam", Map.of("learning_rate", 0.01), plain.namedParameters());
        for (int step = 0; step < 8; step++) {
            Tensor out = plain.forward(Tensor.constant(data.features()));
            LossFunction.SOFTMAX_CROSS_ENTROPY
                    .apply(out, Tensor.constant(data.targets()))
                    .backward();
            plainOpt.step();
            plainOpt.zeroGrad();
        }
        Map<String, Tensor> expected = plain.namedParameters();
        viaTrainer.namedParameters().forEach((name, p) -> {
            double gap = p.value().sub(expected.get(name).value()).amaxNumber().doubleValue();
            // The trainer's rows are shuffled: the sums differ only in float64 rounding.
            assertTrue(gap < 1e-10, name + " differs by " + gap + " after 8 steps");
        });
    }

    @Test
    void anEpochsLastSmallerBatchKeepsTheFullBatchsArrays() {
        List<Long> created = new ArrayList<>();
        // 200 samples in batches of 16: twelve of 16 and one of 8 per epoch, 13 steps.
        trainer(model(1, 0), 3, List.of(createdAfterEachStep(created))).fit(spirals(), null);
        assertEquals(39, created.size());
        assertTrue(created.get(13) > created.get(0), "the smaller batch got no arrays of its own");
        assertEquals(created.get(13), created.get(38), "the two batch sizes pushed each other's arrays out");
    }

    @Test
    void aNewTrainerForTheSameModelFindsItsStepArraysKept() {
        Module m = model(1, 0);
        Dataset data = spirals();
        Trainer first = trainer(m, 1, List.of());
        first.fit(data, null);
        long created = first.stepArraysCreated();
        Trainer second = trainer(m, 1, List.of());
        second.fit(data, null);
        assertEquals(created, second.stepArraysCreated(), "a second trainer of the same model created arrays again");
        Trainer other = trainer(model(2, 0), 1, List.of());
        assertEquals(0, other.stepArraysCreated(), "another model shares the first one's arrays");
    }

    /**
     * After {@link Trainer#releaseKeptArrays} a new trainer of the model creates its step arrays and gather buffers
     * again (the old ones are no longer reachable from the model), and trains as before.
     */
    @Test
    void releasedKeptArraysAreCreatedAgainByTheNextTrainer() {
        Module m = model(1, 0);
        Dataset data = spirals();
        Trainer first = trainer(m, 1, List.of());
        first.fit(data, null);
        INDArray gathered = firstBatchFeatures(first, data);
        assertTrue(Trainer.releaseKeptArrays(m));
        assertFalse(Trainer.releaseKeptArrays(m), "a second release found arrays kept");
        Trainer second = trainer(m, 1, List.of());
        assertEquals(0, second.stepArraysCreated(), "the new trainer found the released step arrays");
        assertNotSame(gathered, firstBatchFeatures(second, data), "the new trainer found the released buffers");
        second.fit(data, null);
        assertTrue(second.stepArraysCreated() > 0);
        assertTrue(Double.isFinite(second.history().epochs().get(0).trainLoss()));
    }

    private static Callback createdAfterEachStep(List<Long> created) {
        return new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                created.add(t.stepArraysCreated());
            }
        };
    }

    @Test
    void trainingLowersTheLossAndRecordsEveryEpoch() {
        Module m = model(1, 0);
        History h = trainer(m, 15, List.of()).fit(spirals(), null);
        assertEquals(15, h.epochs().size());
        assertTrue(h.last().trainLoss() < 0.65 * h.epochs().get(0).trainLoss(), "loss " + h.epochs());
        assertTrue(h.last().trainAccuracy() > 0.85, "accuracy " + h.last().trainAccuracy());
        assertEquals(15L * 13, h.last().step(), "13 batches of 16 from 200 samples per epoch");
        assertEquals(m.namedParameters().keySet(), h.last().gradientNorms().keySet());
        assertTrue(h.last().gradientNorms().values().stream().allMatch(v -> v > 0));
    }

    @Test
    void resumedRunEndsWithTheSameWeightsAsAnUninterruptedOne() throws Exception {
        Dataset data = spirals();
        Module straight = model(3, 0.2);
        trainer(straight, 6, List.of()).fit(data, null);

        // Interrupt a second run mid-epoch (after step 20 of 13 per epoch) with a checkpoint, then resume it
        // in a fresh model and trainer.
        Path ckpt = dir.resolve("c.zip");
        Module first = model(3, 0.2);
        Checkpointing saver = new Checkpointing(ckpt, 0, 20, Map.of());
        Trainer t1 = trainer(first, 6, List.of(saver, new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (step == 20) {
                    t.requestStop();
                }
            }
        }));
        t1.fit(data, null);
        Module resumed = model(99, 0.2);
        Trainer t2 = trainer(resumed, 6, List.of());
        Checkpointing.resume(t2, ckpt);
        assertEquals(20, t2.state().step());
        t2.fit(data, null);
        for (Map.Entry<String, Tensor> e : straight.namedParameters().entrySet()) {
            INDArray expected = e.getValue().value();
            INDArray actual = resumed.namedParameters().get(e.getKey()).value();
            assertEquals(expected, actual, e.getKey() + " differs after resume");
        }
        assertEquals(6, t2.history().epochs().size());
    }

    @Test
    void resumeRefusesACheckpointOfAnotherOptimiserTypeOrActivation() throws Exception {
        Path ckpt = dir.resolve("adam.zip");
        Module saved = model(4, 0);
        Trainer writer = trainer(saved, 1, List.of(new Checkpointing(ckpt, 1, 0, Map.of())));
        writer.fit(spirals(), null);

        Module sameShape = model(4, 0);
        Map<String, INDArray> before = new java.util.LinkedHashMap<>();
        sameShape.namedParameters().forEach((k, v) -> before.put(k, v.value().dup()));
        Optimizer adamw = Optimizers.create(
                "adamw", Map.of("learning_rate", 0.01, "weight_decay", 0.5), sameShape.namedParameters());
        Trainer other = new Trainer(
                sameShape, LossFunction.SOFTMAX_CROSS_ENTROPY, adamw, TrainingOptions.of(2, 16, 9), List.of());
        var e = assertThrows(org.myelin.io.ModelFormatException.class, () -> Checkpointing.resume(other, ckpt));
        assertTrue(
                e.getMessage().endsWith("the checkpoint was written by optimiser 'adam', this trainer's is 'adamw'"),
                e.getMessage());
        assertEquals(0, other.state().step(), "the refused resume moved the trainer");
        before.forEach(
                (k, v) -> assertEquals(v, sameShape.namedParameters().get(k).value(), k + " changed"));

        Module relu = Models.mlpBuilder(2, 16, 2)
                .optDataType(DataType.DOUBLE)
                .optSeed(4)
                .optHidden(Activations.RELU)
                .optWeightInit(Inits.xavierNormal())
                .build();
        Trainer reluTrainer = trainer(relu, 2, List.of());
        e = assertThrows(org.myelin.io.ModelFormatException.class, () -> Checkpointing.resume(reluTrainer, ckpt));
        assertTrue(
                e.getMessage()
                        .endsWith("the checkpoint's model differs from this one: layers[1].activation is tanh"
                                + " in the checkpoint, relu in this model"),
                e.getMessage());
    }

    @Test
    void earlyStoppingStopsAfterPatienceAndRestoresTheBestWeights() {
        Dataset data = Synthetic.twoMoons(120, 0.35, 2, DataType.DOUBLE).asOneHot();
        Split s = Split.of(data, 0.5, 0.5, 0, 4);
        Module m = Models.mlpBuilder(2, 64, 64, 2)
                .optDataType(DataType.DOUBLE)
                .optSeed(1)
                .build();
        EarlyStopping es = new EarlyStopping(3, 0.0, true);
        Optimizer opt = Optimizers.create("adam", Map.of("learning_rate", 0.05), m.namedParameters());
        Trainer t = new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, TrainingOptions.of(200, 8, 1), List.of(es));
        History h = t.fit(s.train(), s.validation());
        assertTrue(h.epochs().size() < 200, "stopped early");
        assertEquals(es.bestEpoch() + 3, h.last().epoch(), "stops exactly patience epochs after the best");
        double best = h.epochs().stream()
                .mapToDouble(EpochRecord::validationLoss)
                .min()
                .orElseThrow();
        assertEquals(best, es.bestValidationLoss());
        Evaluation restored = Evaluation.of(m, LossFunction.SOFTMAX_CROSS_ENTROPY, s.validation(), 100);
        assertEquals(best, restored.loss(), 1e-12, "restored weights have the best validation loss");
    }

    @Test
    void divergingLossStopsBeforeTheWeightsAreTouched() {
        Dataset line = Synthetic.noisyLine(200, -1, 1, 0.1, 1, DataType.DOUBLE);
        Module m = Models.mlpBuilder(1, 8, 1)
                .optDataType(DataType.DOUBLE)
                .optSeed(2)
                .build();
        Optimizer sgd = Optimizers.create("sgd", Map.of("learning_rate", 1e6), m.namedParameters());
        Trainer t = new Trainer(m, LossFunction.MSE, sgd, TrainingOptions.of(500, 200, 1), List.of());
        DivergenceException e = assertThrows(DivergenceException.class, () -> t.fit(line, null));
        assertTrue(
                e.getMessage().matches("(?s)training diverged: the (loss|gradient of '.*') is .* at step \\d+.*"),
                e.getMessage());
        for (Map.Entry<String, Tensor> p : m.namedParameters().entrySet()) {
            INDArray v = p.getValue().value();
            assertEquals(0, v.isInfinite().castTo(DataType.INT32).sumNumber().intValue(), p.getKey() + " has inf");
            assertEquals(0, v.isNaN().castTo(DataType.INT32).sumNumber().intValue(), p.getKey() + " has NaN");
        }
    }

    static List<String> optimizerNames() {
        return Optimizers.NAMES;
    }

    /**
     * Every optimiser and gradient transform through several steps of the trainer: state or scratch arrays
     * created lazily inside the step's workspace would fail here on the second step.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("optimizerNames")
    void everyOptimiserAndTransformSurvivesRepeatedSteps(String name) {
        Module m = model(4, 0.1);
        Optimizer opt = Optimizers.create(name, Map.of(), m.namedParameters());
        TrainingOptions options = TrainingOptions.of(2, 50, 1)
                .withGradientTransforms(List.of(
                        new org.myelin.optim.L1Penalty(1e-4),
                        new org.myelin.optim.L2Penalty(1e-4),
                        new org.myelin.optim.ClipByValue(10),
                        new org.myelin.optim.ClipByGlobalNorm(10)))
                .withConstraints(List.of(new org.myelin.optim.MaxNormConstraint(3)));
        History h = new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, opt, options, List.of()).fit(spirals(), null);
        assertEquals(8, h.last().step());
        assertTrue(Double.isFinite(h.last().trainLoss()), name);
    }

    @Test
    void invalidOptionsAreRejectedWithTheirName() {
        assertEquals(
                "batch size must be >= 1, was 0",
                assertThrows(IllegalArgumentException.class, () -> TrainingOptions.of(1, 0, 1))
                        .getMessage());
        assertEquals(
                "epochs must be >= 1, was -2",
                assertThrows(IllegalArgumentException.class, () -> TrainingOptions.of(-2, 5, 1))
                        .getMessage());
    }

    /** minDelta = +Infinity was accepted: no loss improves on the best by it, so no epoch was ever the best. */
    @Test
    void earlyStoppingRefusesAnInfiniteMinDelta() {
        assertEquals(
                "EarlyStopping: minDelta must be >= 0 and finite, was Infinity",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(3, Double.POSITIVE_INFINITY, true))
                        .getMessage());
        assertEquals(
                "EarlyStopping: minDelta must be >= 0 and finite, was NaN",
                assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(3, Double.NaN, true))
                        .getMessage());
    }

    @Test
    void aDivergenceMessageEndsItsSentenceBeforeTheRollbackNote() {
        // The model file's refusal ends "nothing was written"; the rollback note ran on: "... written Rolled back".
        assertEquals(
                "m.zip: parameter 'w' holds NaN; a model file cannot hold them (training diverged?); nothing was written.",
                Trainer.sentence("m.zip: parameter 'w' holds NaN; a model file cannot hold them (training diverged?);"
                        + " nothing was written"));
        assertEquals("Loss is NaN.", Trainer.sentence("Loss is NaN."));
    }
}
