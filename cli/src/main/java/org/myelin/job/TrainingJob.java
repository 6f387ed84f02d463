package org.myelin.job;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.data.Dataset;
import org.myelin.data.ImageShift;
import org.myelin.io.AtomicFiles;
import org.myelin.io.ModelFile;
import org.myelin.nn.ActivationSizes;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.ModuleConfig;
import org.myelin.optim.LearningRateSchedule;
import org.myelin.optim.Optimizer;
import org.myelin.plot.LinePlot;
import org.myelin.train.Callback;
import org.myelin.train.Checkpointing;
import org.myelin.train.DataSources.Data;
import org.myelin.train.DivergencePolicy;
import org.myelin.train.EarlyStopping;
import org.myelin.train.EpochRecord;
import org.myelin.train.Evaluation;
import org.myelin.train.History;
import org.myelin.train.JobConfig;
import org.myelin.train.LossFunction;
import org.myelin.train.ModelSpec;
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

    /** Samples per forward pass when evaluating, unless their activations would pass the memory limit. */
    static final int EVALUATION_BATCH_SIZE = 1000;

    public static final String MODEL_FILE = "model.zip";
    public static final String CHECKPOINT_FILE = "checkpoint.zip";
    public static final String METRICS_CSV = "metrics.csv";
    public static final String METRICS_PNG = "metrics.png";

    /**
     * The outcome of a job; {@code steps} is the global step count reached (where a stopped job resumes).
     * {@code alreadyFinished}: the output directory's checkpoint had already completed the run's epochs, so nothing
     * was trained ({@code test} is then the evaluation of the saved model file); {@code written} names the files
     * written into the output directory (for a finished run only those that were missing).
     */
    public record Result(
            Evaluation test,
            History history,
            Path output,
            double trainSeconds,
            boolean resumed,
            boolean completed,
            long parameters,
            long steps,
            boolean alreadyFinished,
            List<String> written,
            /* What the test set was evaluated on, for the summary of a finished run. */
            String testedWeights) {}

    private final JobConfig config;
    private volatile Trainer trainer;
    private volatile boolean stopRequested;
    private Checkpointing checkpointing;

    /** A job of the raw config {@code rawConfig}, checked now ({@link JobConfig#of}). */
    public TrainingJob(Map<String, Object> rawConfig) {
        this(JobConfig.of(rawConfig));
    }

    public TrainingJob(JobConfig config) {
        this.config = config;
    }

    /**
     * Asks the job to stop after its current step (or before its first, when it is still loading data); it then
     * writes a checkpoint (SIGTERM handling). Safe from another thread.
     */
    /**
     * Whether the job has built its trainer (its data is loaded and its first step is about to run or has run):
     * before that there is nothing a stop could save.
     */
    public boolean trainingStarted() {
        return trainer != null;
    }

    public void requestStop() {
        stopRequested = true;
        Trainer t = trainer;
        if (t != null) {
            t.requestStop();
        }
    }

    /**
     * Everything a job builds before it trains, for trainers other than {@link Trainer} (the Spark module) that
     * run the same config: the data, the model initialised from the seed, the optimiser, the loss, the training
     * options (schedule, regularisation as gradient transforms and constraints, divergence policy), the output
     * directory (created), the metadata saved with the model, and the checkpoint settings.
     */
    public record Setup(
            Dataset train,
            Dataset validation,
            Dataset test,
            Module model,
            Optimizer optimizer,
            LossFunction loss,
            TrainingOptions options,
            Path output,
            Map<String, Object> metadata,
            int checkpointEveryEpochs,
            long checkpointEverySteps,
            boolean resume,
            int earlyStoppingPatience,
            RunIdentity identity,
            java.util.Set<String> acceptedChanges) {}

    /** Reads the config, loads the data and builds model, optimiser and options, as {@link #run} does first. */
    public Setup setup() throws IOException {
        ModelSpec modelSpec = ModelSpec.of(config.model());
        DataType type = modelSpec.type();
        JobConfig.Training training = config.training();
        int epochs = training.epochs();
        int batchSize = training.batchSize();
        long seed = training.seed();
        DivergencePolicy onDivergence = training.divergencePolicy();
        Path outDir = outputDirectory(config.output());

        LossFunction loss = config.loss();
        Data data = config.data().load(type, seed, modelSpec.takesImages());
        if ((loss == LossFunction.SOFTMAX_CROSS_ENTROPY || loss == LossFunction.CATEGORICAL_CROSS_ENTROPY)
                && data.train().isClassification()
                && data.train().numTargets() == 1) {
            // A 0/1 column (the synthetic gates, moons, spirals): softmax needs one column per class.
            data = new Data(
                    data.train().asOneHot(),
                    data.validation() == null ? null : data.validation().asOneHot(),
                    data.test() == null ? null : data.test().asOneHot());
        }
        if ((loss == LossFunction.SOFTMAX_CROSS_ENTROPY || loss == LossFunction.CATEGORICAL_CROSS_ENTROPY)
                && !data.train().isClassification()
                && config.data().keys() instanceof org.myelin.train.DataSources.CsvKeys csv) {
            // Said here in the job's terms (the trainer's own message advises the Java API).
            String problem = "the loss '" + loss.id() + "' takes classes, but without ";
            throw new ConfigurationException(
                            "data.classes",
                            problem + "data.classes the label column of " + csv.train() + " is read as a real-valued"
                                    + " target; give the number of classes (\"classes\": K) or a loss for real values"
                                    + " (\"loss\": \"mse\")")
                    .onCommandLine(problem + "--classes the label column of " + csv.train() + " is read as a"
                            + " real-valued target; give the number of classes (--classes K) or a loss for real values"
                            + " (--loss mse)");
        }
        if ((loss == LossFunction.SOFTMAX_CROSS_ENTROPY || loss == LossFunction.CATEGORICAL_CROSS_ENTROPY)
                && !data.train().isClassification()) {
            // Real-valued targets from another source (the synthetic "line"): the loss is the key to change.
            throw new ConfigurationException(
                            "loss",
                            "'" + loss.id() + "' takes classes, but the data ("
                                    + (config.data().keys() instanceof org.myelin.train.DataSources.SyntheticKeys set
                                            ? "synthetic '" + set.name() + "'"
                                            : config.data().source())
                                    + ") has"
                                    + " real-valued targets; choose a loss for real values (\"loss\": \"mse\"; --loss mse)")
                    .onCommandLine("'" + loss.id() + "' takes classes, but the data have real-valued targets; choose a"
                            + " loss for real values (--loss mse)");
        }
        if (data.train().size() == 0) {
            throw new ConfigurationException("data", "the training set has no samples");
        }
        if (data.test() != null && data.test().size() == 0) {
            throw new ConfigurationException("data", "the test set has no samples");
        }
        RunIdentity identity = new RunIdentity();
        identity.put("model.data_type", ModuleConfig.dataTypeName(type));
        Module model = modelSpec.build(seed, data.train(), batchSize, identity);
        Optimizer optimizer = config.optimizer().build(model.namedParameters());
        // Without overflow: size + batchSize - 1 wraps for a batch size near Integer.MAX_VALUE.
        long stepsPerEpoch = data.train().size() / batchSize + (data.train().size() % batchSize == 0 ? 0 : 1);
        LearningRateSchedule schedule = config.schedule().build(optimizer.learningRate(), epochs * stepsPerEpoch);
        JobConfig.Regularization reg = config.regularization();
        // Batch norm cannot normalise a batch of one sample: drop such a last batch.
        boolean dropLast = data.train().size() % batchSize == 1 && modelSpec.hasBatchNorm();
        int evaluationBatchSize = evaluationBatchSize(model, data, batchSize);
        TrainingOptions options = new TrainingOptions(
                epochs,
                batchSize,
                seed,
                dropLast,
                evaluationBatchSize,
                schedule,
                reg.transforms(),
                reg.constraints(),
                onDivergence);
        identity.put("loss", loss.id());
        optimizer.config().forEach((k, v) -> identity.put("optimizer." + k, v));
        // As given: a default the job derives (the cosine period) follows from the epochs, batch size and data.
        new java.util.TreeMap<>(config.schedule().given()).forEach((k, v) -> identity.put("schedule." + k, v));
        identity.put("regularization.l2", reg.l2())
                .put("regularization.l1", reg.l1())
                .put("regularization.clip_value", reg.clipValue())
                .put("regularization.clip_norm", reg.clipNorm())
                .put("regularization.max_norm", reg.maxNorm());
        identity.put("training.epochs", epochs)
                .put("training.batch_size", batchSize)
                .put("training.seed", seed)
                .put("training.on_divergence", onDivergence.action().name().toLowerCase(java.util.Locale.ROOT))
                .put("training.divergence_retries", onDivergence.maxRetries())
                .put("training.divergence_rate_factor", onDivergence.rateFactor());
        augmentation(data.train()); // refused now, before any training, when the data are not images
        identity.put("data.shift", config.data().common().shift());
        identity.putData("train", data.train());
        if (data.validation() != null) {
            identity.putData("validation", data.validation());
        }

        prepareOutput(outDir);
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("loss", loss.id());
        metadata.put("job", config.raw());
        return new Setup(
                data.train(),
                data.validation(),
                data.test(),
                model,
                optimizer,
                loss,
                options,
                outDir,
                metadata,
                training.checkpointEveryEpochs(),
                training.checkpointEverySteps(),
                training.resume(),
                training.earlyStoppingPatience(),
                identity,
                training.acceptedChanges());
    }

    /**
     * Samples per forward pass when evaluating the validation and test sets: {@link #EVALUATION_BATCH_SIZE}, or, when
     * a pass of that many would pass the memory limit, the training batch or the largest batch that fits, whichever is
     * smaller. Sized by the evaluation's own check ({@link Evaluation#requireBatchFits}: a pass's activations summed),
     * not by the training check layer by layer, which a batch can pass while its pass as a whole does not: the
     * evaluation would then refuse it after the first epoch. A model whose one sample does not fit an evaluation is
     * refused here, before training.
     */
    private static int evaluationBatchSize(Module model, Data data, int batchSize) {
        Dataset evaluated = data.validation();
        if (evaluated == null || (data.test() != null && data.test().size() > evaluated.size())) {
            evaluated = data.test();
        }
        if (evaluated == null) {
            return EVALUATION_BATCH_SIZE;
        }
        try {
            Evaluation.requireBatchFits(model, evaluated, EVALUATION_BATCH_SIZE);
            return EVALUATION_BATCH_SIZE;
        } catch (ActivationSizes.BatchTooLarge e) {
            if (e.maxBatch() < 1) {
                throw new ConfigurationException(
                        "model", "an evaluation of one sample does not fit the memory limit: " + e.detail());
            }
            int batch = (int) Math.min(batchSize, e.maxBatch());
            log.info(
                    "evaluating in batches of {}: {} samples per forward pass would pass the memory limit",
                    batch,
                    e.batch());
            return batch;
        }
    }

    /** The names of the files a job writes into its output directory. */
    public static final List<String> OUTPUTS = List.of(MODEL_FILE, CHECKPOINT_FILE, METRICS_CSV, METRICS_PNG);

    /** The translation of {@code data.shift} for these training data, {@code null} when it is 0. */
    private ImageShift augmentation(Dataset train) {
        int shift = config.data().common().shift();
        if (shift == 0) {
            return null;
        }
        long[] image = train.featureShape();
        if (image.length != 3) {
            throw new ConfigurationException(
                    "data.shift",
                    "shifts images [N, C, H, W], the training data are " + train
                            + " (MNIST loads as images for a convolutional model, or with data.images true)");
        }
        try {
            return new ImageShift((int) image[1], (int) image[2], shift);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("data.shift", e.getMessage());
        }
    }

    /**
     * The output directory of {@code output} (the config's "output"): refused when empty or blank (which would
     * mean the working directory, where a model.zip of another run may be) or when it names something other
     * than a directory. "." is accepted: it names the working directory explicitly.
     */
    static Path outputDirectory(String output) {
        if (output == null || output.isBlank()) {
            throw new ConfigurationException(
                    "output",
                    "must name a directory, was \"" + (output == null ? "" : output)
                            + "\" (write \".\" for the working directory)");
        }
        Path dir;
        try {
            dir = Path.of(output);
        } catch (java.nio.file.InvalidPathException e) {
            throw new ConfigurationException("output", "not a valid path: " + e.getMessage());
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ConfigurationException("output", dir + " exists and is not a directory");
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

    public Result run(PrintStream out, boolean terminal) throws IOException {
        // One run per output directory: a second would resume from this one's checkpoints and overwrite its outputs.
        // Locked before the data is loaded, so that a second run is refused at once.
        Path dir = prepareOutput(outputDirectory(config.output()));
        try (org.myelin.io.DirectoryLock lock = org.myelin.io.DirectoryLock.acquire(dir, "output directory")) {
            // Before any work: no output may be written through a link planted in the output directory.
            for (String name : OUTPUTS) {
                AtomicFiles.requireNotLink(dir.resolve(name));
            }
            // Nor may a directory in the place of an output written only after training (the model, the metrics)
            // be found then, after hours of work; the trainer checks the checkpoint's path itself.
            for (String name : List.of(MODEL_FILE, METRICS_CSV, METRICS_PNG)) {
                AtomicFiles.requireWritablePath(dir.resolve(name));
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
                throw new ConfigurationException(
                        "training.early_stopping_patience",
                        "needs validation data;" + " set data.validation_fraction > 0");
            }
            callbacks.add(new EarlyStopping(patience, 0.0, true));
        }
        checkpointing = new Checkpointing(
                outDir.resolve(CHECKPOINT_FILE),
                setup.checkpointEveryEpochs(),
                setup.checkpointEverySteps(),
                metadata,
                setup.identity());
        callbacks.add(checkpointing);
        Trainer t = new Trainer(model, loss, optimizer, options, callbacks).augmentWith(augmentation(setup.train()));
        boolean resumed = false;
        Path checkpoint = outDir.resolve(CHECKPOINT_FILE);
        if (resume && Files.exists(checkpoint)) {
            Checkpointing.resume(t, checkpoint, setup.identity(), setup.acceptedChanges());
            resumed = true;
            if (t.state().batch() == 0 && t.state().epochsCompleted() >= epochs) {
                return finished(t, data, setup);
            }
            out.printf(
                    "resumed from %s after %d of %d epochs%s, step %d%n",
                    checkpoint,
                    t.state().epochsCompleted(),
                    epochs,
                    t.state().batch() == 0 ? "" : " and " + t.state().batch() + " batches",
                    t.state().step());
        }
        trainer = t;
        if (stopRequested) {
            t.requestStop(); // asked while the data was loading: stop before the first step
        }
        out.printf(
                "training %s (%,d parameters) on %,d samples: %d epochs, batch %d, %s%n",
                describe(model), model.parameterCount(), data.train().size(), epochs, batchSize, optimizer.config());
        long start = System.nanoTime();
        History history = t.fit(data.train(), data.validation());
        double seconds = (System.nanoTime() - start) / 1e9;

        Evaluation test =
                data.test() == null ? null : Evaluation.of(model, loss, data.test(), options.evaluationBatchSize());
        ModelFile.save(outDir.resolve(MODEL_FILE), model, metadata);
        history.writeCsv(outDir.resolve(METRICS_CSV));
        List<String> written = new ArrayList<>(List.of(MODEL_FILE, METRICS_CSV));
        if (!history.isEmpty()) {
            plot(history, outDir.resolve(METRICS_PNG), loss.isClassification());
            written.add(METRICS_PNG);
        }
        return new Result(
                test,
                history,
                outDir,
                seconds,
                resumed,
                !t.stopRequested(),
                model.parameterCount(),
                t.state().step(),
                false,
                written,
                "the trained model");
    }

    /**
     * A run whose checkpoint has completed its epochs: nothing trains, and what the output directory holds is kept.
     * Only a missing model file or metrics file is written again (from the checkpoint); the test set, when there is
     * one, is evaluated on the saved model file (which, under early stopping, holds the best epoch's weights rather
     * than the checkpoint's last).
     */
    private Result finished(Trainer t, Data data, Setup setup) throws IOException {
        Path outDir = setup.output();
        Module model = t.model();
        List<String> written = new ArrayList<>();
        Path modelFile = outDir.resolve(MODEL_FILE);
        Module evaluated = model;
        String tested = "the checkpoint's weights";
        if (Files.exists(modelFile)) {
            if (data.test() != null) {
                try {
                    evaluated = ModelFile.load(modelFile).model();
                    tested = "the saved " + MODEL_FILE;
                } catch (IOException | RuntimeException e) {
                    // Kept as it is: evaluated on the checkpoint's weights instead.
                    log.warn(
                            "{} cannot be read ({}); the test set is evaluated on the checkpoint's weights",
                            modelFile,
                            e.getMessage());
                    tested = "the checkpoint's weights (" + MODEL_FILE + " cannot be read)";
                }
            }
        } else {
            ModelFile.save(modelFile, model, setup.metadata());
            written.add(MODEL_FILE);
        }
        History history = t.history();
        if (!Files.exists(outDir.resolve(METRICS_CSV))) {
            history.writeCsv(outDir.resolve(METRICS_CSV));
            written.add(METRICS_CSV);
        }
        if (!history.isEmpty() && !Files.exists(outDir.resolve(METRICS_PNG))) {
            plot(history, outDir.resolve(METRICS_PNG), setup.loss().isClassification());
            written.add(METRICS_PNG);
        }
        Evaluation test = data.test() == null
                ? null
                : Evaluation.of(
                        evaluated, setup.loss(), data.test(), setup.options().evaluationBatchSize());
        return new Result(
                test,
                history,
                outDir,
                0,
                true,
                true,
                model.parameterCount(),
                t.state().step(),
                true,
                written,
                tested);
    }

    /** "MLP 784-512-256-10" from the shapes of the weights; a convolutional model as its layer list. */
    private static String describe(Module model) {
        if (Models.expectsImages(model)) {
            return "CNN " + model;
        }
        StringBuilder sb = new StringBuilder("MLP ");
        boolean first = true;
        for (Map.Entry<String, org.myelin.autodiff.Tensor> e :
                model.namedParameters().entrySet()) {
            if (e.getKey().endsWith("weight") && e.getValue().shape().length == 2) {
                long[] s = e.getValue().shape();
                sb.append(first ? s[0] + "-" + s[1] : "-" + s[1]);
                first = false;
            }
        }
        return sb.toString();
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
                .xLabel("epoch")
                .yLabel(classification ? "loss / accuracy" : "loss")
                .series("training loss", x, trainLoss);
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
