package org.myelin.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.myelin.data.Dataset;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizers;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full training step of the MLP 784-512-256-10 (ReLU, softmax cross-entropy, Adam, batch 128, float32) through
 * the engine's {@link Trainer}, measured as an epoch of {@value #STEPS} steps over synthetic MNIST-shaped data,
 * per step. Two forks of the same code: the native fused kernels on ({@code Native}) and forced off
 * ({@code Nd4jPath}, {@code -Dmyelin.kernels=nd4j}), since the kernel path is chosen once per process.
 */
public class TrainingStepBenchmark {
    static final int STEPS = 20;
    static final int BATCH = 128;

    @State(Scope.Thread)
    public static class Mlp {
        Trainer trainer;
        Dataset data;

        @Setup
        public void setUp() {
            BenchmarkEnvironment.requirePassiveOpenMp();
            int n = STEPS * BATCH;
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 10;
            }
            data = Dataset.classification(Nd4j.rand(DataType.FLOAT, n, 784), labels, 10);
            Module model = Models.mlpBuilder(784, 512, 256, 10)
                    .optSeed(1)
                    .optWeightInit(Inits.heNormal())
                    .build();
            // Enough epochs that every invocation trains a fresh epoch of STEPS steps.
            trainer = new Trainer(
                    model,
                    LossFunction.SOFTMAX_CROSS_ENTROPY,
                    Optimizers.create("adam", Map.of(), model.namedParameters()),
                    TrainingOptions.of(Integer.MAX_VALUE, BATCH, 1),
                    List.of(new StopAfterEpoch()));
        }

        History epoch() {
            return trainer.fit(data, null);
        }
    }

    /** Ends each fit() after one epoch, so the next invocation continues with the next epoch. */
    static final class StopAfterEpoch implements org.myelin.train.Callback {
        @Override
        public boolean onEpochEnd(Trainer trainer, org.myelin.train.EpochRecord record) {
            return true;
        }
    }

    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xmx4g", "-Dmyelin.kernels=auto"})
    public static class Native {
        @Benchmark
        @OperationsPerInvocation(STEPS)
        public History step(Mlp mlp) {
            return mlp.epoch();
        }
    }

    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(
            value = 1,
            jvmArgsAppend = {"-Xmx4g", "-Dmyelin.kernels=nd4j"})
    public static class Nd4jPath {
        @Benchmark
        @OperationsPerInvocation(STEPS)
        public History step(Mlp mlp) {
            return mlp.epoch();
        }
    }
}
