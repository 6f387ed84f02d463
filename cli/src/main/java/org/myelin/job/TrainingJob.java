package org.myelin.job;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.myelin.data.Csv;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.data.Split;
import org.myelin.data.Standardizer;
import org.myelin.data.Synthetic;
import org.myelin.io.AtomicFiles;
import org.myelin.io.ModelFile;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.ModuleConfig;
import org.myelin.optim.ClipByGlobalNorm;
import org.myelin.optim.ClipByValue;
import org.myelin.optim.GradientTransform;
import org.myelin.optim.L1Penalty;
import org.myelin.optim.L2Penalty;
import org.myelin.optim.LearningRateSchedule;
import org.myelin.optim.MaxNormConstraint;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.optim.Schedules;
import org.myelin.plot.LinePlot;
import org.myelin.train.ModelSpec;
import org.myelin.train.Callback;
import org.myelin.train.Checkpointing;
import org.myelin.train.ConfigReader;
import org.myelin.train.DivergencePolicy;
import org.myelin.train.EarlyStopping;
import org.myelin.train.EpochRecord;
import org.myelin.train.Evaluation;
import org.myelin.train.History;
import org.myelin.train.JobConfig;
import org.myelin.train.LossFunction;
import org.myelin.train.Progress;
import org.myelin.train.RunIdentity;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link JobConfig}: loads the data, builds the model, optimiser and trainer, resumes from the output
 * directory's checkpoint when there is one, trains, evaluates on the test set and writes {@code model.zip},
 * {@code metrics.csv} and {@code metrics.png} to the output directory.
 */
public final class TrainingJob {
    private static final Logger log = LoggerFactory.getLogger(TrainingJob.class);

    public static final String MODEL_FILE = "model.zip";
    public static final String CHECKPOINT_FILE = "checkpoint.zip";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String METRICS_PNG = "metrics.png";

    /** The outcome of a job; {@code steps} is the global step count reached (where a stopped job resumes). */
    public record Result(Evaluation test, History history, Path output, double trainSeconds, boolean resumed,
            boolean completed, long parameters, long steps) {
    }

    private final JobConfig config;
    private final Map<String, Object> rawConfig;
    private volatile Trainer trainer;
    private volatile boolean stopRequested;
    private Checkpointing checkpointing;

    public TrainingJob(Map<String, Object> rawConfig) {
        this.rawConfig = rawConfig;
        this.config = JobConfig.of(rawConfig);
    }

    /**
     * Asks the job to stop after its current step (or before its first, when it is still loading data); it then
     * writes a checkpoint (SIGTERM handling). Safe from another thread.
     */
    public void requestStop() {
        stopRequested = true;
        Trainer t = trainer;
        if (t != null) {
            t.requestStop();
        }
    }

    /** The data sets of a job: training, validation (may be null) and test (may be null). */
    record Data(Dataset train, Dataset validation, Dataset test) {
    }

    /**
     * Everything a job builds before it trains, for trainers other than {@link Trainer} (the Spark module) that
     * run the same config: the data, the model initialised from the seed, the optimiser, the loss, the training
     * options (schedule, regularisation as gradient transforms and constraints, divergence policy), the output
     * directory (created), the metadata saved with the model, and the checkpoint settings.
     */
    public record Setup(Dataset train, Dataset validation, Dataset test, Module model, Optimizer optimizer,
            LossFunction loss, TrainingOptions options, Path output, Map<String, Object> metadata,
            int checkpointEveryEpochs, long checkpointEverySteps, boolean resume, int earlyStoppingPatience,
            RunIdentity identity, java.util.Set<String> acceptedChanges) {
    }

