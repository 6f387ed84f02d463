package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.Profiler;
import org.myelin.data.Dataset;
import org.myelin.kernel.Kernels;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The profiler inside the trainer's step: with {@code -Dmyelin.profile=cpu} (surefire execution {@code profiler})
 * a small MLP's steps record every phase the step runs, with the counts the step implies, and the phases add up to no
 * more than the measured time; without it nothing is recorded (default execution).
 */
class TrainerProfilingTest {
    private static final int STEPS = 3;
    private static final int BATCH = 8;

    @AfterEach
    void stopRecording() {
        Profiler.stop();
    }

    @Test
    void mlpStepRecordsEveryPhaseWithinTheMeasuredTime() {
        assumeTrue(Profiler.ENABLED, "needs -Dmyelin.profile=cpu (surefire execution 'profiler')");
        Trainer trainer = trainer();
        Dataset data = data();
        trainer.fit(data, null); // first epoch: the workspace learns its size
        Profiler.start();
        long started = System.nanoTime();
        fitOneMoreEpoch(trainer, data);
        long measured = System.nanoTime() - started;
        Profiler.stop();
        List<Profiler.Phase> phases = Profiler.snapshot();
        Map<String, Profiler.Phase> p = new LinkedHashMap<>();
        phases.forEach(ph -> p.put(ph.label(), ph));

        List<String> expected = new ArrayList<>(List.of(
                "batch gathering (Batches)",
                "trainer step (Java between the phases below)",
                "workspace open",
                "model forward (module code)",
                "op forward FusedDense",
                "gemm forward 8x4 * 4x6",
                "gemm forward 8x6 * 6x5",
                "gemm forward 8x5 * 5x3",
                "loss (op setup)",
                "op forward FusedSoftmaxCrossEntropy",
                "loss value item()",
                "autograd backward (seed, graph walk, checks)",
                "result arrays (StepArrays: new, or kept from the last step)",
                "op backward FusedSoftmaxCrossEntropy",
                "op backward FusedDense",
                "gemm dW (8x5)^T * 8x3",
                "gemm dX 8x3 * (5x3)^T",
                "gemm dW (8x4)^T * 8x6",
                "model.namedParameters()",
                "gradient norms (Java around the sums)",
                "optimizer step (Java around the updates)",
                "zeroGrad (optimizer)",
                "accuracy (Evaluation.correct)",
                "workspace close",
                "zeroGrad (model)",
                "trainer native-memory check and step callbacks"));
        if (Kernels.active().name().equals("native-cpu")) {
            expected.addAll(List.of(
                    "native bias + activation forward [8, 6]",
                    "native softmax cross-entropy + gradient [8, 3]",
                    "native activation backward + bias gradient [8, 6]",
                    "native column sums (bias gradient) [8, 3]",
                    "native arg-max of rows [8, 3]",
                    "native sum of squares",
                    "native adam update"));
            assertEquals(6L * STEPS, p.get("native adam update").calls(), "one update per parameter and step");
            assertEquals(6L * STEPS, p.get("native sum of squares").calls(), "one norm per parameter and step");
        } else {
            expected.addAll(List.of(
                    "bias gradient column sums (ND4J) [8, 3]",
                    "bias gradient column sums (ND4J) [8, 6]",
                    "loss gradient (p s - t) scale (ND4J sum, muli, subi, muli)"));
        }
        for (String name : expected) {
            assertTrue(p.containsKey(name), "no phase '" + name + "' among " + p.keySet());
        }
        // The input needs no gradient, so the first layer has no dX gemm.
        assertFalse(
                p.keySet().stream().anyMatch(k -> k.startsWith("gemm dX") && k.endsWith("(4x6)^T")),
                p.keySet().toString());
        assertEquals(
                STEPS, p.get("trainer step (Java between the phases below)").calls());
        assertEquals(STEPS, p.get("gemm forward 8x4 * 4x6").calls());
        assertEquals(3L * STEPS, p.get("op forward FusedDense").calls());
        assertEquals(3L * STEPS, p.get("op backward FusedDense").calls());
        long self = 0;
        for (Profiler.Phase ph : phases) {
            assertTrue(ph.selfNanos() >= 0 && ph.selfNanos() <= ph.totalNanos(), ph.toString());
            assertTrue(ph.selfCpuNanos() >= 0 && ph.selfCpuNanos() <= ph.totalCpuNanos(), ph.toString());
            self += ph.selfNanos();
        }
        assertTrue(self <= measured, "phases sum to " + self + " ns, more than the measured " + measured + " ns");
        assertTrue(
                self >= p.get("trainer step (Java between the phases below)").totalNanos(),
                "the step's total is covered by self times");
    }

    @Test
    void disabledProfilerRecordsNothingDuringTraining() {
        assumeFalse(Profiler.ENABLED, "runs in the default surefire execution, without -Dmyelin.profile");
        Trainer trainer = trainer();
        Profiler.start();
        fitOneMoreEpoch(trainer, data());
        assertTrue(Profiler.snapshot().isEmpty(), Profiler.snapshot().toString());
    }

    private static Trainer trainer() {
        Sequential model = Models.mlp(DataType.FLOAT, 3, Activations.RELU, Inits.heNormal(), 4, 6, 5, 3);
        return new Trainer(
                model,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("adam", Map.of("learning_rate", 1e-3), model.namedParameters()),
                TrainingOptions.of(Integer.MAX_VALUE, BATCH, 1),
                List.of(new StopAfterEachEpoch()));
    }

    private static void fitOneMoreEpoch(Trainer trainer, Dataset data) {
        trainer.fit(data, null);
    }

    private static Dataset data() {
        int n = STEPS * BATCH;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        Nd4j.getRandom().setSeed(5);
        return Dataset.classification(Nd4j.rand(DataType.FLOAT, n, 4), labels, 3);
    }

    /** Ends each fit() after one epoch, so the next call trains the next one (as the benchmark worker does). */
    private static final class StopAfterEachEpoch implements Callback {
        @Override
        public boolean onEpochEnd(Trainer trainer, EpochRecord record) {
            return true;
        }
    }
}
