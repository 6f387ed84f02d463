package org.myelin.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.train.JobConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code myelin train}, shared with the spark module's {@code myelin train --spark}: each sets one
 * key of the raw job config (see {@link JobConfig}). {@link #config()} applies them in the order config file, then
 * environment ({@link #ENV}, for containers), then options, so each later source overrides the earlier.
 */
public final class TrainOptions {
    /** Environment variables that override the config (for containers), and the config key each sets. */
    static final Map<String, String> ENV = Map.of(
            "MYELIN_EPOCHS", "training.epochs",
            "MYELIN_BATCH_SIZE", "training.batch_size",
            "MYELIN_SEED", "training.seed");

    @Option(
            names = "--config",
            paramLabel = "FILE.json",
            description = {
                "JSON job config (sections data, model, loss,"
                        + " optimizer, schedule, regularization, training, output); the environment and the options override it"
            })
    String config;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "directory of MNIST IDX files (plain or .gz)" + " instead of the cache")
    String dataDir;

    @Option(
            names = "--test",
            paramLabel = "FILE.csv",
            description = "csv: a test set, evaluated after training (same" + " columns as the training file)")
    String test;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = Converters.PositiveWholeNumber.class,
            description = "train on the first N training samples only")
    Integer limit;

    @Option(
            names = "--validation",
            paramLabel = "F",
            converter = Converters.Decimal.class,
            description = "hold out fraction F of the training data for validation")
    Double validation;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            description = "mlp (default) | cnn (conv32-conv64-maxpool-dense128)" + " | lenet (LeNet-5)")
    String model;

    @Option(
            names = "--hidden",
            paramLabel = "SIZES",
            description = "hidden layer sizes, e.g. 512,256 (none: no hidden" + " layer)")
    String hidden;

    @Option(names = "--activation", paramLabel = "NAME", description = "relu | tanh | sigmoid | ...")
    String activation;

    @Option(names = "--init", paramLabel = "NAME", description = "weight initialiser, e.g. he_normal")
    String init;

    @Option(
            names = "--dropout",
            paramLabel = "RATE",
            converter = Converters.Fraction.class,
            description = "dropout rate after each hidden layer")
    Double dropout;

    @Option(names = "--batch-norm", description = "batch normalisation after each hidden layer")
    boolean batchNorm;

    @Option(
            names = "--loss",
            paramLabel = "NAME",
            description = "softmax_cross_entropy (default) | mse" + " | binary_cross_entropy_with_logits | ...")
    String loss;

    @Option(
            names = "--optimizer",
            paramLabel = "NAME",
            completionCandidates = OptimizerNames.class,
            description = "one of: ${COMPLETION-CANDIDATES}")
    String optimizer;

    /** The registered optimisers, so a new one shows in the help and the completion without an edit here. */
    static final class OptimizerNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return org.myelin.optim.Optimizers.NAMES.iterator();
        }
    }

    @Option(
            names = "--lr",
            paramLabel = "RATE",
            converter = Converters.PositiveDecimal.class,
            description = "learning rate")
    Double learningRate;

    @Option(
            names = "--schedule",
            paramLabel = "NAME",
            description = "constant | step | exponential | cosine" + " | inverse_time")
    String schedule;

    @Option(names = "--l2", paramLabel = "LAMBDA", converter = Converters.Decimal.class, description = "L2 penalty")
    Double l2;

    @Option(
            names = "--clip-norm",
            paramLabel = "C",
            converter = Converters.PositiveDecimal.class,
            description = "clip the gradient's global norm to C")
    Double clipNorm;

    @Option(
            names = "--epochs",
            paramLabel = "N",
            converter = Converters.PositiveWholeNumber.class,
            description = "training epochs (environment: MYELIN_EPOCHS)")
    Integer epochs;

    @Mixin
    BatchSizeOption batchSize = new BatchSizeOption();

    @Mixin
    SeedOption seed = new SeedOption();

    @Mixin
    OutputOption out = new OutputOption();

    @Option(names = "--no-resume", description = "start over even if DIR holds a checkpoint")
    boolean noResume;

    @Option(
            names = "--accept-change",
            paramLabel = "KEY[,KEY]",
            description = "resume although these settings differ"
                    + " from the checkpoint's (e.g. training.epochs to train further; the architecture, loss and optimiser type"
                    + " cannot change). A resume with any other difference is refused, listing each")
    String acceptChange;

    /** The raw job config: the config file, then the environment of this process, then the options. */
    public Map<String, Object> config() throws IOException {
        return config(System.getenv());
    }

    Map<String, Object> config(Map<String, String> environment) throws IOException {
        Map<String, Object> raw = config != null ? JobConfig.readFile(Path.of(config)) : new LinkedHashMap<>();
        applyEnvironment(raw, environment);
        applyOptions(raw);
        return raw;
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

    private void applyOptions(Map<String, Object> raw) {
        if (data.source != null) {
            String d = data.source;
            int colon = d.indexOf(':');
            String source = colon < 0 ? d : d.substring(0, colon);
            JobConfig.put(raw, "data.source", source);
            if (colon >= 0) {
                JobConfig.put(
                        raw,
                        source.equals("synthetic") ? "data.name" : source.equals("csv") ? "data.train" : "data.dir",
                        d.substring(colon + 1));
            }
        }
        if (data.classes() != null && data.classes() == 1) {
            throw new UsageException("--classes must be a number of classes >= 2, was 1 (leave it out to read the label"
                    + " column as a real-valued target)");
        }
        put(raw, "data.classes", data.classes());
        put(raw, "data.test", test);
        put(raw, "training.accept_changes", acceptChange);
        put(raw, "data.dir", dataDir);
        put(raw, "data.limit", limit);
        put(raw, "data.validation_fraction", validation);
        put(raw, "training.epochs", epochs);
        put(raw, "training.batch_size", batchSize.batchSize);
        put(raw, "training.seed", seed.seed);
        if (noResume) {
            JobConfig.put(raw, "training.resume", false);
        }
        put(raw, "optimizer.type", optimizer);
        put(raw, "optimizer.learning_rate", learningRate);
        put(raw, "schedule.type", schedule);
        if (loss != null) {
            raw.put("loss", loss);
        }
        put(raw, "model.architecture", model);
        if (hidden != null) {
            JobConfig.put(raw, "model.hidden", hiddenSizes(hidden));
        }
        put(raw, "model.activation", activation);
        put(raw, "model.init", init);
        put(raw, "model.dropout", dropout);
        if (batchNorm) {
            JobConfig.put(raw, "model.batch_norm", true);
        }
        put(raw, "regularization.l2", l2);
        put(raw, "regularization.clip_norm", clipNorm);
        if (out.raw() != null) {
            raw.put("output", out.raw()); // the job config checks it (an empty one names the key "output")
        }
    }

    /** Sets {@code key} when the option was given. */
    private static void put(Map<String, Object> raw, String key, Object value) {
        if (value != null) {
            JobConfig.put(raw, key, value);
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
}