    /** Reads the config, loads the data and builds model, optimiser and options, as {@link #run} does first. */
    public Setup setup() throws IOException {
        ModelSpec modelSpec = ModelSpec.of(config.model());
        DataType type = modelSpec.type();
        ConfigReader trainingCfg = new ConfigReader("training", config.training());
        int epochs = trainingCfg.integer("epochs", 6, 1);
        int batchSize = trainingCfg.integer("batch_size", 128, 1);
        long seed = trainingCfg.longValue("seed", 42);
        int patience = trainingCfg.integer("early_stopping_patience", 0, 0);
        int checkpointEvery = trainingCfg.integer("checkpoint_every_epochs", 1, 0);
        long checkpointSteps = trainingCfg.integer("checkpoint_every_steps", 0, 0);
        boolean resume = trainingCfg.bool("resume", true);
        java.util.Set<String> accepted = acceptedChanges(trainingCfg);
        DivergencePolicy onDivergence = divergencePolicy(trainingCfg);
        trainingCfg.finish();
        Path outDir = outputDirectory(config.output());

        LossFunction loss;
        try {
            loss = LossFunction.byName(config.loss());
        } catch (IllegalArgumentException e) {
            throw new ConfigReader.ConfigException("loss: " + e.getMessage());
        }
        Data data = loadData(new ConfigReader("data", config.data()), type, seed, modelSpec.takesImages());
        if ((loss == LossFunction.SOFTMAX_CROSS_ENTROPY || loss == LossFunction.CATEGORICAL_CROSS_ENTROPY)
                && data.train().isClassification() && data.train().numTargets() == 1) {
            // A 0/1 column (the synthetic gates, moons, spirals): softmax needs one column per class.
            data = new Data(data.train().asOneHot(), data.validation() == null ? null : data.validation().asOneHot(),
                    data.test() == null ? null : data.test().asOneHot());
        }
        if (data.train().size() == 0) {
            throw new ConfigReader.ConfigException("data: the training set has no samples");
        }
        if (data.test() != null && data.test().size() == 0) {
            throw new ConfigReader.ConfigException("data: the test set has no samples");
        }
        RunIdentity identity = new RunIdentity();
        identity.put("model.data_type", ModuleConfig.dataTypeName(type));
        Module model = modelSpec.build(seed, data.train(), identity);
        Optimizer optimizer = buildOptimizer(model);
        // Without overflow: size + batchSize - 1 wraps for a batch size near Integer.MAX_VALUE.
        long stepsPerEpoch = data.train().size() / batchSize + (data.train().size() % batchSize == 0 ? 0 : 1);
        LearningRateSchedule schedule = buildSchedule(optimizer.learningRate(), epochs * stepsPerEpoch);
        ConfigReader reg = new ConfigReader("regularization", config.regularization());
        List<GradientTransform> transforms = new ArrayList<>();
        double l2 = reg.positive("l2", 0, true);
        double l1 = reg.positive("l1", 0, true);
        double clipValue = reg.positive("clip_value", 0, true);
        double clipNorm = reg.positive("clip_norm", 0, true);
        double maxNorm = reg.positive("max_norm", 0, true);
        reg.finish();
        if (l2 > 0) {
            transforms.add(new L2Penalty(l2));
        }
        if (l1 > 0) {
            transforms.add(new L1Penalty(l1));
        }
        if (clipValue > 0) {
            transforms.add(new ClipByValue(clipValue));
        }
        if (clipNorm > 0) {
            transforms.add(new ClipByGlobalNorm(clipNorm));
        }
        List<MaxNormConstraint> constraints = maxNorm > 0 ? List.of(new MaxNormConstraint(maxNorm)) : List.of();
        // Batch norm cannot normalise a batch of one sample: drop such a last batch.
        boolean dropLast = data.train().size() % batchSize == 1 && modelSpec.hasBatchNorm();
        TrainingOptions options = new TrainingOptions(epochs, batchSize, seed, dropLast, 1000, schedule,
                transforms, constraints, onDivergence);
        identity.put("loss", loss.id());
        optimizer.config().forEach((k, v) -> identity.put("optimizer." + k, v));
        // As given: a default the job derives (the cosine period) follows from the epochs, batch size and data.
        new java.util.TreeMap<>(config.schedule()).forEach((k, v) -> identity.put("schedule." + k, v));
        identity.put("regularization.l2", l2).put("regularization.l1", l1).put("regularization.clip_value", clipValue)
                .put("regularization.clip_norm", clipNorm).put("regularization.max_norm", maxNorm);
        identity.put("training.epochs", epochs).put("training.batch_size", batchSize).put("training.seed", seed)
                .put("training.on_divergence", onDivergence.action().name().toLowerCase(java.util.Locale.ROOT))
                .put("training.divergence_retries", onDivergence.maxRetries())
                .put("training.divergence_rate_factor", onDivergence.rateFactor());
        identity.putData("train", data.train());
        if (data.validation() != null) {
            identity.putData("validation", data.validation());
        }

        prepareOutput(outDir);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("loss", loss.id());
        metadata.put("job", rawConfig);
        return new Setup(data.train(), data.validation(), data.test(), model, optimizer, loss, options, outDir,
                metadata, checkpointEvery, checkpointSteps, resume, patience, identity, accepted);
    }

