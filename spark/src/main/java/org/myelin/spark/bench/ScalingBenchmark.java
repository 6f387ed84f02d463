package org.myelin.spark.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.spark.SparkConfs;
import org.myelin.spark.SparkData;
import org.myelin.spark.SparkHistory;
import org.myelin.spark.SparkOptions;
import org.myelin.spark.SparkTrainer;
import org.myelin.train.Evaluation;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * MNIST samples/s with 1 and 2 executors (one core each, {@code local-cluster[E,1,2048]}) against the engine's
 * single-machine trainer, for synchronous averaging and K = 1, 8, 32 local steps; per-round compute and
 * communication time, and test accuracy after a fixed number of epochs. Not part of the test run:
 *
 * <pre>
 * scripts/spark-benchmark [EPOCHS [SAMPLES]]     (defaults 1 and 60000)
 * </pre>
 *
 * Needs the environment of a local-cluster master (SPARK_HOME with an empty jars/, SPARK_SCALA_VERSION,
 * SPARK_LOCAL_IP); the script sets it. The MLP is 784-512-256-10 (535,818 parameters), Adam 1e-3, batch 128.
 */
public final class ScalingBenchmark {
    private ScalingBenchmark() {}

    public static void main(String[] args) throws Exception {
        org.myelin.Blas.select(); // before anything loads ND4J
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 60000;
        Mnist mnist = Mnist.load(Mnist.fetch(Mnist.defaultCacheDir()), DataType.FLOAT);
        Dataset train = samples < mnist.train().size()
                ? mnist.train().subset(IntStream.range(0, samples).toArray())
                : mnist.train();
        TrainingOptions options = TrainingOptions.of(epochs, 128, 42);
        System.out.printf(
                Locale.ROOT,
                "MNIST %d samples, %d epoch(s), MLP 784-512-256-10, Adam 1e-3, batch 128%n",
                train.size(),
                epochs);
        System.out.println("| setup | mode | samples/s | rounds | ms/round | compute ms/round | communication ms/round"
                + " | test accuracy |");
        System.out.println("|---|---|---|---|---|---|---|---|");

        Module m = model();
        Trainer t = new Trainer(m, LossFunction.SOFTMAX_CROSS_ENTROPY, adam(m), options, List.of());
        History h = t.fit(train, null);
        double seconds = h.epochs().stream().mapToDouble(e -> e.seconds()).sum();
        System.out.printf(
                Locale.ROOT,
                "| single machine (engine Trainer) | - | %.0f | - | - | - | - | %.4f |%n",
                train.size() * (double) epochs / seconds,
                accuracy(m, mnist));

        for (int executors : new int[] {1, 2}) {
            SparkConfs.localClusterHome(Path.of(System.getenv("SPARK_HOME")));
            String master = "local-cluster[" + executors + ",1,2048]";
            try (JavaSparkContext sc =
                            new JavaSparkContext(SparkConfs.create(master, 1).set("spark.executor.memory", "1536m"));
                    SparkData data = SparkData.of(sc, train, executors)) {
                for (int k : new int[] {0, 1, 8, 32}) {
                    Module sm = model();
                    SparkTrainer st = new SparkTrainer(
                            sc,
                            sm,
                            adam(sm),
                            LossFunction.SOFTMAX_CROSS_ENTROPY,
                            options,
                            k == 0 ? SparkOptions.synchronous() : SparkOptions.localSteps(k));
                    SparkHistory sh = st.fit(data, null);
                    // The first round pays for the executors' ND4J start; leave it out of the per-round figures.
                    var rounds = sh.rounds()
                            .subList(
                                    Math.min(1, sh.rounds().size() - 1),
                                    sh.rounds().size());
                    double ms = rounds.stream()
                                    .mapToDouble(r -> r.seconds())
                                    .average()
                                    .orElse(0)
                            * 1e3;
                    double compute = rounds.stream()
                                    .mapToDouble(r -> r.computeSeconds())
                                    .average()
                                    .orElse(0)
                            * 1e3;
                    double comm = rounds.stream()
                                    .mapToDouble(r -> r.communicationSeconds())
                                    .average()
                                    .orElse(0)
                            * 1e3;
                    System.out.printf(
                            Locale.ROOT,
                            "| %d executor(s) x 1 core | %s | %.0f | %d | %.1f | %.1f | %.1f |" + " %.4f |%n",
                            executors,
                            k == 0 ? "synchronous" : "K = " + k,
                            sh.samplesPerSecond(),
                            sh.rounds().size(),
                            ms,
                            compute,
                            comm,
                            accuracy(sm, mnist));
                }
            }
        }
    }

    private static Module model() {
        return Models.mlpBuilder(784, 512, 256, 10).optSeed(42).build();
    }

    private static Optimizer adam(Module m) {
        return Optimizers.create("adam", Map.of("learning_rate", 1e-3), m.namedParameters());
    }

    private static double accuracy(Module m, Mnist mnist) {
        return Evaluation.of(m, LossFunction.SOFTMAX_CROSS_ENTROPY, mnist.test(), 1000)
                .accuracy();
    }
}
