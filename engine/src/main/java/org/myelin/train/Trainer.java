package org.myelin.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import org.myelin.EngineInfo;
import org.myelin.Profiler;
import org.myelin.autodiff.StepArrays;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Batch;
import org.myelin.data.Batches;
import org.myelin.data.Dataset;
import org.myelin.io.AtomicFiles;
import org.myelin.nn.Dropout;
import org.myelin.nn.Module;
import org.myelin.optim.GradientTransform;
import org.myelin.optim.MaxNormConstraint;
import org.myelin.optim.Optimizer;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop: epochs of batches, each forward, loss, backward, gradient transforms (penalties,
 * clipping), optimiser step, constraints; evaluation on validation data after each epoch; callbacks.
 *
 * <p>Batch, stochastic and mini-batch gradient descent are this one loop with a batch size of N, 1 or in
 * between (CS 489 §14, MIT 6.390 §6.7.1; see docs/notes.md). The order of samples in epoch e is a seeded permutation of
 * (seed, e), so a run is reproducible and can resume mid-way (see {@link TrainerState}).
 */
public final class Trainer {
    private org.myelin.data.ImageShift augmentation;

    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    private static final String WORKSPACE = "myelin-train-step";

    /** This trainer in the messages of the data checks ({@link FitChecks}). */
    private static final String WHO = "Trainer";

