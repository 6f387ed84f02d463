package org.myelin.spark;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.myelin.Blas;
import org.myelin.cli.Main;
import org.myelin.io.ModelFile;
import org.myelin.train.Evaluation;
import org.myelin.train.JobConfig;
import org.myelin.train.TrainingJob;
import org.myelin.train.TrainingOptions;

/**
 * {@code myelin train --spark MASTER [spark options] [train options]}: the engine's training job (same config file,
 * options and defaults as {@code myelin train}) trained on Spark by a {@link SparkTrainer}. scripts/myelin runs this
 * class when it sees {@code --spark}; the engine's own command line never depends on Spark.
 */
public final class SparkTrainMain {
    static final String CHECKPOINT_FILE = "checkpoint-spark.zip";

    static final String HELP = String.join("\n",
            "usage: myelin train --spark MASTER [--partitions P] [--local-steps K] [--threads T]",
            "                    [--checkpoint-rounds N] [--share-classpath] [train options]",
            "",
            "  --spark MASTER        Spark master URL: local[2], local-cluster[2,1,1024], spark://HOST:7077",
            "  --partitions P        data partitions (default 2)",
            "  --local-steps K       0 (default): synchronous gradient averaging, one step per round on the global",
            "                        batch; K >= 1: K local steps per partition, then parameters and optimiser",
            "                        state are averaged (batch size = global batch, B / P per partition)",
            "  --threads T           threads per executor and task: spark.task.cpus and OMP_NUM_THREADS (default 1)",
            "  --checkpoint-rounds N checkpoint every N rounds to OUT/" + CHECKPOINT_FILE + " (default 50; resumed",
            "                        from unless --no-resume)",
            "  --share-classpath     executors use the driver's class path (executors on this machine)",
            "",
            "Train options (as for myelin train):",
            "") + Main.trainHelp().substring(Main.trainHelp().indexOf('\n') + 1);

    private SparkTrainMain() {
    }

    public static void main(String[] args) {
        Blas.select(); // before anything loads ND4J, as org.myelin.cli.Main does
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return train(args, out);
        } catch (org.myelin.MyelinException | IllegalArgumentException | IllegalStateException | java.io.IOException
                | java.io.UncheckedIOException e) {
            err.println("myelin train --spark: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("myelin train --spark: unexpected " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static int train(String[] args, PrintStream out) throws Exception {
        List<String> rest = new ArrayList<>();
        String master = null;
        int partitions = 2;
        int localSteps = 0;
        int threads = 1;
        int checkpointRounds = 50;
        boolean shareClassPath = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i == 0 && a.equals("train")) {
                continue;
            }
            switch (a) {
                case "--help", "-h" -> {
                    out.println(HELP);
                    return 0;
                }
                case "--spark" -> master = value(args, ++i, a);
                case "--partitions" -> partitions = integer(args, ++i, a, 1);
                case "--local-steps" -> localSteps = integer(args, ++i, a, 0);
                case "--threads" -> threads = integer(args, ++i, a, 1);
                case "--checkpoint-rounds" -> checkpointRounds = integer(args, ++i, a, 0);
                case "--share-classpath" -> shareClassPath = true;
                default -> rest.add(a);
            }
        }
        if (master == null) {
            throw new IllegalArgumentException("--spark MASTER is required (local[2], local-cluster[2,1,1024],"
                    + " spark://HOST:7077)");
        }
        Map<String, Object> raw = Main.trainConfig(rest.toArray(new String[0]));
        TrainingJob.Setup s = new TrainingJob(raw).setup();
        Regularization regularization = Regularization.fromConfig(JobConfig.of(raw).regularization());
        TrainingOptions options = s.options().withGradientTransforms(List.of()).withConstraints(List.of());
        Path checkpoint = s.output().resolve(CHECKPOINT_FILE);
        SparkOptions spark = (localSteps == 0 ? SparkOptions.synchronous() : SparkOptions.localSteps(localSteps))
                .withRegularization(regularization).withCheckpoint(checkpoint, checkpointRounds)
                .withMetadata(s.metadata());
        SparkConf conf = SparkConfs.create(master, threads);
        if (shareClassPath) {
            SparkConfs.shareDriverClassPath(conf);
        }
        // One run per output directory, as for the engine's own trainer.
        try (org.myelin.io.DirectoryLock lock = org.myelin.io.DirectoryLock.acquire(s.output(), "output directory");
                JavaSparkContext sc = new JavaSparkContext(conf); SparkData data = SparkData.of(sc, s.train(), partitions)) {
            SparkTrainer trainer = new SparkTrainer(sc, s.model(), s.optimizer(), s.loss(), options, spark);
            if (s.resume() && Files.exists(checkpoint)) {
                trainer.resume(checkpoint);
                out.printf("resumed from %s after round %d%n", checkpoint, trainer.round());
            }
            Thread hook = new Thread(trainer::requestStop, "myelin-spark-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("training on Spark %s: %,d samples in %d partitions, %s, %d epochs, batch %d, %s%n", master,
                    data.size(), data.partitions(), localSteps == 0 ? "synchronous gradient averaging"
                    : "K = " + localSteps + " local steps per round", options.epochs(), options.batchSize(),
                    s.optimizer().config());
            SparkHistory h = trainer.fit(data, s.validation());
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // SIGTERM: the trainer stopped after its round and wrote its checkpoint
            }
            ModelFile.save(s.output().resolve(TrainingJob.MODEL_FILE), s.model(), s.metadata());
            h.epochs().writeCsv(s.output().resolve(TrainingJob.METRICS_CSV));
            out.printf(Locale.ROOT, "%d rounds in %.1f s: %,.0f samples/s; compute %.1f s, communication %.1f s"
                    + " (%.1f ms per round)%n", h.rounds().size(), h.seconds(), h.samplesPerSecond(),
                    h.computeSeconds(), h.communicationSeconds(),
                    1000 * h.communicationSeconds() / Math.max(1, h.rounds().size()));
            if (!h.epochs().isEmpty()) {
                out.printf(Locale.ROOT, "final train loss %.4f after %d epochs%n", h.epochs().last().trainLoss(),
                        h.epochs().last().epoch());
            }
            if (s.test() != null) {
                Evaluation e = Evaluation.of(s.model(), s.loss(), s.test(), 1000);
                if (Double.isNaN(e.accuracy())) {
                    out.printf(Locale.ROOT, "test loss %.5f on %,d samples%n", e.loss(), e.samples());
                } else {
                    out.printf(Locale.ROOT, "test accuracy %.4f (%.2f%%), test loss %.4f on %,d samples%n",
                            e.accuracy(), 100 * e.accuracy(), e.loss(), e.samples());
                }
            }
            out.println("wrote " + s.output().resolve(TrainingJob.MODEL_FILE) + ", " + TrainingJob.METRICS_CSV + ", "
                    + CHECKPOINT_FILE);
        }
        return 0;
    }

    private static String value(String[] args, int i, String name) {
        if (i >= args.length) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[i];
    }

    private static int integer(String[] args, int i, String name, int min) {
        String v = value(args, i, name);
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, was '" + v + "'");
        }
    }
}
