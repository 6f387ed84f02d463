package org.myelin.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.io.Checkpoint;
import org.myelin.io.Json;
import org.myelin.io.ModelFormatException;
import org.myelin.nn.Module;
import org.myelin.nn.Modules;
import org.myelin.optim.GradientTransform;
import org.myelin.optim.MaxNormConstraint;
import org.myelin.optim.Optimizer;
import org.myelin.train.DivergenceException;
import org.myelin.train.DivergencePolicy;
import org.myelin.train.EpochRecord;
import org.myelin.train.Evaluation;
import org.myelin.train.FitChecks;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data-parallel training on Apache Spark. The driver holds the model and the optimiser; each round it broadcasts
 * the parameters (and, with local steps, the optimiser state) as plain float or double arrays, every partition
 * runs the engine on its {@link Shard} in a {@code mapPartitions} task, the results come back through Spark's
 * {@code reduce}, and the driver applies the update. The broadcast is destroyed after its round.
 *
 * <p><b>Synchronous gradient averaging</b> ({@link SparkOptions#synchronous()}): round {@code r} is optimiser step
 * {@code r}. Its global batch G is the batch the engine's {@link org.myelin.train.Trainer} takes at that step
 * (the same seeded permutation of all N samples per epoch, batch size B, the same last-batch rule); partition
 * {@code p} returns {@code g_p = sum over i in G ∩ shard_p of grad l_i}, and the driver sets
 * {@code grad = (sum_p g_p) / |G|}, applies the regularisation's gradient transforms, the optimiser step (with the
 * schedule's rate for that step) and the constraints, exactly as the Trainer does. With the same data,
 * initialisation, options and optimiser this is single-machine mini-batch training with batch B, up to the order
 * of floating-point additions.
 *
 * <p><b>Local steps with averaging</b> ({@link SparkOptions#localSteps(int) localSteps(K)}): each partition starts
 * from the broadcast parameters and optimiser state and takes K optimiser steps of its own on local batches of
 * {@code b = B / P} from its shard (shuffled per partition and local epoch), with the learning rates the schedule
 * gives for global steps {@code t .. t+K-1}. The driver then sets parameters, optimiser state and buffers to their
 * means over the partitions weighted by samples trained, and advances the step count by K. One round does the
 * work of K synchronous steps with one communication; with K = 1 and plain SGD on equal shards it equals
 * synchronous averaging; in general it is a different algorithm (local SGD / model averaging) whose convergence
 * degrades as K grows (docs/spark.md shows it on MNIST).
 *
 * <p>Both modes run {@code epochs * ceil(N / B)} optimiser steps (floor with dropLast): a run of R rounds.
 * Checkpoints (the engine's atomic ones) are written every {@link SparkOptions#checkpointEveryRounds()} rounds,
 * when stopped by {@link #requestStop()}, and at the end; {@link #resume} continues from one exactly where it
 * was written. Only the {@code stop} divergence policy is supported: a non-finite loss or gradient fails the run.
 */
public final class SparkTrainer {
    private static final Logger log = LoggerFactory.getLogger(SparkTrainer.class);

    /** This trainer in the messages of the data checks ({@link FitChecks}). */
    private static final String WHO = "SparkTrainer";

    private final JavaSparkContext sc;
    private final Module model;
    private final Optimizer optimizer;
    private final LossFunction loss;
    private final TrainingOptions options;
    private final SparkOptions spark;
    private final DataType type;
    private final List<Tensor> parameters;
    private final List<INDArray> parameterValues = new ArrayList<>();
    private final List<INDArray> buffers;
    private final List<INDArray> stateArrays;
    private final List<GradientTransform> transforms;
    private final List<MaxNormConstraint> constraints;
    private final List<Consumer<RoundRecord>> listeners = new ArrayList<>();
    private final SparkHistory history = new SparkHistory();
    private volatile boolean stopRequested;

    // Position, saved in checkpoints.
    private long round;
    private long steps;
    private int recordedEpochs;
    private double epochLossSum;
    private long epochSamples;
    private long epochCorrect;
    private double epochSeconds;
    private Map<String, Object> resumedLayout;

    /**
     * @param model     the model, initialised; its parameters are updated in place
     * @param optimizer an optimiser over exactly the model's parameters
     * @param options   epochs, batch size B (global), seed, dropLast, schedule; gradient transforms and constraints
     *                  go in {@link SparkOptions#regularization()} instead (executors rebuild them from numbers)
     */
    public SparkTrainer(
            JavaSparkContext sc,
            Module model,
            Optimizer optimizer,
            LossFunction loss,
            TrainingOptions options,
            SparkOptions spark) {
        if (sc == null || model == null || optimizer == null || loss == null || options == null || spark == null) {
            throw new IllegalArgumentException("SparkTrainer: the Spark context, model, optimiser, loss, options and"
                    + " Spark options must all be given");
        }
        if (!optimizer.parameters().keySet().equals(model.namedParameters().keySet())) {
            throw new IllegalArgumentException("SparkTrainer: the optimiser must update exactly the model's parameters "
                    + model.namedParameters().keySet() + ", it updates "
                    + optimizer.parameters().keySet());
        }
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (optimizer.parameters().get(e.getKey()) != e.getValue()) {
                throw new IllegalArgumentException("SparkTrainer: the optimiser's parameter '" + e.getKey()
                        + "' is not the model's tensor of that name");
            }
        }
        if (!options.gradientTransforms().isEmpty() || !options.constraints().isEmpty()) {
            throw new IllegalArgumentException("SparkTrainer: give penalties, clipping and max-norm as"
                    + " SparkOptions.withRegularization(...), not as TrainingOptions transforms or constraints"
                    + " (executors rebuild them from numbers; the engine's objects cannot be serialized)");
        }
        if (options.onDivergence().action() != DivergencePolicy.Action.STOP) {
            throw new IllegalArgumentException("SparkTrainer: only the stop divergence policy is supported, was "
                    + options.onDivergence().action());
        }
        this.sc = sc;
        this.model = model;
        this.optimizer = optimizer;
        this.loss = loss;
        this.options = options;
        this.spark = spark;
        this.parameters = new ArrayList<>(model.namedParameters().values());
        this.type = parameters.get(0).value().dataType();
        Values.requireFloatType(type);
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            if (e.getValue().value().dataType() != type) {
                throw new IllegalArgumentException("SparkTrainer: parameter '" + e.getKey() + "' is "
                        + e.getValue().value().dataType() + ", the first parameter is " + type
                        + "; a model has one data type");
            }
        }
        parameters.forEach(t -> parameterValues.add(t.value()));
        this.buffers = new ArrayList<>(model.namedBuffers().values());
        this.stateArrays = Workers.stateArrays(optimizer);
        this.transforms = spark.regularization().transforms();
        this.constraints = spark.regularization().constraints();
    }

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public SparkHistory history() {
        return history;
    }

    /** Rounds completed. */
    public long round() {
        return round;
    }

    /** Optimiser steps completed. */
    public long steps() {
        return steps;
    }

    /** Calls {@code listener} on the driver after every round (e.g. progress, or a stop request). */
    public void addRoundListener(Consumer<RoundRecord> listener) {
        listeners.add(listener);
    }

    /** Asks {@link #fit} to stop after the current round and write a checkpoint; safe from any thread. */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Trains on {@code train} until {@code options.epochs()} epochs of optimiser steps are done or a stop is
     * requested, continuing from the position restored by {@link #resume}; evaluates {@code validation} (may be
     * null) on the driver at each epoch end. Before the first round it runs the checks the engine's trainer runs
     * ({@link org.myelin.train.FitChecks}: the data against the model and the loss, the targets' range, the
     * validation's evaluation batch against the memory limit), refusing bad data with a one-line
     * IllegalArgumentException before any Spark job.
     */
    public SparkHistory fit(SparkData train, Dataset validation) {
        if (train == null) {
            throw new IllegalArgumentException(WHO + ": the training set must not be null");
        }
        if (train.dataType() != type) {
            throw new IllegalArgumentException(
                    "SparkTrainer: the training data is " + train.dataType() + ", the model is " + type);
        }
        int n = train.size();
        int p = train.partitions();
        int b = options.batchSize();
        int stepsPerEpoch = options.dropLast() ? n / b : (n + b - 1) / b;
        if (stepsPerEpoch == 0) {
            throw new IllegalArgumentException(
                    "SparkTrainer: batch size " + b + " with dropLast leaves no batch from " + n + " samples");
        }
        int localBatch = 0;
        if (!spark.isSynchronous()) {
            if (b % p != 0) {
                throw new IllegalArgumentException("SparkTrainer: with local steps the batch size B = " + b
                        + " must be a multiple of the " + p + " partitions (each partition steps on B / P samples)");
            }
            localBatch = b / p;
            int[] sizes = train.partitionSizes();
            for (int i = 0; i < p; i++) {
                if (sizes[i] < (options.dropLast() ? localBatch : 1)) {
                    throw new IllegalArgumentException("SparkTrainer: partition " + i + " has " + sizes[i]
                            + " samples, fewer than its local batch of " + localBatch
                            + (options.dropLast() ? " (dropLast)" : ""));
                }
            }
        }
        checkLayout(train);
        checkData(train, validation, localBatch);
        long totalSteps = (long) options.epochs() * stepsPerEpoch;
        int k = spark.isSynchronous() ? 1 : spark.localSteps();
        long totalRounds = (totalSteps + k - 1) / k;
        Job job = new Job(
                Json.write(model.config()),
                Json.write(optimizer.config()),
                loss,
                spark.regularization(),
                options.seed(),
                b,
                localBatch,
                options.dropLast(),
                n,
                train.starts());
        log.info(
                "training on Spark ({}): {} samples in {} partitions, {}, batch {}, {} epochs = {} steps in {}"
                        + " rounds{}",
                sc.master(),
                n,
                p,
                spark.isSynchronous()
                        ? "synchronous gradient averaging"
                        : "K = " + k + " local steps per round with averaging",
                b,
                options.epochs(),
                totalSteps,
                totalRounds,
                round > 0 ? ", resuming after round " + round : "");
        while (round < totalRounds && !stopRequested) {
            RoundRecord r = spark.isSynchronous()
                    ? synchronousRound(train, job, stepsPerEpoch)
                    : localRound(train, job, (int) Math.min(k, totalSteps - steps), stepsPerEpoch);
            round++;
            history.add(r);
            epochLossSum += r.loss() * r.samples();
            epochSamples += r.samples();
            epochSeconds += r.seconds();
            log.debug(
                    "round {}: loss {}, {} samples/s, compute {} s, communication {} s, update {} s",
                    r.round(),
                    r.loss(),
                    r.samplesPerSecond(),
                    r.computeSeconds(),
                    r.communicationSeconds(),
                    r.updateSeconds());
            int completedEpochs = (int) (steps / stepsPerEpoch);
            if (completedEpochs > recordedEpochs) {
                finishEpoch(completedEpochs, train.numTargets(), validation);
            }
            for (Consumer<RoundRecord> l : listeners) {
                l.accept(r);
            }
            if (spark.checkpoint() != null
                    && spark.checkpointEveryRounds() > 0
                    && round % spark.checkpointEveryRounds() == 0) {
                writeCheckpoint(train);
            }
        }
        if (spark.checkpoint() != null) {
            writeCheckpoint(train);
        }
        return history;
    }

    /**
     * The checks {@link org.myelin.train.Trainer#fit} runs before its first step ({@link FitChecks}), run here on the
     * driver before the first round: the training targets' columns and range (of the whole set, as the data was
     * created), the model and the loss on the first training samples, and for the validation set its targets' range,
     * the model on its first samples and its evaluation batch against the memory limit. Without them bad data failed
     * in an executor's task of the first round, and a validation set only at the first epoch's end.
     */
    private void checkData(SparkData train, Dataset validation, int localBatch) {
        FitChecks.requireTargetColumns(WHO, loss, train.numTargets());
        double[] range = train.targetRange();
        FitChecks.requireTargetRange(WHO, loss, "training", range[0], range[1]);
        FitChecks.requireFitsModel(WHO, model, loss, "training", train.head(), oneSampleBatch(train, localBatch));
        FitChecks.requireValidation(WHO, model, loss, options, validation);
    }

    /**
     * Why a step's pass will run on a single sample when batches hold more (the model then also runs once in training
     * mode on one sample: batch norm refuses that), if it will: with local steps, a partition's last local batch of 1
     * (b = B / P > 1); synchronously, the last global batch of 1, as in the engine's trainer. (A synchronous round
     * splits its batch over the partitions, and one may hold a single sample of it; which does depends on the
     * shuffle, and is not checked here.)
     */
    private Optional<String> oneSampleBatch(SparkData train, int localBatch) {
        if (options.dropLast()) {
            return Optional.empty();
        }
        if (!spark.isSynchronous()) {
            if (localBatch <= 1) {
                return Optional.empty();
            }
            int[] sizes = train.partitionSizes();
            for (int i = 0; i < sizes.length; i++) {
                if (sizes[i] % localBatch == 1) {
                    return Optional.of("partition " + i + "'s last local batch of each local epoch holds 1 sample: "
                            + sizes[i] + " samples in local batches of " + localBatch
                            + "; drop it with dropLast or choose another batch size");
                }
            }
            return Optional.empty();
        }
        int n = train.size();
        int b = options.batchSize();
        if (b <= 1 || n % b != 1) {
            return Optional.empty();
        }
        return Optional.of("the last batch of each epoch holds 1 sample: " + n + " samples in batches of " + b
                + "; drop it with dropLast or choose another batch size");
    }

    private RoundRecord synchronousRound(SparkData train, Job job, int stepsPerEpoch) {
        long t0 = System.nanoTime();
        int epoch = (int) (steps / stepsPerEpoch);
        int batch = (int) (steps % stepsPerEpoch);
        int expected = Math.min(options.batchSize(), train.size() - batch * options.batchSize());
        Broadcast<Values[]> state =
                sc.broadcast(new Values[] {Values.of(parameterValues, type), Values.of(buffers, type)});
        Contribution c;
        try {
            c = train.shards()
                    .mapPartitions(new RoundTask(job, state, round, epoch, batch, steps, null))
                    .reduce(Contribution::merge);
        } finally {
            state.destroy();
        }
        long t1 = System.nanoTime();
        Contribution.Part total = c.total();
        if (total == null || total.samples() != expected) {
            throw new IllegalStateException("round " + (round + 1) + ": the partitions covered "
                    + (total == null ? 0 : total.samples()) + " samples of the global batch, expected " + expected
                    + "; did the data change since it was split?");
        }
        double meanLoss = total.lossSum() / total.samples();
        if (!Double.isFinite(meanLoss)) {
            throw new DivergenceException("training diverged: the loss is " + meanLoss + " at step " + (steps + 1)
                    + " (round " + (round + 1) + "); lower the learning rate or clip gradients");
        }
        if (options.schedule() != null) {
            optimizer.setLearningRate(options.schedule().rate(steps));
        }
        List<INDArray> grads = new ArrayList<>();
        parameterValues.forEach(v -> grads.add(Nd4j.create(type, v.shape())));
        total.values().copyInto(grads);
        Map<String, Tensor> named = model.namedParameters();
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).setGrad(grads.get(i).divi(total.samples()));
        }
        for (GradientTransform g : transforms) {
            g.apply(named);
        }
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            if (!Double.isFinite(e.getValue().grad().norm2Number().doubleValue())) {
                optimizer.zeroGrad();
                throw new DivergenceException("training diverged: the gradient of '" + e.getKey() + "' is not finite"
                        + " at step " + (steps + 1) + "; lower the learning rate or clip gradients");
            }
        }
        optimizer.step();
        optimizer.zeroGrad();
        for (MaxNormConstraint m : constraints) {
            m.apply(named);
        }
        averageInto(total.buffers(), buffers, total.samples());
        steps++;
        epochCorrect += total.correct();
        long t2 = System.nanoTime();
        return record(epoch, total, t0, t1, t2, c.maxComputeNanos());
    }

    private RoundRecord localRound(SparkData train, Job job, int k, int stepsPerEpoch) {
        long t0 = System.nanoTime();
        int epoch = (int) (steps / stepsPerEpoch);
        double[] rates = new double[k];
        for (int i = 0; i < k; i++) {
            rates[i] = options.schedule() != null ? options.schedule().rate(steps + i) : optimizer.learningRate();
        }
        Broadcast<Values[]> state = sc.broadcast(
                new Values[] {Values.of(parameterValues, type), Values.of(buffers, type), Values.of(stateArrays, type)
                });
        Contribution c;
        try {
            c = train.shards()
                    .mapPartitions(new RoundTask(job, state, round, epoch, 0, steps, rates))
                    .reduce(Contribution::merge);
        } finally {
            state.destroy();
        }
        long t1 = System.nanoTime();
        Contribution.Part total = c.total();
        double meanLoss = total.lossSum() / total.samples();
        if (!Double.isFinite(meanLoss)) {
            throw new DivergenceException("training diverged: the mean loss of round " + (round + 1) + " is " + meanLoss
                    + "; lower the learning rate or clip gradients");
        }
        averageInto(total.values(), parameterValues, total.samples());
        averageInto(total.state(), stateArrays, total.samples());
        averageInto(total.buffers(), buffers, total.samples());
        steps += k;
        optimizer.setSteps(steps);
        optimizer.setLearningRate(rates[k - 1]);
        epochCorrect += total.correct();
        long t2 = System.nanoTime();
        return record(epoch, total, t0, t1, t2, c.maxComputeNanos());
    }

    /** targets[i] = (sum values)[i] / weight, in place. */
    private void averageInto(Values sum, List<INDArray> targets, long weight) {
        if (targets.isEmpty()) {
            return;
        }
        List<INDArray> tmp = new ArrayList<>();
        targets.forEach(v -> tmp.add(Nd4j.create(type, v.shape())));
        sum.copyInto(tmp);
        for (int i = 0; i < targets.size(); i++) {
            targets.get(i).assign(tmp.get(i).divi(weight));
        }
    }

    private RoundRecord record(int epoch, Contribution.Part total, long t0, long t1, long t2, long computeNanos) {
        double seconds = (t2 - t0) / 1e9;
        double compute = computeNanos / 1e9;
        double update = (t2 - t1) / 1e9;
        return new RoundRecord(
                round + 1,
                epoch + 1,
                steps,
                total.lossSum() / total.samples(),
                total.samples(),
                seconds,
                compute,
                Math.max(0, seconds - compute - update),
                update,
                optimizer.learningRate());
    }

    private void finishEpoch(int epoch, int numTargets, Dataset validation) {
        double valLoss = Double.NaN;
        double valAcc = Double.NaN;
        if (validation != null) {
            Evaluation e = Evaluation.of(model, loss, validation, options.evaluationBatchSize());
            valLoss = e.loss();
            valAcc = e.accuracy();
        }
        double trainAcc = loss.isClassification() && numTargets > 1 ? (double) epochCorrect / epochSamples : Double.NaN;
        EpochRecord r = new EpochRecord(
                epoch,
                steps,
                epochLossSum / epochSamples,
                trainAcc,
                valLoss,
                valAcc,
                optimizer.learningRate(),
                epochSeconds,
                epochSamples / Math.max(epochSeconds, 1e-9),
                Map.of());
        history.epochs().add(r);
        log.info(
                "epoch {}: loss {}, {} samples/s over {} rounds{}",
                epoch,
                String.format("%.5f", r.trainLoss()),
                String.format("%.0f", r.samplesPerSecond()),
                round,
                validation == null ? "" : String.format(", validation accuracy %.4f", valAcc));
        recordedEpochs = epoch;
        epochLossSum = 0;
        epochSamples = 0;
        epochCorrect = 0;
        epochSeconds = 0;
    }

    // ---- checkpoints ----

    private void writeCheckpoint(SparkData train) {
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("round", round);
        position.put("steps", steps);
        position.put("recordedEpochs", recordedEpochs);
        position.put("epochLossSum", epochLossSum);
        position.put("epochSamples", epochSamples);
        position.put("epochCorrect", epochCorrect);
        position.put("epochSeconds", epochSeconds);
        position.put("localSteps", spark.localSteps());
        position.put("samples", train.size());
        position.put(
                "partitionSizes",
                java.util.Arrays.stream(train.partitionSizes()).boxed().toList());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("spark", position);
        t.put("history", history.epochs().toMaps());
        t.put("rounds", history.rounds().stream().map(RoundRecord::toMap).toList());
        Map<String, Object> opt = new LinkedHashMap<>(optimizer.config());
        opt.put("steps", optimizer.steps());
        opt.put("currentLearningRate", optimizer.learningRate());
        try {
            Checkpoint.save(spark.checkpoint(), model, spark.metadata(), opt, optimizer.state(), t);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(
                    "could not write checkpoint " + spark.checkpoint() + " (the previous one is intact): "
                            + e.getMessage(),
                    e);
        } catch (IllegalArgumentException e) { // a model or state the checkpoint could not be resumed from
            throw new IllegalArgumentException(
                    "could not write checkpoint " + spark.checkpoint() + " (the previous one is intact): "
                            + e.getMessage(),
                    e);
        }
        log.debug("checkpoint written to {} after round {}", spark.checkpoint(), round);
    }

    /**
     * Restores model, optimiser state, position and history from a checkpoint written by a SparkTrainer of the
     * same architecture, optimiser and mode; the next {@link #fit} continues after its last round (and refuses data
     * laid out differently). All or nothing: a damaged or mismatched checkpoint leaves this trainer unchanged.
     *
     * @throws ModelFormatException naming the file and what does not fit
     */
    public void resume(Path file) throws IOException {
        Checkpoint.Loaded c = Checkpoint.load(file);
        try {
            Object sp = c.trainer().get("spark");
            if (!(sp instanceof Map<?, ?> position)) {
                throw new IllegalArgumentException("trainer.json has no 'spark' position; was it written by the"
                        + " engine's Trainer rather than a SparkTrainer?");
            }
            long r = whole(position, "round");
            long s = whole(position, "steps");
            long k = whole(position, "localSteps");
            if (k != spark.localSteps()) {
                throw new IllegalArgumentException("the checkpoint was written with " + k + " local steps (0:"
                        + " synchronous), this trainer uses " + spark.localSteps());
            }
            Object rounds = c.trainer().get("rounds");
            if (!(rounds instanceof List<?> roundList)) {
                throw new IllegalArgumentException("trainer.json: 'rounds' must be a list, was " + rounds);
            }
            List<RoundRecord> records = new ArrayList<>();
            for (Object o : roundList) {
                if (!(o instanceof Map<?, ?> m)) {
                    throw new IllegalArgumentException("trainer.json: each round must be an object, was " + o);
                }
                records.add(RoundRecord.fromMap(m));
            }
            Object h = c.trainer().get("history");
            History epochs = History.fromMaps(h instanceof List<?> l ? l : List.of());
            long stepsSaved = whole(c.optimizer(), "steps");
            Object lr = c.optimizer().get("currentLearningRate");
            if (!(lr instanceof Number rate) || !(rate.doubleValue() >= 0)) {
                throw new IllegalArgumentException("optimizer.json: 'currentLearningRate' must be >= 0, was " + lr);
            }
            // Everything is read; these check before they change anything, in this order.
            requireSameShapes(c.model());
            optimizer.restoreState(c.optimizerState());
            Modules.copyState(c.model(), model);
            optimizer.setSteps(stepsSaved);
            optimizer.setLearningRate(rate.doubleValue());
            round = r;
            steps = s;
            recordedEpochs = (int) whole(position, "recordedEpochs");
            epochLossSum = ((Number) position.get("epochLossSum")).doubleValue();
            epochSamples = whole(position, "epochSamples");
            epochCorrect = whole(position, "epochCorrect");
            epochSeconds = ((Number) position.get("epochSeconds")).doubleValue();
            @SuppressWarnings("unchecked")
            Map<String, Object> layout = (Map<String, Object>) position;
            resumedLayout = layout;
            history.clear();
            records.forEach(history::add);
            epochs.epochs().forEach(history.epochs()::add);
        } catch (ModelFormatException e) {
            throw e;
        } catch (IllegalArgumentException | org.myelin.MyelinException | ClassCastException e) {
            throw new ModelFormatException(file + ": cannot resume from this checkpoint: " + e.getMessage(), e);
        }
        log.info("resumed from {} after round {} (step {})", file, round, steps);
    }

    private void requireSameShapes(Module saved) {
        Map<String, Tensor> a = saved.namedParameters();
        Map<String, Tensor> b = model.namedParameters();
        if (!a.keySet().equals(b.keySet())) {
            throw new IllegalArgumentException(
                    "the checkpoint's model has parameters " + a.keySet() + ", this model has " + b.keySet());
        }
        a.forEach((name, t) -> {
            INDArray v = t.value();
            INDArray w = b.get(name).value();
            if (!java.util.Arrays.equals(v.shape(), w.shape()) || v.dataType() != w.dataType()) {
                throw new IllegalArgumentException(
                        "'" + name + "' is " + v.dataType() + java.util.Arrays.toString(v.shape())
                                + " in the checkpoint, " + w.dataType() + java.util.Arrays.toString(w.shape())
                                + " in this model");
            }
        });
    }

    private void checkLayout(SparkData train) {
        if (resumedLayout == null) {
            return;
        }
        Object sizes = resumedLayout.get("partitionSizes");
        List<Integer> now =
                java.util.Arrays.stream(train.partitionSizes()).boxed().toList();
        List<Integer> saved = new ArrayList<>();
        if (sizes instanceof List<?> l) {
            l.forEach(o -> saved.add(((Number) o).intValue()));
        }
        if (!saved.equals(now)) {
            throw new IllegalArgumentException("SparkTrainer: the checkpoint was written for partitions of sizes "
                    + saved + ", this data has " + now + "; resume on the same data split the same way");
        }
    }

    private static long whole(Map<?, ?> m, String key) {
        Object o = m.get(key);
        if (!(o instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number >= 0, was " + o);
        }
        return n.longValue();
    }
}
