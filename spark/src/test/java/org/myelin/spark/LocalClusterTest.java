package org.myelin.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.myelin.data.Dataset;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Two executor JVMs ({@code local-cluster[2,1,1024]}, one Spark context for the class): everything crosses a real
 * wire, and an executor JVM can really die.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalClusterTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        SparkConfs.localClusterHome(Path.of(System.getenv("SPARK_HOME")));
        sc = new JavaSparkContext(SparkConfs.create("local-cluster[2,1,1024]", 1));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    @Order(1)
    void synchronousAveragingAcrossExecutorJvmsEqualsSingleMachineTraining() {
        Dataset data = Fixtures.moons(202, DataType.DOUBLE);
        TrainingOptions options = TrainingOptions.of(2, 32, 11);
        Module local = Fixtures.mlp(DataType.DOUBLE, 5);
        Fixtures.trainLocally(local, Fixtures.adam(local), data, options);
        Module distributed = Fixtures.mlp(DataType.DOUBLE, 5);
        try (SparkData d = SparkData.of(sc, data, 2)) {
            new SparkTrainer(
                            sc,
                            distributed,
                            Fixtures.adam(distributed),
                            LossFunction.SOFTMAX_CROSS_ENTROPY,
                            options,
                            SparkOptions.synchronous())
                    .fit(d, null);
        }
        double err = Fixtures.maxDifference(local, distributed);
        System.out.printf("local-cluster: synchronous vs single machine, float64: max |difference| %.3e%n", err);
        assertTrue(err < 1e-12, "max difference " + err);
    }

    /** 4 classes from a random linear rule on 32 Gaussian features: enough work per task to kill one mid-way. */
    private static Dataset heavyData() {
        INDArray x = gaussian(2000, 32, 3);
        INDArray w = gaussian(32, 4, 4);
        int[] labels = x.mmul(w).argMax(1).toIntVector();
        return Dataset.classification(x, labels, 4);
    }

    private static INDArray gaussian(int rows, int cols, long seed) {
        java.util.Random r = new java.util.Random(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Nd4j.create(v, new long[] {rows, cols}, 'c');
    }

    private static Module train(SparkData d, Optional<Runnable> afterRound2) {
        Module m = Models.mlpBuilder(32, 1024, 1024, 4).optSeed(8).build();
        SparkTrainer t = new SparkTrainer(
                sc,
                m,
                Optimizers.create("adam", Map.of("learning_rate", 1e-3), m.namedParameters()),
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                TrainingOptions.of(1, 100, 2),
                SparkOptions.localSteps(5));
        afterRound2.ifPresent(r -> t.addRoundListener(rec -> {
            if (rec.round() == 2) {
                r.run();
            }
        }));
        SparkHistory h = t.fit(d, null);
        assertEquals(4, h.rounds().size(), "20 steps in rounds of 5");
        return m;
    }

    @Test
    @Order(2)
    void killedExecutorJvmMidRoundGivesTheSameResult() throws Exception {
        try (SparkData d = SparkData.of(sc, heavyData(), 2)) {
            Module undisturbed = train(d, Optional.empty());

            AtomicBoolean armed = new AtomicBoolean();
            AtomicLong killedPid = new AtomicLong(-1);
            AtomicInteger lostTasks = new AtomicInteger();
            SparkListener killer = new SparkListener() {
                @Override
                public void onTaskStart(SparkListenerTaskStart e) {
                    if (armed.compareAndSet(true, false)) {
                        String id = e.taskInfo().executorId();
                        ProcessHandle.current()
                                .descendants()
                                .filter(p -> isExecutor(p, id))
                                .findFirst()
                                .ifPresent(p -> {
                                    killedPid.set(p.pid());
                                    p.destroyForcibly();
                                });
                    }
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    if (e.reason() instanceof ExecutorLostFailure) {
                        lostTasks.incrementAndGet();
                    }
                }
            };
            sc.sc().addSparkListener(killer);
            Module disturbed;
            try {
                disturbed = train(d, Optional.of(() -> armed.set(true))); // kill at the first task of round 3
            } finally {
                sc.sc().removeSparkListener(killer);
            }
            assertTrue(killedPid.get() > 0, "an executor JVM was found and killed");
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (lostTasks.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(50); // listener events arrive asynchronously
            }
            System.out.printf(
                    "killed executor JVM %d mid-round; %d task(s) lost and retried%n",
                    killedPid.get(), lostTasks.get());
            assertTrue(lostTasks.get() >= 1, "a running task was lost with its executor");
            assertTrue(
                    Fixtures.identical(undisturbed, disturbed),
                    "max difference " + Fixtures.maxDifference(undisturbed, disturbed));
        }
    }

    private static boolean isExecutor(ProcessHandle p, String executorId) {
        // ProcessHandle.Info drops the arguments of long command lines (the Maven class path); read them directly.
        List<String> args;
        try {
            args = List.of(new String(
                            java.nio.file.Files.readAllBytes(Path.of("/proc/" + p.pid() + "/cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8)
                    .split("\0"));
        } catch (java.io.IOException e) {
            return false; // not Linux, or the process is gone
        }
        int i = args.indexOf("--executor-id");
        return args.stream().anyMatch(a -> a.endsWith("CoarseGrainedExecutorBackend"))
                && i >= 0
                && i + 1 < args.size()
                && args.get(i + 1).equals(executorId);
    }
}
