package org.myelin.spark;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.myelin.cli.CommandLines;
import org.myelin.cli.Main;
import org.myelin.io.ModelFile;
import org.myelin.job.TrainingJob;
import org.myelin.train.Evaluation;
import org.myelin.train.JobConfig;
import org.myelin.train.TrainingOptions;
import picocli.CommandLine;

/**
 * {@code myelin train --spark MASTER [spark options] [train options]}: the engine's training job (same config file,
 * options and defaults as {@code myelin train}) trained on Spark by a {@link SparkTrainer}. scripts/myelin runs this
 * class when it sees {@code --spark}; the engine's own command line never depends on Spark.
 */
public final class SparkTrainMain {
    static final String CHECKPOINT_FILE = "checkpoint-spark.zip";

    private SparkTrainMain() {}

    public static void main(String[] args) {
        Main.checkSettingsAndSelectBlas(); // the settings' checks and the BLAS, as myelin's own main
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line ({@code train --spark MASTER ...}; the leading {@code train} is optional). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        String[] options = args.length > 0 && args[0].equals("train") ? Arrays.copyOfRange(args, 1, args.length) : args;
        // myelin train --spark --help (what every usage error points to): the help, not --help taken as the MASTER.
        for (int i = 0; i + 1 < options.length; i++) {
            if (options[i].equals("--spark") && (options[i + 1].equals("--help") || options[i + 1].equals("-h"))) {
                options = new String[] {options[i + 1]};
                break;
            }
        }
        return CommandLines.execute(new CommandLine(new SparkTrainCommand(out)), options, out, err);
    }

    /** Trains the job {@code raw} (a raw job config, see {@link JobConfig}) on Spark; returns the exit code. */
    static int train(SparkCommandOptions o, Map<String, Object> raw, PrintStream out) throws Exception {
        String master = o.master;
        int partitions = o.partitions;
        int localSteps = o.localSteps;
        int threads = o.threads;
        int checkpointRounds = o.checkpointRounds;
        boolean shareClassPath = o.shareClassPath;
        TrainingJob.Setup s = new TrainingJob(raw).setup();
        Regularization regularization =
                Regularization.fromConfig(JobConfig.of(raw).regularization());
        TrainingOptions options = s.options().withGradientTransforms(List.of()).withConstraints(List.of());
        Path checkpoint = s.output().resolve(CHECKPOINT_FILE);
        SparkOptions spark = (localSteps == 0 ? SparkOptions.synchronous() : SparkOptions.localSteps(localSteps))
                .withRegularization(regularization)
                .withCheckpoint(checkpoint, checkpointRounds)
                .withMetadata(s.metadata());
        SparkConf conf = SparkConfs.create(master, threads);
        if (shareClassPath) {
            SparkConfs.shareDriverClassPath(conf);
        }
        // One run per output directory, as for the engine's own trainer.
        try (org.myelin.io.DirectoryLock lock = org.myelin.io.DirectoryLock.acquire(s.output(), "output directory");
                JavaSparkContext sc = new JavaSparkContext(conf);
                SparkData data = SparkData.of(sc, s.train(), partitions)) {
            SparkTrainer trainer = new SparkTrainer(sc, s.model(), s.optimizer(), s.loss(), options, spark);
            if (s.resume() && Files.exists(checkpoint)) {
                trainer.resume(checkpoint);
                out.printf("resumed from %s after round %d%n", checkpoint, trainer.round());
            }
            Thread hook = new Thread(trainer::requestStop, "myelin-spark-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf(
                    "training on Spark %s: %,d samples in %d partitions, %s, %d epochs, batch %d, %s%n",
                    master,
                    data.size(),
                    data.partitions(),
                    localSteps == 0 ? "synchronous gradient averaging" : "K = " + localSteps + " local steps per round",
                    options.epochs(),
                    options.batchSize(),
                    s.optimizer().config());
            SparkHistory h = trainer.fit(data, s.validation());
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // SIGTERM: the trainer stopped after its round and wrote its checkpoint
            }
            ModelFile.save(s.output().resolve(TrainingJob.MODEL_FILE), s.model(), s.metadata());
            h.epochs().writeCsv(s.output().resolve(TrainingJob.METRICS_CSV));
            out.printf(
                    Locale.ROOT,
                    "%d rounds in %.1f s: %,.0f samples/s; compute %.1f s, communication %.1f s"
                            + " (%.1f ms per round)%n",
                    h.rounds().size(),
                    h.seconds(),
                    h.samplesPerSecond(),
                    h.computeSeconds(),
                    h.communicationSeconds(),
                    1000 * h.communicationSeconds() / Math.max(1, h.rounds().size()));
            if (!h.epochs().isEmpty()) {
                out.printf(
                        Locale.ROOT,
                        "final train loss %.4f after %d epochs%n",
                        h.epochs().last().trainLoss(),
                        h.epochs().last().epoch());
            }
            if (s.test() != null) {
                // The batch the job sized against the memory limit (TrainingJob.evaluationBatchSize), not a fixed 1000.
                Evaluation e = Evaluation.of(s.model(), s.loss(), s.test(), options.evaluationBatchSize());
                if (Double.isNaN(e.accuracy())) {
                    out.printf(Locale.ROOT, "test loss %.5f on %,d samples%n", e.loss(), e.samples());
                } else {
                    out.printf(
                            Locale.ROOT,
                            "test accuracy %.4f (%.2f%%), test loss %.4f on %,d samples%n",
                            e.accuracy(),
                            100 * e.accuracy(),
                            e.loss(),
                            e.samples());
                }
            }
            out.println("wrote " + s.output().resolve(TrainingJob.MODEL_FILE) + ", " + TrainingJob.METRICS_CSV + ", "
                    + CHECKPOINT_FILE);
        }
        return 0;
    }
}