    private final Module model;
    private final LossFunction loss;
    private final Optimizer optimizer;
    private final TrainingOptions options;
    private final List<Callback> callbacks;
    private final History history = new History();
    private final TrainerState state = new TrainerState();
    private final List<Dropout> dropouts = new ArrayList<>();
    private volatile boolean stopRequested;
    private int batchesPerEpoch;
    /** The batching of the last training set, kept so its reused buffers outlive one {@code fit()} call. */
    private Batches batches;
    /**
     * The arrays a step reuses, one set per model: a new {@code Trainer} for each short {@code fit()} of the same
     * model (as a library user may write it) finds them kept instead of creating them again. A model is stepped by
     * one trainer at a time ({@link StepArrays#begin} refuses a second); the gather buffers are taken for a whole
     * {@code fit()} ({@link Batches.Buffers#tryTake}), and a second fit() of the model meanwhile gathers into its own.
     */
    private static final Map<Module, KeptArrays> KEPT = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * The step's result arrays (activations, gradients), kept from one step to the next (same contract as the
     * workspace): created outside any workspace they cost 0.26-0.32 ms per array in a loop of [128, 512] ones here;
     * with a set per trainer the library-API row of the batch-1024 SGD benchmark, a new trainer per two-step fit,
     * ran 35% slower than the benchmark's own loop. The batch gathering's buffers: a new set per trainer made a
     * one-epoch fit of two batch-1024 steps 1.3 ms slower (1.70 against 0.38 ms for the epoch's gathering; the
     * library-API row of Adam-1024 11% behind the benchmark's loop). Both are batch-sized and live as long as the model
     * (weakly keyed) or until {@link #releaseKeptArrays}; neither holds the training data.
     */
    private record KeptArrays(StepArrays step, Batches.Buffers gather) {}

    private final StepArrays stepArrays;
    private final Batches.Buffers gatherBuffers;

    public Trainer(
            Module model, LossFunction loss, Optimizer optimizer, TrainingOptions options, List<Callback> callbacks) {
        requireGiven(model, "model");
        requireGiven(loss, "loss");
        requireGiven(optimizer, "optimizer");
        requireGiven(options, "options");
        requireGiven(callbacks, "callbacks (an empty list for none)");
        for (int i = 0; i < callbacks.size(); i++) {
            // Called from the first step on: a null one failed with a NullPointerException after that step's update.
            requireGiven(callbacks.get(i), "callbacks: element " + i);
        }
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.options = options;
        this.callbacks = new ArrayList<>(callbacks);
        KeptArrays kept = KEPT.computeIfAbsent(model, m -> new KeptArrays(new StepArrays(), new Batches.Buffers()));
        this.stepArrays = kept.step();
        this.gatherBuffers = kept.gather();
        collectDropouts(model, dropouts);
        // One identity set of the model's parameters: asking the model again per parameter was quadratic (a
        // 20,000-layer config spent minutes here).
        java.util.Set<Tensor> own = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        own.addAll(model.namedParameters().values());
        if (!own.containsAll(optimizer.parameters().values())) {
            throw new IllegalArgumentException("Trainer: the optimiser updates parameters that are not the model's");
        }
        if (options.onDivergence().action() == DivergencePolicy.Action.ROLLBACK && checkpointing() == null) {
            throw new IllegalArgumentException("Trainer: the rollback divergence policy needs a Checkpointing callback"
                    + " to roll back to; add one or use stop or skip");
        }
    }

    private static void requireGiven(Object argument, String what) {
        if (argument == null) {
            throw new IllegalArgumentException("Trainer: " + what + " must not be null");
        }
    }

    /**
     * Drops the batch-sized arrays kept for training {@code model} (a step's results and the batch gathering's
     * buffers, kept per model between {@code fit()} calls), for a model kept for predictions once trained; a later
     * {@code fit()} creates them again. Arrays in use by a {@code fit()} of the model running meanwhile stay with it
     * until it returns. Returns whether anything was kept.
     */
    public static boolean releaseKeptArrays(Module model) {
        requireGiven(model, "model");
        KeptArrays kept = KEPT.remove(model);
        if (kept == null) {
            return false;
        }
        kept.step().release();
        kept.gather().release();
        return true;
    }

    public Module model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public LossFunction loss() {
        return loss;
    }

    public TrainingOptions options() {
        return options;
    }

    public History history() {
        return history;
    }

    /** Replaces the history with the epochs of a checkpoint (before {@link #fit} resumes). */
    public void restoreHistory(History h) {
        history.truncate(0);
        h.epochs().forEach(history::add);
    }

    /** The mutable position of the run (epoch, batch, step, partial sums), for checkpoints. */
    public TrainerState state() {
        return state;
    }

    /** The current epoch, 1-based. */
    public int epoch() {
        return state.epoch + 1;
    }

    public int epochs() {
        return options.epochs();
    }

    /**
     * Data augmentation by translation: every training batch's images (rows of {@code [N, C, H, W]}) move by their
     * own random shift of up to {@code shift}'s limit before the step (validation and test data are never shifted).
     * The shifts are drawn from (seed, step), so a resumed run shifts each batch as an uninterrupted run does.
     *
     * @param shift the translation, or {@code null} for none
     * @return this trainer
     */
    public Trainer augmentWith(org.myelin.data.ImageShift shift) {
        this.augmentation = shift;
        return this;
    }

    private INDArray augment(INDArray features) {
        return augmentation == null
                ? features
                : augmentation.apply(features, new java.util.Random(mix(options.seed(), state.step, -1)));
    }

    /** Batches completed in the current epoch. */
    public int batchInEpoch() {
        return state.batch;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    public int batchSize() {
        return options.batchSize();
    }

    /** Asks the loop to stop after the current step (safe from another thread, e.g. a signal handler). */
    public void requestStop() {
        stopRequested = true;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Trains on {@code train} until {@link TrainingOptions#epochs()} epochs are complete, a callback stops it,
     * or {@link #requestStop()} is called; continues from {@link #state()} when it was restored.
     */
    public History fit(Dataset train, Dataset validation) {
        try (Profiler.Scope s = Profiler.scope("trainer loop (fit(): setup, batch loop, state)")) {
            return fitEpochs(train, validation);
        }
    }

    private History fitEpochs(Dataset train, Dataset validation) {
        // Its own phase in the profile: once per fit() call, a visible share of a step when calls are short.
        try (Profiler.Scope s = Profiler.scope("fit() setup: data checks (targets' range, a 2-sample pass)")) {
            checkFit(train, validation);
        }
        if (!gatherBuffers.tryTake()) {
            // Another fit() of this model is gathering (a nested fit from a callback, or another thread): its batches
            // would overwrite this one's rows, so this call gathers into buffers of its own.
            return fitBatches(train, validation, batching(train).reuseBuffers(true));
        }
        try {
            return fitBatches(train, validation, batchesFor(train));
        } finally {
            gatherBuffers.giveBack();
        }
    }

    private void checkFit(Dataset train, Dataset validation) {
        EngineInfo.logOnce();
        FitChecks.requireData(WHO, "training", train);
        FitChecks.requireTargetColumns(WHO, loss, train.numTargets());
        FitChecks.requireTargetRange(WHO, loss, "training", train);
        FitChecks.requireFitsModel(WHO, model, loss, "training", train, oneSampleBatch(train));
        // The validation set's checks include its evaluation batch against the memory limit: refused here, not after
        // the first epoch's training, with the option that sets that batch named.
        FitChecks.requireValidation(WHO, model, loss, options, validation);
        for (Callback c : callbacks) {
            // Both failed only at the end of the first epoch, its training done: early stopping without a validation
            // loss, a checkpoint path that cannot be written (an existing directory, under a file).
            if (c instanceof EarlyStopping && validation == null) {
                throw new IllegalArgumentException("Trainer: EarlyStopping needs validation data, and fit() was given"
                        + " none; pass a validation set or drop the callback");
            }
            if (c instanceof Checkpointing k) {
                try {
                    AtomicFiles.requireWritablePath(k.file());
                } catch (IOException e) {
                    throw new IllegalArgumentException("Trainer: cannot write checkpoints: " + e.getMessage(), e);
                }
            }
        }
    }

    private History fitBatches(Dataset train, Dataset validation, Batches batches) {
        batchesPerEpoch = batches.numBatches();
        if (batchesPerEpoch == 0) {
            throw new IllegalArgumentException("Trainer: batch size " + options.batchSize() + " with dropLast leaves no"
                    + " batch from " + train.size() + " samples");
        }
        if (state.batch > 0 && state.batchSize > 0 && state.batchSize != options.batchSize()) {
            // The epoch's remaining batches would be cut at other boundaries: some samples skipped, others repeated.
            throw new IllegalArgumentException("Trainer: the restored position is batch " + state.batch + " of epoch "
                    + epoch() + " in batches of " + state.batchSize + ", this trainer's batches hold "
                    + options.batchSize() + "; resume with batch size " + state.batchSize + " (it can change at an"
                    + " epoch's start)");
        }
        state.batchSize = options.batchSize();
        if (state.batch > batchesPerEpoch) {
            throw new IllegalArgumentException("Trainer: the restored position is batch " + state.batch + " of epoch "
                    + epoch() + ", but an epoch has " + batchesPerEpoch + " batches of " + options.batchSize()
                    + " from these " + train.size() + " samples; was the checkpoint written for other data?");
        }
        Checkpointing rollbackTo =
                options.onDivergence().action() == DivergencePolicy.Action.ROLLBACK ? checkpointing() : null;
        if (rollbackTo != null && !rollbackTo.hasWritten()) {
            rollbackTo.write(this); // something to roll back to before the first regular checkpoint
        }
        boolean stop = false;
        epochs:
        while (state.epoch < options.epochs() && !stop && !stopRequested) {
            model.train();
            long started = System.nanoTime() - (long) (state.seconds * 1e9);
            Iterator<Batch> epochBatches = batches.epoch(state.epoch).iterator();
            while (epochBatches.hasNext()) {
                Batch batch = nextBatch(epochBatches);
                if (stopRequested) {
                    break;
                }
                if (batch.index() < state.batch) {
                    continue; // resuming mid-epoch: these batches were trained before the checkpoint
                }
                double l;
                try {
                    l = step(augment(batch.features()), batch.targets());
                    skipsInARow = 0;
                } catch (DivergenceException e) {
                    if (options.onDivergence().action() == DivergencePolicy.Action.STOP) {
                        throw e;
                    }
                    if (options.onDivergence().action() == DivergencePolicy.Action.SKIP) {
                        skip(e);
                        state.batch = batch.index() + 1;
                        continue;
                    }
                    rollBack(e, rollbackTo);
                    continue epochs; // the restored position may be in an earlier epoch
                }
                state.batch = batch.index() + 1;
                state.seconds = (System.nanoTime() - started) / 1e9;
                try (Profiler.Scope s = Profiler.scope("trainer native-memory check and step callbacks")) {
                    collectNativeGarbage();
                    for (Callback c : callbacks) {
                        c.onStepEnd(this, state.step, l);
                    }
                } catch (DivergenceException e) {
                    // The step's update left non-finite values, found by the checkpoint about to be written.
                    rollBackAfterUpdate(e, rollbackTo);
                    continue epochs;
                }
            }
            if (state.batch < batchesPerEpoch) {
                break;
            }
            try (Profiler.Scope s = Profiler.scope("epoch end (validation, history, callbacks)")) {
                requireFiniteBuffers();
                EpochRecord record = finishEpoch(validation);
                history.add(record);
                for (Callback c : callbacks) {
                    stop |= c.onEpochEnd(this, record);
                }
                state.nextEpoch();
            } catch (DivergenceException e) {
                // A running statistic overflowed, or the epoch's checkpoint found non-finite weights.
                rollBackAfterUpdate(e, rollbackTo); // replaces the history, this epoch's record included
                stop = false; // a callback's stop request belonged to the epoch just undone
            }
        }
        for (Callback c : callbacks) {
            c.onTrainEnd(this, history);
        }
        return history;
    }

    /**
     * The batches of {@code train}: the same object for every {@code fit()} on the same dataset, gathered into the
     * model's kept buffers ({@link KeptArrays}), since a caller that trains in short {@code fit()} calls (one epoch of
     * two batch-1024 steps in the benchmarks) would otherwise allocate fresh buffers every call. The order of epoch e
     * depends only on the seed and e, so a kept or a new object gives the same batches.
     */
    Batches batchesFor(Dataset train) {
        if (batches == null || batches.dataset() != train) {
            // Each batch is used only within its step, so the gathered rows can go into reused buffers.
            batches = batching(train).reuseBuffers(gatherBuffers);
        }
        return batches;
    }

    /** The batching of {@code train} by this trainer's options (batch size, seed, last batch). */
    private Batches batching(Dataset train) {
        return Batches.of(train, options.batchSize()).shuffled(options.seed()).dropLast(options.dropLast());
    }

    /** Result arrays the steps have created so far (the rest were reused): for tests. */
    long stepArraysCreated() {
        return stepArrays.created();
    }

    /** The next batch: the rows gathered (and shuffled) by {@link Batches} into reused buffers. */
    private static Batch nextBatch(Iterator<Batch> batches) {
        try (Profiler.Scope s = Profiler.scope("batch gathering (Batches)")) {
            return batches.next();
        }
    }

    private double step(INDArray x, INDArray t) {
        try (Profiler.Scope s = Profiler.scope("trainer step (Java between the phases below)")) {
            MemoryWorkspace ws;
            try (Profiler.Scope open = Profiler.scope("workspace open")) {
                ws = StepWorkspace.open(WORKSPACE);
            }
            try (StepArrays.Pass arrays = stepArrays.begin()) {
                return stepInWorkspace(x, t);
            } finally {
                try (Profiler.Scope close = Profiler.scope("workspace close")) {
                    ws.close();
                }
                // Gradients live in the step's workspace: none may outlive it.
                try (Profiler.Scope zero = Profiler.scope("zeroGrad (model)")) {
                    model.zeroGrad();
                }
            }
        }
    }

    private double stepInWorkspace(INDArray x, INDArray t) {
        if (options.schedule() != null) {
            optimizer.setLearningRate(options.schedule().rate(state.step) * state.learningRateScale);
        }
        for (int i = 0; i < dropouts.size(); i++) {
            // Masks depend only on (seed, step, layer), so a resumed run draws the same masks as an uninterrupted one.
            dropouts.get(i).reseed(mix(options.seed(), state.step, i));
        }
        // A skipped batch must not leave its (possibly non-finite) statistics in running buffers such as batch norm's.
        Map<String, INDArray> buffersBefore =
                options.onDivergence().action() == DivergencePolicy.Action.SKIP ? FitChecks.copyBuffers(model) : null;
        try {
            return update(x, t);
        } catch (DivergenceException e) {
            if (buffersBefore != null) {
                FitChecks.restoreBuffers(model, buffersBefore);
            }
            throw e;
        }
    }

    private double update(INDArray x, INDArray t) {
        Tensor output;
        try (Profiler.Scope s = Profiler.scope("model forward (module code)")) {
            output = model.forward(Tensor.constant(x));
        }
        Tensor l;
        try (Profiler.Scope s = Profiler.scope("loss (op setup)")) {
            l = loss.applyToCheckedTargets(output, Tensor.constant(t));
        }
        double value;
        try (Profiler.Scope s = Profiler.scope("loss value item()")) {
            value = l.item();
        }
        if (!Double.isFinite(value)) {
            throw new DivergenceException("training diverged: the loss is " + value + " at step " + (state.step + 1)
                    + " (epoch " + epoch() + ", batch " + (state.batch + 1) + ")" + locateNonFinite(x) + "; lower the"
                    + " learning rate or clip gradients. The weights were not updated by this step.");
        }
        l.backward();
        Map<String, Tensor> params;
        try (Profiler.Scope s = Profiler.scope("model.namedParameters()")) {
            params = model.namedParameters();
        }
        for (GradientTransform g : options.gradientTransforms()) {
            g.apply(params);
        }
        String bad;
        try (Profiler.Scope s = Profiler.scope("gradient norms (Java around the sums)")) {
            bad = state.addGradientNorms(params);
        }
        if (bad != null) {
            optimizer.zeroGrad();
            throw new DivergenceException("training diverged: the gradient of '" + bad + "' is not finite at step "
                    + (state.step + 1) + " (epoch " + epoch() + ", batch " + (state.batch + 1) + "); lower the"
                    + " learning rate or clip gradients. The weights were not updated by this step.");
        }
        optimizer.step();
        optimizer.zeroGrad();
        for (MaxNormConstraint c : options.constraints()) {
            c.apply(params);
        }
        state.step++;
        state.lossSum += value * x.size(0);
        state.samples += x.size(0);
        if (loss.isClassification()) {
            try (Profiler.Scope s = Profiler.scope("accuracy (Evaluation.correct)")) {
                state.correct += Evaluation.correct(output.value(), t, loss.decisionThreshold());
            }
        }
        return value;
    }

    // ---- native memory ----

    /**
     * Growth of the process's physical memory (MB) over its level early in the run after which the trainer asks
     * for a garbage collection; {@code -Dmyelin.nativeGcThresholdMb}, 0 to never ask.
     */
    static final long NATIVE_GC_THRESHOLD = nativeGcThreshold();

    /** The threshold in bytes; a value that is not a whole number of MB is reported, not silently replaced. */
    private static long nativeGcThreshold() {
        String raw = System.getProperty(org.myelin.Settings.NATIVE_GC_THRESHOLD_MB);
        if (raw == null) {
            return 256L << 20;
        }
        try {
            return org.myelin.Settings.wholeNumber(
                            org.myelin.Settings.NATIVE_GC_THRESHOLD_MB, raw, 0, Long.MAX_VALUE >> 20)
                    << 20;
        } catch (IllegalArgumentException e) {
            // A static initialiser must not throw; the command line refuses the value before it gets here.
            org.slf4j.LoggerFactory.getLogger(Trainer.class).warn("{}; using 256", e.getMessage());
            return 256L << 20;
        }
    }

    private long nativeFloor = -1;
    private boolean collectedAtLastCheck;

    /**
     * ND4J frees an array's native memory only when the garbage collector collects its small Java object, and the
     * heap fills far more slowly than native memory does (a step of the MNIST MLP leaves megabytes of arrays
     * behind for a few kilobytes of heap), so without help the process grows by gigabytes before a collection
     * frees them (the soak benchmark in docs/reliability.md: 8 GB after 3000 steps). Every 16 steps this compares
     * the physical memory (JavaCPP's count, cheap) with its level at the first check and collects once it is
     * higher by the threshold; freed memory is then reused, so the process levels off. When a collection does not
     * bring it back under (the run really needs more), the higher level becomes the new reference.
     */
    private void collectNativeGarbage() {
        if (NATIVE_GC_THRESHOLD <= 0 || state.step % 16 != 0) {
            return;
        }
        long now = org.bytedeco.javacpp.Pointer.physicalBytes();
        if (nativeFloor < 0) {
            nativeFloor = now;
        } else if (now - nativeFloor > NATIVE_GC_THRESHOLD) {
            if (collectedAtLastCheck) {
                nativeFloor = now;
                collectedAtLastCheck = false;
                return;
            }
            log.debug("physical memory is {} MB over its early level; collecting garbage", (now - nativeFloor) >> 20);
            System.gc();
            collectedAtLastCheck = true;
            return;
        }
        collectedAtLastCheck = false;
    }

    // ---- divergence policies (see DivergencePolicy) ----

    private int skipsInARow;
    private int rollbacks;

    private void skip(DivergenceException e) {
        skipsInARow++;
        if (skipsInARow > options.onDivergence().maxRetries()) {
            throw new DivergenceException(sentence(e.getMessage()) + " Skipped "
                    + options.onDivergence().maxRetries() + " batches in a row before this one; giving up.");
        }
        state.skippedBatches++;
        log.warn(
                "{} Skipping this batch ({} skipped in a row, {} in all).",
                sentence(e.getMessage()),
                skipsInARow,
                state.skippedBatches);
    }

    /**
     * A message as a sentence that another may follow: a full stop is added unless it ends in one (a divergence's
     * message from the model file's check ends "nothing was written", which ran on into "Rolled back ...").
     */
    static String sentence(String message) {
        String m = message == null ? "training diverged" : message.strip();
        return m.endsWith(".") || m.endsWith("!") || m.endsWith("?") ? m : m + ".";
    }

    private void rollBack(DivergenceException e, Checkpointing to) {
        rollbacks++;
        if (rollbacks > options.onDivergence().maxRetries()) {
            throw new DivergenceException(sentence(e.getMessage()) + " Rolled back "
                    + options.onDivergence().maxRetries() + " times already; giving up.");
        }
        double scale = state.learningRateScale * options.onDivergence().rateFactor();
        try {
            Checkpointing.resume(this, to.file());
        } catch (java.io.IOException io) {
            throw new java.io.UncheckedIOException("cannot roll back after divergence: " + io.getMessage(), io);
        }
        // The checkpoint's learning rate carries the checkpoint's scale; replace it with the lowered one.
        optimizer.setLearningRate(optimizer.learningRate() * scale / state.learningRateScale);
        state.learningRateScale = scale;
        log.warn(
                "{} Rolled back to step {} (epoch {}, batch {}) of {}; learning rate scaled by {} ({} of {}"
                        + " rollbacks).",
                sentence(e.getMessage()),
                state.step,
                epoch(),
                state.batch,
                to.file(),
                scale,
                rollbacks,
                options.onDivergence().maxRetries());
    }

    /**
     * A divergence found after an update had happened (by a callback or the epoch's checks): rolled back under the
     * rollback policy, else thrown, since skipping a batch cannot undo an update.
     */
    private void rollBackAfterUpdate(DivergenceException e, Checkpointing rollbackTo) {
        if (rollbackTo == null) {
            throw e;
        }
        rollBack(e, rollbackTo);
    }

    private Checkpointing checkpointing() {
        for (Callback c : callbacks) {
            if (c instanceof Checkpointing k) {
                return k;
            }
        }
        return null;
    }

    /**
     * Where a non-finite loss comes from, for the message: the first parameter holding non-finite values, or
     * else the first layer of a sequential model whose output is not finite (found by running the layers again
     * without recording; running statistics are restored afterwards). Only called on the failure path.
     */
    private String locateNonFinite(INDArray x) {
        for (Map.Entry<String, Tensor> p : model.namedParameters().entrySet()) {
            if (!Double.isFinite(p.getValue().value().sumNumber().doubleValue())) {
                return "; parameter '" + p.getKey() + "' holds non-finite values";
            }
        }
        if (!(model instanceof org.myelin.nn.Sequential seq)) {
            return "";
        }
        Map<String, INDArray> buffers = FitChecks.copyBuffers(model);
        try (var scope = org.myelin.autodiff.Autograd.noGrad()) {
            INDArray h = x;
            for (Map.Entry<String, Module> layer : seq.children().entrySet()) {
                h = layer.getValue().forward(Tensor.constant(h)).value();
                if (!Double.isFinite(h.sumNumber().doubleValue())) {
                    return "; the output of layer '" + layer.getKey() + "' ("
                            + layer.getValue().config().get("type") + ") is the first that is not finite";
                }
            }
            return "; every layer's output is finite, the loss itself overflowed";
        } finally {
            FitChecks.restoreBuffers(model, buffers);
        }
    }

    /**
     * Training mode never reads batch norm's running statistics, so a running variance that overflowed (inputs of
     * magnitude 1e19 and more in float32) went unnoticed until evaluation mode gave one output for every input.
     * Checked once per epoch, before validation and the epoch's checkpoint: the buffers are small.
     */
    private void requireFiniteBuffers() {
        for (Map.Entry<String, INDArray> b : model.namedBuffers().entrySet()) {
            double[] values = b.getValue().toDoubleVector();
            for (double v : values) {
                if (!Double.isFinite(v)) {
                    throw new DivergenceException("training diverged: the running statistic '" + b.getKey() + "' is "
                            + v + " after epoch " + epoch() + " (a batch statistic overflowed "
                            + b.getValue().dataType()
                            + "); standardise the inputs or lower the learning rate");
                }
            }
        }
    }

    private EpochRecord finishEpoch(Dataset validation) {
        double valLoss = Double.NaN;
        double valAcc = Double.NaN;
        if (validation != null) {
            Evaluation e = Evaluation.of(model, loss, validation, options.evaluationBatchSize());
            valLoss = e.loss();
            valAcc = e.accuracy();
        }
        Map<String, Double> norms = new LinkedHashMap<>();
        state.gradNormSums.forEach((k, v) -> norms.put(k, v / Math.max(1, state.gradNormCount)));
        double trainAcc = loss.isClassification() ? (double) state.correct / state.samples : Double.NaN;
        EpochRecord r = new EpochRecord(
                epoch(),
                state.step,
                state.lossSum / state.samples,
                trainAcc,
                valLoss,
                valAcc,
                optimizer.learningRate(),
                state.seconds,
                state.samples / Math.max(state.seconds, 1e-9),
                norms);
        log.debug("{}", r);
        return r;
    }

    private static void collectDropouts(Module m, List<Dropout> out) {
        if (m instanceof Dropout d) {
            out.add(d);
        }
        m.children().values().forEach(c -> collectDropouts(c, out));
    }

    /** SplitMix64 of the three values: well-spread seeds from nearby (seed, step, layer) triples. */
    static long mix(long seed, long step, long layer) {
        long z = seed + 0x9E3779B97F4A7C15L * (step + 1) + 0xBF58476D1CE4E5B9L * (layer + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The size of the smallest batch an epoch of {@code train} has: the last one, unless dropped or full. */
    private int smallestBatch(Dataset train) {
        int n = train.size();
        int b = options.batchSize();
        return options.dropLast() || n % b == 0 ? Math.min(b, n) : n % b;
    }

    /**
     * Why a training step will run on a single sample when batches hold more ({@link FitChecks#requireFitsModel}
     * then runs the model once in training mode on one sample: batch norm refuses that), if it will.
     */
    private Optional<String> oneSampleBatch(Dataset train) {
        if (smallestBatch(train) != 1 || options.batchSize() <= 1) {
            return Optional.empty();
        }
        return Optional.of("the last batch of each epoch holds 1 sample: " + train.size() + " samples in batches of "
                + options.batchSize() + "; drop it with dropLast or choose another batch size");
    }
}
