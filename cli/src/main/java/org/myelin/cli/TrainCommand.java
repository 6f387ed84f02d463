package org.myelin.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.myelin.ConfigurationException;
import org.myelin.job.TrainingJob;
import org.myelin.train.JobConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code myelin train [--config FILE] [options]}: trains a model from a JSON job config (see {@link JobConfig})
 * with environment and command-line overrides ({@link TrainOptions}); by default the MNIST MLP.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a model from a JSON job config and these options (default: the MNIST MLP).",
            "Writes model.zip, metrics.csv, metrics.png and checkpoint.zip into DIR (default runs/mnist);",
            "a run started again on the same DIR resumes from its checkpoint."
        },
        footer = {
            "",
            "Environment: MYELIN_EPOCHS, MYELIN_BATCH_SIZE, MYELIN_SEED override the config file, the options"
                    + " override both; MYELIN_CACHE is where MNIST is cached (default ~/.cache/myelin).",
            "",
            "On Apache Spark: myelin train --spark MASTER [--partitions P] [--local-steps K] [--threads T]",
            "  [--checkpoint-rounds N] [--share-classpath] [options above]: scripts/myelin runs it with the spark",
            "  module; 'scripts/myelin train --spark --help' describes these options, docs/spark.md the rest."
        })
final class TrainCommand implements Callable<Integer> {
    @ParentCommand
    MyelinCommand myelin;

    @Mixin
    TrainOptions options = new TrainOptions();

    @Override
    public Integer call() throws Exception {
        PrintStream out = myelin.out();
        TrainingJob job;
        try {
            job = new TrainingJob(options.config());
        } catch (ConfigurationException e) {
            throw options.explain(e);
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> stopAndWait(job, finished), "myelin-stop");
        java.lang.Runtime.getRuntime().addShutdownHook(hook);
        try {
            TrainingJob.Result result;
            try {
                result = job.run(out, System.console() != null);
            } catch (ConfigurationException e) {
                // Found while loading the data or building the model: named by the option that set it, if one did.
                throw options.explain(e);
            }
            summarize(result, out);
        } finally {
            finished.countDown();
            try {
                java.lang.Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is already stopping (SIGTERM): the hook has run and the checkpoint is written.
            }
        }
        return 0;
    }

    /** How long a SIGTERM waits for the job to write its checkpoint, model and metrics before the JVM exits. */
    static final long STOP_GRACE_SECONDS = 120;

    /**
     * The shutdown hook (SIGTERM, SIGINT): asks the job to stop after its current step, then waits for it to
     * finish writing, since the JVM halts as soon as its shutdown hooks return. A job still loading its data (or
     * blocked reading it) has trained nothing: the JVM exits at once instead of waiting out the grace period.
     */
    static void stopAndWait(TrainingJob job, CountDownLatch finished) {
        job.requestStop();
        if (!job.trainingStarted()) {
            return;
        }
        try {
            finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void summarize(TrainingJob.Result r, PrintStream out) {
        if (r.alreadyFinished()) {
            int done = r.history().isEmpty() ? 0 : r.history().last().epoch();
            out.printf(
                    "%s: this run had already finished its %s (%s, step %d); nothing was trained. Start over with"
                            + " --no-resume, or raise --epochs and add --accept-change training.epochs to train"
                            + " further%n",
                    r.output(), epochs(done), TrainingJob.CHECKPOINT_FILE, r.steps());
            printTest(r, " of " + r.testedWeights(), out);
            printWritten(r, out);
            return;
        }
        if (!r.completed()) {
            out.printf(
                    "stopped early at step %d; checkpoint written to %s%n",
                    r.steps(), r.output().resolve(TrainingJob.CHECKPOINT_FILE));
        }
        if (!r.history().isEmpty()) {
            var last = r.history().last();
            double samples = 0;
            double seconds = 0;
            for (var e : r.history().epochs()) {
                samples += e.samplesPerSecond() * e.seconds();
                seconds += e.seconds();
            }
            out.printf(
                    Locale.ROOT,
                    "trained %s in %.1f s of training steps (%,.0f samples/s); final train loss %.4f%n",
                    epochs(last.epoch()),
                    seconds,
                    samples / Math.max(seconds, 1e-9),
                    last.trainLoss());
        }
        printTest(r, "", out);
        printWritten(r, out);
    }

    /** "1 epoch", "6 epochs". */
    static String epochs(int n) {
        return n + (n == 1 ? " epoch" : " epochs");
    }

    private static void printTest(TrainingJob.Result r, String of, PrintStream out) {
        if (r.test() == null) {
            return;
        }
        if (Double.isNaN(r.test().accuracy())) {
            out.printf(
                    Locale.ROOT,
                    "test loss%s %.5f on %,d samples%n",
                    of,
                    r.test().loss(),
                    r.test().samples());
        } else {
            out.printf(
                    Locale.ROOT,
                    "test accuracy%s %.4f (%.2f%%), test loss %.4f on %,d samples%n",
                    of,
                    r.test().accuracy(),
                    100 * r.test().accuracy(),
                    r.test().loss(),
                    r.test().samples());
        }
    }

    /** "wrote DIR/model.zip, metrics.csv, metrics.png": the files this run wrote, none for a finished run's re-run. */
    private static void printWritten(TrainingJob.Result r, PrintStream out) {
        if (r.written().isEmpty()) {
            out.println("kept " + r.output() + " as it was (nothing written)");
            return;
        }
        out.println("wrote " + r.output().resolve(r.written().get(0))
                + (r.written().size() > 1
                        ? ", "
                                + String.join(
                                        ", ", r.written().subList(1, r.written().size()))
                        : ""));
    }
}
