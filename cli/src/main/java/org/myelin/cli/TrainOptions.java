package org.myelin.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.train.JobConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of {@code myelin train}, shared with the spark module's {@code myelin train --spark}: each sets one
 * key of the raw job config (see {@link JobConfig}). {@link #config()} applies them in the order config file, then
 * environment ({@link #ENV}, for containers), then options, so each later source overrides the earlier.
 */
public final class TrainOptions {
    /**
     * Environment variables that override the config (for containers), the config key each sets and the converter
     * of the option that sets the same key, so that each takes the same range as its option.
     */
    record EnvironmentSetting(String key, ITypeConverter<? extends Number> converter) {}

    static final Map<String, EnvironmentSetting> ENV = Map.of(
            "MYELIN_EPOCHS", new EnvironmentSetting("training.epochs", new Converters.PositiveWholeNumber()),
            "MYELIN_BATCH_SIZE", new EnvironmentSetting("training.batch_size", new Converters.PositiveWholeNumber()),
            "MYELIN_SEED", new EnvironmentSetting("training.seed", new Converters.Seed()));

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
            converter = Converters.Fraction.class,
            description = "hold out fraction F of the training data for validation")
    Double validation;

    @Option(
            names = "--model",
            paramLabel = "NAME",
            completionCandidates = ModelNames.class,
            description = "one of: ${COMPLETION-CANDIDATES} (mlp, the default, takes the options below; cnn is"
                    + " conv32-conv64-maxpool-dense128, lenet LeNet-5; layers builds the model.layers list of a"
                    + " --config file)")
    String model;

    /** The architectures the model section takes, so that the help lists each (it left out layers). */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return org.myelin.train.ModelSpec.ARCHITECTURES.iterator();
        }
    }

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

    @Option(
            names = "--l2",
            paramLabel = "LAMBDA",
            converter = Converters.NonNegativeDecimal.class,
            description = "L2 penalty")
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

    /**
     * The raw job config: the config file, then the environment of this process, then the options; checked
     * ({@link JobConfig#of}) before it is returned.
     *
     * @throws UsageException for a bad value that came from an option or an environment variable, naming it
     * @throws org.myelin.ConfigurationException for a bad value in the config file, naming its key
     */
    public Map<String, Object> config() throws IOException {
        return config(System.getenv());
    }

    Map<String, Object> config(Map<String, String> environment) throws IOException {
        Map<String, Object> raw = config != null ? JobConfig.readFile(Path.of(config)) : new LinkedHashMap<>();
        sources.clear();
        typed.clear();
        applyEnvironment(raw, environment, sources);
        applyOptions(raw, sources);
        Object section = raw.get("data");
        Object source = section instanceof Map<?, ?> m ? m.get("source") : null;
        dataSource = source == null ? "mnist (the default)" : String.valueOf(source);
        try {
            JobConfig.of(raw);
        } catch (ConfigurationException e) {
            throw explain(e);
        }
        return raw;
    }

    /** The option or environment variable that set each config key, by the last {@link #config()}. */
    private final Map<String, String> sources = new LinkedHashMap<>();

    /** The option and value as typed ({@code --data synthetic:moons}) that set each config key. */
    private final Map<String, String> typed = new LinkedHashMap<>();

    /** The key of each section whose value chooses the section's other keys: a required key is missing for it. */
    private static final List<String> SELECTORS =
            List.of("data.source", "model.architecture", "optimizer.type", "schedule.type");

    /**
     * A config error found by {@link #config()} or later by the job (loading the data, building the model) as the
     * command line reports it: a {@link UsageException} naming the option when an option or environment variable of
     * the last {@link #config()} set the offending key, a key above it, or the key that chose a missing one
     * ({@code --model layers} for {@code model.layers}); else {@code e} itself, naming the config file's key.
     * Options that a data source does not take say which sources take them ({@code --test applies only to --data
     * csv:FILE, not mnist}).
     */
    public RuntimeException explain(ConfigurationException e) {
        String source = sourceOf(e.path(), sources);
        if (source != null) {
            String notApplicable = notForThisSource(e, source);
            if (notApplicable != null) {
                return new UsageException(notApplicable);
            }
            String problem = e.commandLineProblem();
            return new UsageException(source + (problem.startsWith("must ") ? " " : ": ") + problem);
        }
        String section = e.path().split("[.\\[]", 2)[0];
        if (section.equals(e.path()) && e.commandLineProblem().equals(e.problem())) {
            return e; // about the section as a whole (the data hold no samples), not a key an option chose
        }
        for (String selector : SELECTORS) {
            if (selector.startsWith(section + ".") && typed.containsKey(selector)) {
                // Worded for the command line, or else the key that is missing for the option's value.
                String problem = e.commandLineProblem().equals(e.problem())
                        ? e.path() + (e.problem().matches("(is|must) .*") ? " " : ": ") + e.problem()
                        : e.commandLineProblem();
                return new UsageException(typed.get(selector) + ": " + problem);
            }
        }
        return e;
    }

    /**
     * For {@code data.K: unknown key} where an option set {@code K}: the sources that take it and the one given,
     * e.g. {@code --test applies only to --data csv:FILE, not mnist}; else null.
     */
    private String notForThisSource(ConfigurationException e, String option) {
        if (!e.path().startsWith("data.") || !e.problem().startsWith("unknown key")) {
            return null;
        }
        return DataOptions.appliesOnly(option, e.path().substring("data.".length()), dataSource);
    }

    /** The data source of the last {@link #config()}, for messages. */
    private String dataSource = "mnist (the default)";

    /**
     * The option or environment variable that set {@code path} or a key above it ({@code data.name} from
     * {@code --data synthetic:NAME}), or null when the value came from the config file.
     */
    static String sourceOf(String path, Map<String, String> sources) {
        for (String key = path; !key.isEmpty(); key = parent(key)) {
            String source = sources.get(key);
            if (source != null) {
                return source;
            }
        }
        return null;
    }

    private static String parent(String key) {
        int cut = Math.max(key.lastIndexOf('.'), key.lastIndexOf('['));
        return cut < 0 ? "" : key.substring(0, cut);
    }

    static void applyEnvironment(Map<String, Object> raw, Map<String, String> env, Map<String, String> sources) {
        ENV.forEach((var, setting) -> {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                Number value;
                try {
                    value = setting.converter().convert(v.trim());
                } catch (Exception e) { // TypeConversionException: "must be an integer in 1..2147483647, was 'x'"
                    throw new UsageException(var + " " + e.getMessage());
                }
                JobConfig.put(raw, setting.key(), value);
                sources.put(setting.key(), var);
            }
        });
    }

    /** Sets the config key of each option given, and records in {@code sources} which option set it. */
    private void applyOptions(Map<String, Object> raw, Map<String, String> sources) {
        data.requireOneMnistDirectory();
        if (data.source != null) {
            String d = data.source;
            int colon = d.indexOf(':');
            String source = colon < 0 ? d : d.substring(0, colon);
            put(raw, sources, "data.source", "--data", source);
            typed.put("data.source", "--data " + d);
            if (colon >= 0) {
                put(
                        raw,
                        sources,
                        source.equals("synthetic") ? "data.name" : source.equals("csv") ? "data.train" : "data.dir",
                        "--data",
                        d.substring(colon + 1));
            }
        }
        if (data.classes() != null && data.classes() == 1) {
            throw new UsageException("--classes must be a number of classes >= 2, was 1 (leave it out to read the label"
                    + " column as a real-valued target)");
        }
        put(raw, sources, "data.classes", "--classes", data.classes());
        put(raw, sources, "data.test", "--test", test);
        put(raw, sources, "training.accept_changes", "--accept-change", acceptChange);
        put(raw, sources, "data.dir", "--data-dir", data.dataDir);
        put(raw, sources, "data.label_column", "--label-column", data.labelColumn);
        put(raw, sources, "data.limit", "--limit", limit);
        put(raw, sources, "data.validation_fraction", "--validation", validation);
        put(raw, sources, "training.epochs", "--epochs", epochs);
        put(raw, sources, "training.batch_size", "--batch-size", batchSize.batchSize);
        put(raw, sources, "training.seed", "--seed", seed.seed);
        put(raw, sources, "training.resume", "--no-resume", noResume ? false : null);
        put(raw, sources, "optimizer.type", "--optimizer", optimizer);
        if (optimizer != null) {
            typed.put("optimizer.type", "--optimizer " + optimizer);
        }
        put(raw, sources, "optimizer.learning_rate", "--lr", learningRate);
        put(raw, sources, "schedule.type", "--schedule", schedule);
        if (schedule != null) {
            typed.put("schedule.type", "--schedule " + schedule);
        }
        put(raw, sources, "loss", "--loss", loss);
        put(raw, sources, "model.architecture", "--model", model);
        if (model != null) {
            typed.put("model.architecture", "--model " + model);
        }
        put(raw, sources, "model.hidden", "--hidden", hidden == null ? null : hiddenSizes(hidden));
        put(raw, sources, "model.activation", "--activation", activation);
        put(raw, sources, "model.init", "--init", init);
        put(raw, sources, "model.dropout", "--dropout", dropout);
        put(raw, sources, "model.batch_norm", "--batch-norm", batchNorm ? true : null);
        put(raw, sources, "regularization.l2", "--l2", l2);
        put(raw, sources, "regularization.clip_norm", "--clip-norm", clipNorm);
        // Checked here as simulate and example check it (a usage error naming --out); the job checks the config's.
        put(
                raw,
                sources,
                "output",
                "--out",
                out.raw() == null
                        ? null
                        : OutputDirectory.of("--out", out.raw()).toString());
    }

    /** Sets {@code key} to {@code value} when the option was given, and records the option as its source. */
    private static void put(
            Map<String, Object> raw, Map<String, String> sources, String key, String option, Object value) {
        if (value != null) {
            JobConfig.put(raw, key, value);
            sources.put(key, option);
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
