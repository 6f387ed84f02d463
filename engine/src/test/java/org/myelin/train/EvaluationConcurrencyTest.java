package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluation switches the model into evaluation mode and back. Two evaluations of one model at once switched each
 * other back into training mode half-way: batch norm then normalised with (and updated) batch statistics, dropout
 * dropped units, losses differed from a lone evaluation by up to 0.08 and the model could be left in evaluation mode.
 */
class EvaluationConcurrencyTest {

    /**
     * Identity layer that, once armed, holds the first forward call of each thread until told to go on: the first
     * evaluation is held half-way, a second one starts, and the first then finishes while the second is still
     * inside (without the model's lock, the first one's mode restore lands in the middle of the second).
     */
    private static final class Gate extends Module {
        volatile boolean armed;
        final CountDownLatch firstInside = new CountDownLatch(1);
        final CountDownLatch releaseFirst = new CountDownLatch(1);
        final CountDownLatch secondInside = new CountDownLatch(1);
        final CountDownLatch releaseSecond = new CountDownLatch(1);
        final ThreadLocal<Boolean> held = ThreadLocal.withInitial(() -> false);
        volatile Thread first;

        @Override
        public Tensor forward(Tensor input) {
            if (armed && !held.get()) {
                held.set(true);
                try {
                    if (Thread.currentThread() == first) {
                        firstInside.countDown();
                        releaseFirst.await(10, TimeUnit.SECONDS);
                    } else {
                        secondInside.countDown();
                        releaseSecond.await(10, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return input;
        }

        @Override
        public Map<String, Object> config() {
            return Map.of("type", "gate");
        }
    }

    @Test
    void overlappingEvaluationsOfOneModelMatchALoneOneAndChangeNothing() throws Exception {
        Sequential mlp = Models.mlpBuilder(16, 32, 4)
                .optSeed(3)
                .optBatchNorm(true)
                .optDropout(0.5)
                .build();
        Gate gate = new Gate();
        Sequential m = new Sequential(mlp, gate);
        m.train();
        Nd4j.getRandom().setSeed(11);
        Dataset data = Dataset.classification(Nd4j.rand(DataType.FLOAT, 256, 16), new int[256], 4);
        float[] runningMeanBefore = runningMean(m);
        double alone =
                Evaluation.of(m, LossFunction.SOFTMAX_CROSS_ENTROPY, data, 32).loss();

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            gate.armed = true;
            Future<Double> a = pool.submit(() -> {
                gate.first = Thread.currentThread();
                return Evaluation.of(m, LossFunction.SOFTMAX_CROSS_ENTROPY, data, 32)
                        .loss();
            });
            assertTrue(gate.firstInside.await(10, TimeUnit.SECONDS), "the first evaluation never started");
            Future<Double> b = pool.submit(() -> Evaluation.of(m, LossFunction.SOFTMAX_CROSS_ENTROPY, data, 32)
                    .loss());
            // With the lock the second evaluation waits for the first; without it, it is now inside.
            gate.secondInside.await(300, TimeUnit.MILLISECONDS);
            gate.releaseFirst.countDown();
            double first = a.get(10, TimeUnit.SECONDS);
            gate.releaseSecond.countDown();
            double second = b.get(10, TimeUnit.SECONDS);
            assertEquals(alone, first, 0.0, "the first evaluation's loss");
            assertEquals(alone, second, 0.0, "the second evaluation's loss");
        } finally {
            pool.shutdownNow();
        }
        assertTrue(m.isTraining(), "the model's training mode was not restored");
        assertArrayEquals(runningMeanBefore, runningMean(m), 0f, "an evaluation changed batch norm's running mean");
    }

    @Test
    void nullArgumentsAreNamed() {
        Sequential m = Models.mlpBuilder(2, 3, 2).build();
        Dataset d = Dataset.classification(Nd4j.rand(DataType.FLOAT, 4, 2), new int[4], 2);
        assertEquals(
                "Evaluation: model must not be null",
                assertThrows(IllegalArgumentException.class, () -> Evaluation.of(null, LossFunction.MSE, d, 2))
                        .getMessage());
        Dataset none = Dataset.classification(Nd4j.create(DataType.FLOAT, 0, 2), new int[0], 2);
        assertEquals(
                "Evaluation: the data set has no samples, expected at least 1",
                assertThrows(IllegalArgumentException.class, () -> Evaluation.of(m, LossFunction.MSE, none, 2))
                        .getMessage());
        assertEquals(
                "Evaluation: data must not be null",
                assertThrows(IllegalArgumentException.class, () -> Evaluation.of(m, LossFunction.MSE, null, 2))
                        .getMessage());
    }

    private static float[] runningMean(Sequential m) {
        return m.namedBuffers().entrySet().stream()
                .filter(e -> e.getKey().endsWith("runningMean"))
                .findFirst()
                .orElseThrow()
                .getValue()
                .toFloatVector();
    }
}
