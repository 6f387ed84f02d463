package org.myelin.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.myelin.train.JobConfig;
import org.myelin.train.TrainingJob;

/**
 * {@code myelin train [--config FILE] [options]}: trains a model from a JSON job config (see {@link JobConfig})
 * with command-line and environment overrides; by default the MNIST MLP.
 */
final class TrainCommand implements Main.Command {
    private static final Set<String> VALUED = Set.of("config", "data", "data-dir", "epochs", "batch-size", "seed",
            "lr", "optimizer", "loss", "model", "hidden", "activation", "init", "dropout", "l2", "clip-norm", "schedule",
            "validation", "limit", "out", "classes", "test", "accept-change");
    private static final Set<String> FLAGS = Set.of("batch-norm", "no-resume", "help");

    /** Environment variables that override the config (for containers), and the config key each sets. */
    static final Map<String, String> ENV = Map.of(
            "MYELIN_EPOCHS", "training.epochs",
            "MYELIN_BATCH_SIZE", "training.batch_size",
            "MYELIN_SEED", "training.seed");

    @Override
    public String summary() {
        return "train a model (default: the MNIST MLP); writes model.zip, metrics.csv, metrics.png";
    }

    @Override
    public int run(String[] args, PrintStream out) throws Exception {
        Options o = Options.parse(args, VALUED, FLAGS);
        if (o.has("help")) {
            out.println(HELP);
            return 0;
        }
        TrainingJob job = new TrainingJob(config(o));
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> stopAndWait(job, finished), "myelin-stop");
        java.lang.Runtime.getRuntime().addShutdownHook(hook);
        try {
            summarize(job.run(out, System.console() != null), out);
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

    /** The raw job config of {@code myelin train ARGS}: the config file, then the environment, then the options. */
    static Map<String, Object> config(String[] args) throws java.io.IOException {
        return config(Options.parse(args, VALUED, FLAGS));
    }

    private static Map<String, Object> config(Options o) throws java.io.IOException {
        if (!o.positional.isEmpty()) {
            throw new UsageException("unexpected argument '" + o.positional.get(0) + "'");
        }
        Map<String, Object> raw = o.has("config") ? JobConfig.readFile(Path.of(o.get("config"))) : new LinkedHashMap<>();
        applyEnvironment(raw, System.getenv());
        applyOptions(raw, o);
        return raw;
    }

    /** How long a SIGTERM waits for the job to write its checkpoint, model and metrics before the JVM exits. */
    static final long STOP_GRACE_SECONDS = 120;

    /**
     * The shutdown hook (SIGTERM, SIGINT): asks the job to stop after its current step, then waits for it to
     * finish writing, since the JVM halts as soon as its shutdown hooks return.
     */
    static void stopAndWait(TrainingJob job, CountDownLatch finished) {
        job.requestStop();
        try {
            finished.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void summarize(TrainingJob.Result r, PrintStream out) {
        if (!r.completed()) {
            out.printf("stopped early at step %d; checkpoint written to %s%n", r.steps(),
                    r.output().resolve(TrainingJob.CHECKPOINT_FILE));
        }
        if (!r.history().isEmpty()) {
            var last = r.history().last();
            double samples = 0;
            double seconds = 0;
            for (var e : r.history().epochs()) {
                samples += e.samplesPerSecond() * e.seconds();
                seconds += e.seconds();
            }
            out.printf(Locale.ROOT, "trained %d epochs in %.1f s of training steps (%,.0f samples/s); final train loss %.4f%n",
                    last.epoch(), seconds, samples / Math.max(seconds, 1e-9), last.trainLoss());
        }
        if (r.test() != null) {
            if (Double.isNaN(r.test().accuracy())) {
                out.printf(Locale.ROOT, "test loss %.5f on %,d samples%n", r.test().loss(), r.test().samples());
            } else {
                out.printf(Locale.ROOT, "test accuracy %.4f (%.2f%%), test loss %.4f on %,d samples%n",
                        r.test().accuracy(), 100 * r.test().accuracy(), r.test().loss(), r.test().samples());
            }
        }
        out.println("wrote " + r.output().resolve(TrainingJob.MODEL_FILE) + ", " + TrainingJob.METRICS_CSV + ", "
                + TrainingJob.METRICS_PNG);
    }

    static void applyEnvironment(Map<String, Object> raw, Map<String, String> env) {
        ENV.forEach((var, key) -> {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                try {
                    JobConfig.put(raw, key, Long.parseLong(v.trim()));
                } catch (NumberFormatException e) {
                    throw new UsageException(var + " must be an integer in " + Long.MIN_VALUE + ".." + Long.MAX_VALUE
                            + ", was '" + org.myelin.io.Text.shorten(v, 40) + "'");
                }
            }
        });
    }

    private static void applyOptions(Map<String, Object> raw, Options o) {
        if (o.has("data")) {
            String d = o.get("data");
            int colon = d.indexOf(':');
            String source = colon < 0 ? d : d.substring(0, colon);
            JobConfig.put(raw, "data.source", source);
            if (colon >= 0) {
                JobConfig.put(raw, source.equals("synthetic") ? "data.name" : source.equals("csv") ? "data.train" : "data.dir",
                        d.substring(colon + 1));
            }
        }
        if (o.has("classes")) {
            int k = o.integer("classes");
            if (k < 1) {
                throw new UsageException("--classes must be a number of classes >= 1, was " + k);
            }
            JobConfig.put(raw, "data.classes", k);
        }
        if (o.has("test")) {
            JobConfig.put(raw, "data.test", o.get("test"));
        }
        if (o.has("accept-change")) {
            JobConfig.put(raw, "training.accept_changes", o.get("accept-change"));
        }
        if (o.has("data-dir")) {
            JobConfig.put(raw, "data.dir", o.get("data-dir"));
        }
        if (o.has("limit")) {
            JobConfig.put(raw, "data.limit", o.integer("limit"));
        }
        if (o.has("validation")) {
            JobConfig.put(raw, "data.validation_fraction", o.number("validation"));
        }
        if (o.has("epochs")) {
            JobConfig.put(raw, "training.epochs", o.integer("epochs"));
        }
        if (o.has("batch-size")) {
            JobConfig.put(raw, "training.batch_size", o.integer("batch-size"));
        }
        if (o.has("seed")) {
            JobConfig.put(raw, "training.seed", o.integer("seed"));
        }
        if (o.has("no-resume")) {
            JobConfig.put(raw, "training.resume", false);
        }
        if (o.has("optimizer")) {
            JobConfig.put(raw, "optimizer.type", o.get("optimizer"));
        }
        if (o.has("lr")) {
            JobConfig.put(raw, "optimizer.learning_rate", o.number("lr"));
        }
        if (o.has("schedule")) {
            JobConfig.put(raw, "schedule.type", o.get("schedule"));
        }
        if (o.has("loss")) {
            raw.put("loss", o.get("loss"));
        }
        if (o.has("model")) {
            JobConfig.put(raw, "model.architecture", o.get("model"));
        }
        if (o.has("hidden")) {
            JobConfig.put(raw, "model.hidden", hiddenSizes(o.get("hidden")));
        }
        if (o.has("activation")) {
            JobConfig.put(raw, "model.activation", o.get("activation"));
        }
        if (o.has("init")) {
            JobConfig.put(raw, "model.init", o.get("init"));
        }
        if (o.has("dropout")) {
            JobConfig.put(raw, "model.dropout", o.number("dropout"));
        }
        if (o.has("batch-norm")) {
            JobConfig.put(raw, "model.batch_norm", true);
        }
        if (o.has("l2")) {
            JobConfig.put(raw, "regularization.l2", o.number("l2"));
        }
        if (o.has("clip-norm")) {
            JobConfig.put(raw, "regularization.clip_norm", o.number("clip-norm"));
        }
        if (o.has("out")) {
            raw.put("output", o.get("out"));
        }
    }

    /**
     * The sizes of {@code --hidden}: comma-separated whole numbers in 1..{@link Integer#MAX_VALUE}, or {@code none}
     * for a model without hidden layers. An empty value is an error, not a silent linear model.
     */
    static List<Integer> hiddenSizes(String value) {
        if (value.trim().equals("none")) {
            return List.of();
        }
        List<Integer> sizes = new ArrayList<>();
        for (String s : value.split(",", -1)) {
            String p = s.trim();
            long n = p.matches("\\d{1,10}") ? Long.parseLong(p) : -1;
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw new UsageException("--hidden must be comma-separated sizes in 1.." + Integer.MAX_VALUE
                        + " (or none for no hidden layer), was '" + org.myelin.io.Text.shorten(value, 40) + "'");
            }
            sizes.add((int) n);
        }
        return sizes;
    }

    static final String HELP = String.join("\n",
            "usage: myelin train [--config FILE.json] [options]",
            "",
            "  --config FILE       JSON job config (sections data, model, loss, optimizer, schedule,",
            "                      regularization, training, output); options below override it",
            "  --data SOURCE       mnist | mnist:DIR | csv:TRAIN.csv | synthetic:NAME (xor, spirals, moons, ...)",
            "  --data-dir DIR      directory of MNIST IDX files (plain or .gz) instead of the cache",
            "  --classes K         csv: the label column holds classes 0..K-1 (without it: regression)",
            "  --test FILE.csv     csv: a test set, evaluated after training (same columns as the training file)",
            "  --limit N           train on the first N training samples only",
            "  --validation F      hold out fraction F of the training data for validation",
            "  --model NAME        mlp (default) | cnn (conv32-conv64-maxpool-dense128) | lenet (LeNet-5)",
            "  --hidden 512,256    hidden layer sizes (none: no hidden layer)   --activation relu|tanh|...",
            "  --init he_normal    weight initialiser        --dropout RATE     --batch-norm",
            "  --loss NAME         softmax_cross_entropy (default), mse, binary_cross_entropy_with_logits, ...",
            "  --optimizer NAME    sgd|momentum|nesterov|adagrad|rmsprop|adadelta|adam|adamw   --lr RATE",
            "  --schedule NAME     constant|step|exponential|cosine|inverse_time",
            "  --l2 LAMBDA         --clip-norm C",
            "  --epochs N          --batch-size N           --seed N",
            "  --out DIR           output directory (default runs/mnist)",
            "  --no-resume         start over even if DIR holds a checkpoint",
            "  --accept-change KEY[,KEY]  resume although these settings differ from the checkpoint's",
            "                      (e.g. training.epochs to train further; the architecture, loss and optimiser type",
            "                      cannot change). A resume with any other difference is refused, listing each",
            "",
            "Environment: MYELIN_EPOCHS, MYELIN_BATCH_SIZE, MYELIN_SEED override the config;",
            "MYELIN_CACHE is where MNIST is cached (default ~/.cache/myelin).");
}