    /** The names of the files a job writes into its output directory. */
    public static final List<String> OUTPUTS = List.of(MODEL_FILE, CHECKPOINT_FILE, METRICS_CSV, METRICS_PNG);

    /**
     * The output directory of {@code output} (the config's "output"): refused when empty or blank (which would
     * mean the working directory, where a model.zip of another run may be) or when it names something other
     * than a directory. "." is accepted: it names the working directory explicitly.
     */
    static Path outputDirectory(String output) {
        if (output == null || output.isBlank()) {
            throw new ConfigReader.ConfigException("output: must name a directory, was \"" + (output == null ? ""
                    : output) + "\" (write \".\" for the working directory)");
        }
        Path dir;
        try {
            dir = Path.of(output);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigReader.ConfigException("output: not a valid path: " + e.getMessage());
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigReader.ConfigException("output: " + dir + " exists and is not a directory");
        }
        return dir;
    }

    /** Creates the output directory when missing and checks that it is writable. */
    private static Path prepareOutput(Path outDir) throws IOException {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new IOException("output directory " + outDir + " cannot be created (" + e + ")", e);
        }
        if (!Files.isWritable(outDir)) {
            throw new IOException("output directory " + outDir + " is not writable");
        }
        return outDir;
    }

    /** {@code training.accept_changes}: comma-separated config keys that may differ from the checkpoint's. */
    private static java.util.Set<String> acceptedChanges(ConfigReader t) {
        java.util.Set<String> keys = RunIdentity.parseAccepted(t.string("accept_changes", null));
        for (String k : keys) {
            if (!RunIdentity.acceptable(k)) {
                throw t.error("accept_changes", "'" + k + "' cannot change when resuming (the checkpoint's weights and"
                        + " optimiser state belong to it); start over with \"resume\": false instead");
            }
        }
        return keys;
    }

    public Result run(PrintStream out, boolean terminal) throws IOException {
        // One run per output directory: a second would resume from this one's checkpoints and overwrite its outputs.
        // Locked before the data is loaded, so that a second run is refused at once.
        Path dir = prepareOutput(outputDirectory(config.output()));
        try (org.myelin.io.DirectoryLock lock = org.myelin.io.DirectoryLock.acquire(dir, "output directory")) {
            // Before any work: no output may be written through a link planted in the output directory.
            for (String name : OUTPUTS) {
                AtomicFiles.requireNotLink(dir.resolve(name));
            }
            return run(setup(), out, terminal);
        }
    }

    /** {@link #run(PrintStream, boolean)} while holding the output directory's lock. */
    private Result run(Setup setup, PrintStream out, boolean terminal) throws IOException {
        Data data = new Data(setup.train(), setup.validation(), setup.test());
        Module model = setup.model();
        Optimizer optimizer = setup.optimizer();
        LossFunction loss = setup.loss();
        TrainingOptions options = setup.options();
        Path outDir = setup.output();
        int epochs = options.epochs();
        int batchSize = options.batchSize();
        int patience = setup.earlyStoppingPatience();
        boolean resume = setup.resume();
        Map<String, Object> metadata = setup.metadata();
        // Temporary files of checkpoints whose writing was interrupted (a killed process) are garbage now; the
        // lock guarantees that no other run is writing them.
        for (String name : OUTPUTS) {
            AtomicFiles.removeTemporaries(outDir.resolve(name));
        }
        List<Callback> callbacks = new ArrayList<>();
        callbacks.add(new Progress(out, terminal, 10.0));
        if (patience > 0) {
            if (data.validation() == null) {
                throw new ConfigReader.ConfigException("training.early_stopping_patience: needs validation data;"
                        + " set data.validation_fraction > 0");
            }
            callbacks.add(new EarlyStopping(patience, 0.0, true));
        }
        checkpointing = new Checkpointing(outDir.resolve(CHECKPOINT_FILE), setup.checkpointEveryEpochs(),
                setup.checkpointEverySteps(), metadata, setup.identity());
        callbacks.add(checkpointing);
        Trainer t = new Trainer(model, loss, optimizer, options, callbacks);
        boolean resumed = false;
        Path checkpoint = outDir.resolve(CHECKPOINT_FILE);
        if (resume && Files.exists(checkpoint)) {
            Checkpointing.resume(t, checkpoint, setup.identity(), setup.acceptedChanges());
            resumed = true;
            out.printf("resumed from %s at epoch %d, step %d%n", checkpoint, t.epoch(), t.state().step());
        }
        trainer = t;
        if (stopRequested) {
            t.requestStop(); // asked while the data was loading: stop before the first step
        }
        out.printf("training %s (%,d parameters) on %,d samples: %d epochs, batch %d, %s%n", describe(model),
                model.parameterCount(), data.train().size(), epochs, batchSize, optimizer.config());
        long start = System.nanoTime();
        History history = t.fit(data.train(), data.validation());
        double seconds = (System.nanoTime() - start) / 1e9;

        Evaluation test = data.test() == null ? null : Evaluation.of(model, loss, data.test(), 1000);
        ModelFile.save(outDir.resolve(MODEL_FILE), model, metadata);
        history.writeCsv(outDir.resolve(METRICS_CSV));
        if (!history.isEmpty()) {
            plot(history, outDir.resolve(METRICS_PNG), loss.isClassification());
        }
        return new Result(test, history, outDir, seconds, resumed, !t.stopRequested(), model.parameterCount(),
                t.state().step());
    }

    /** {@code training.on_divergence} ("stop", "skip", "rollback") with its optional retries and rate factor. */
    private static DivergencePolicy divergencePolicy(ConfigReader t) {
        String name = t.string("on_divergence", "stop");
        int r = t.integer("divergence_retries", 0, 1); // 0: absent, the policy's default
        Integer retries = r == 0 ? null : r;
        double f = t.number("divergence_rate_factor", Double.NaN); // NaN: absent (JSON has no NaN)
        if (!Double.isNaN(f) && !(f > 0 && f <= 1)) {
            throw t.error("divergence_rate_factor", "must be in (0, 1], was " + f);
        }
        Double factor = Double.isNaN(f) ? null : f;
        try {
            return DivergencePolicy.of(name, factor, retries);
        } catch (IllegalArgumentException e) {
            throw t.error("on_divergence", e.getMessage());
        }
    }

    /**
     * An error in a section handed whole to a factory (optimizer, schedule), with the path of the key at fault:
     * a key the message names in quotes ({@code 'lr'}), else the first key without which the section is accepted
     * ({@code optimizer.learning_rate: Adam: learning rate must be > 0 and finite, was -0.1}), else the type when
     * the type alone is refused; the section's path when no single key is to blame.
     */
    private static ConfigReader.ConfigException blame(String section, Map<String, Object> values,
            java.util.function.Consumer<Map<String, Object>> build, IllegalArgumentException e) {
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("'([a-z_][a-z0-9_]*)'")
                .matcher(String.valueOf(e.getMessage()));
        while (quoted.find()) {
            String key = quoted.group(1);
            if (!key.equals("type") && !key.equals(values.get("type"))) {
                return new ConfigReader.ConfigException(section + "." + key + ": " + e.getMessage());
            }
        }
        for (String key : values.keySet()) {
            if (key.equals("type")) {
                continue;
            }
            Map<String, Object> without = new LinkedHashMap<>(values);
            without.remove(key);
            try {
                build.accept(without);
                return new ConfigReader.ConfigException(section + "." + key + ": " + e.getMessage());
            } catch (IllegalArgumentException stillBad) {
                // not this key alone
            }
        }
        if (values.containsKey("type")) {
            try {
                build.accept(Map.of("type", values.get("type")));
            } catch (IllegalArgumentException typeRefused) {
                return new ConfigReader.ConfigException(section + ".type: " + e.getMessage());
            }
        }
        return new ConfigReader.ConfigException(section + ": " + e.getMessage());
    }

    /** "MLP 784-512-256-10" from the shapes of the weights; a convolutional model as its layer list. */
    private static String describe(Module model) {
        if (Models.expectsImages(model)) {
            return "CNN " + model;
        }
        StringBuilder sb = new StringBuilder("MLP ");
        boolean first = true;
        for (Map.Entry<String, org.myelin.autodiff.Tensor> e : model.namedParameters().entrySet()) {
            if (e.getKey().endsWith("weight") && e.getValue().shape().length == 2) {
                long[] s = e.getValue().shape();
                sb.append(first ? s[0] + "-" + s[1] : "-" + s[1]);
                first = false;
            }
        }
        return sb.toString();
    }

    private Data loadData(ConfigReader d, DataType type, long seed, boolean modelTakesImages) throws IOException {
        String source = d.string("source", "mnist");
        boolean images = d.bool("images", modelTakesImages);
        if (images && !source.equals("mnist")) {
            throw d.error("images", "only the mnist source holds images; \"" + source + "\" data are rows [N, d]");
        }
        int limit = d.integer("limit", 0, 0);
        double validationFraction = d.number("validation_fraction", 0.0);
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw d.error("validation_fraction", "must be in [0, 1), was " + validationFraction);
        }
        boolean standardize = d.bool("standardize", false);
        Dataset train;
        Dataset test;
        switch (source) {
            case "mnist" -> {
                String dir = d.string("dir", null);
                Mnist m = dir != null ? Mnist.load(Path.of(dir), type)
                        : Mnist.load(Mnist.fetch(d.has("cache") ? Path.of(d.string("cache", null)) : Mnist.defaultCacheDir()), type);
                if (images) {
                    m = m.asImages(); // [N, 1, 28, 28] for a convolutional model (standardised per channel below)
                }
                train = m.train();
                test = m.test();
            }
            case "csv" -> {
                Csv reader = Csv.reader().dataType(type);
                if (d.has("label_column")) {
                    reader = reader.labelColumn(d.string("label_column", null));
                }
                int classes = d.integer("classes", 0, 0);
                reader = classes > 0 ? reader.classification(classes) : reader.regression();
                String trainFile = requireString(d, "train");
                train = reader.read(Path.of(trainFile));
                test = d.has("test") ? reader.read(Path.of(d.string("test", null))) : null;
                if (test != null && (test.numFeatures() != train.numFeatures() || test.numTargets() != train.numTargets())) {
                    // Found now, not after every epoch has trained.
                    throw d.error("test", d.string("test", null) + " has " + test.numFeatures() + " feature columns and "
                            + test.numTargets() + " target column(s), the training data " + trainFile + " has "
                            + train.numFeatures() + " and " + train.numTargets() + "; the model trained on it could"
                            + " not be evaluated");
                }
            }
            case "synthetic" -> {
                String name = requireString(d, "name");
                int n = d.integer("samples", 400, 1);
                double noise = d.positive("noise", 0.1, true);
                double testFraction = d.number("test_fraction", 0.0);
                if (!(testFraction >= 0 && testFraction < 1)) {
                    throw d.error("test_fraction", "must be in [0, 1), was " + testFraction);
                }
                Dataset all = switch (name) {
                    case "xor" -> Synthetic.xor(type);
                    case "or" -> Synthetic.or(type);
                    case "and" -> Synthetic.and(type);
                    case "not" -> Synthetic.not(type);
                    case "spirals" -> Synthetic.twoSpirals(n, noise, seed, type);
                    case "moons" -> Synthetic.twoMoons(n, noise, seed, type);
                    case "line" -> Synthetic.noisyLine(n, -1, 1, noise, seed, type);
                    default -> throw d.error("name", "unknown synthetic set \"" + name
                            + "\"; expected one of xor, or, and, not, spirals, moons, line");
                };
                if (testFraction > 0) {
                    Split s = Split.of(all, 1 - testFraction, 0, testFraction, seed);
                    train = s.train();
                    test = s.test();
                } else {
                    train = all;
                    test = null;
                }
            }
            default -> throw d.error("source", "unknown data source \"" + source + "\"; expected mnist, csv or synthetic");
        }
        d.finish();
        if (limit > 0 && limit < train.size()) {
            train = train.subset(IntStream.range(0, limit).toArray());
        }
        Dataset validation = null;
        if (validationFraction > 0) {
            Split s = Split.of(train, 1 - validationFraction, validationFraction, 0, seed);
            train = s.train();
            validation = s.validation();
        }
        if (standardize) {
            Standardizer st = Standardizer.fit(train);
            train = st.transform(train);
            validation = validation == null ? null : st.transform(validation);
            test = test == null ? null : st.transform(test);
        }
        return new Data(train, validation, test);
    }

    private static String requireString(ConfigReader r, String key) {
        String v = r.string(key, null);
        if (v == null) {
            throw r.error(key, "is required");
        }
        return v;
    }

    private Optimizer buildOptimizer(Module model) {
        Map<String, Object> o = new LinkedHashMap<>(config.optimizer());
        o.putIfAbsent("type", "adam");
        try {
            return Optimizers.fromConfig(o, model.namedParameters());
        } catch (IllegalArgumentException e) {
            throw blame("optimizer", o, m -> Optimizers.fromConfig(m, model.namedParameters()), e);
        }
    }

    private LearningRateSchedule buildSchedule(double baseRate, long totalSteps) {
        if (config.schedule() == null) {
            return null;
        }
        Map<String, Object> s = new LinkedHashMap<>(config.schedule());
        Object type = s.get("type");
        if ("cosine".equals(type)) {
            s.putIfAbsent("period", totalSteps);
        }
        try {
            return Schedules.create(type == null ? null : type.toString(), s, baseRate);
        } catch (IllegalArgumentException e) {
            throw blame("schedule", s, m -> Schedules.create(type == null ? null : type.toString(), m, baseRate), e);
        }
    }

    private static void plot(History h, Path png, boolean classification) throws IOException {
        int n = h.epochs().size();
        double[] x = new double[n];
        double[] trainLoss = new double[n];
        double[] valLoss = new double[n];
        double[] trainAcc = new double[n];
        double[] valAcc = new double[n];
        for (int i = 0; i < n; i++) {
            EpochRecord r = h.epochs().get(i);
            x[i] = r.epoch();
            trainLoss[i] = r.trainLoss();
            valLoss[i] = r.validationLoss();
            trainAcc[i] = r.trainAccuracy();
            valAcc[i] = r.validationAccuracy();
        }
        LinePlot p = LinePlot.titled(classification ? "Loss and accuracy per epoch" : "Loss per epoch")
                .xLabel("epoch").yLabel(classification ? "loss / accuracy" : "loss").series("training loss", x, trainLoss);
        if (!Double.isNaN(valLoss[0])) {
            p.series("validation loss", x, valLoss);
        }
        if (classification) {
            p.series("training accuracy", x, trainAcc);
            if (!Double.isNaN(valAcc[0])) {
                p.series("validation accuracy", x, valAcc);
            }
        }
        p.save(png);
        log.debug("wrote {}", png);
    }
}
