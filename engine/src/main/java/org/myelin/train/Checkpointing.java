package org.myelin.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.io.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint (model, optimiser state, trainer position, history) every {@code everyEpochs} epochs
 * and/or every {@code everySteps} steps, and when training stops early; atomically, so the file on disk is
 * always a complete checkpoint. {@link #resume} restores a trainer from one.
 */
public final class Checkpointing implements Callback {
    private static final Logger log = LoggerFactory.getLogger(Checkpointing.class);

    private final Path file;
    private final int everyEpochs;
    private final long everySteps;
    private final Map<String, Object> metadata;
    private final RunIdentity identity;
    private boolean written;

    /**
     * @param everyEpochs write after every this many epochs (0: never at epoch ends)
     * @param everySteps  write after every this many steps (0: never mid-epoch)
     * @param metadata    saved with the model (e.g. the job config)
     */
    public Checkpointing(Path file, int everyEpochs, long everySteps, Map<String, Object> metadata) {
        this(file, everyEpochs, everySteps, metadata, null);
    }

    /**
     * @param identity the settings and data of the run, saved with each checkpoint so that only the same run
     *                 resumes from it (see {@link #resume(Trainer, Path, RunIdentity, java.util.Set)}); null: none
     */
    public Checkpointing(
            Path file, int everyEpochs, long everySteps, Map<String, Object> metadata, RunIdentity identity) {
        if (file == null) {
            throw new IllegalArgumentException("Checkpointing: file must not be null");
        }
        if (everyEpochs < 0 || everySteps < 0) {
            throw new IllegalArgumentException("Checkpointing: intervals must be >= 0, was every " + everyEpochs
                    + " epochs and " + everySteps + " steps");
        }
        this.file = file;
        this.everyEpochs = everyEpochs;
        this.everySteps = everySteps;
        this.metadata = metadata;
        this.identity = identity;
    }

    public Path file() {
        return file;
    }

    /** Whether this callback has written a checkpoint (one a rollback can return to). */
    public boolean hasWritten() {
        return written;
    }

    @Override
    public void onStepEnd(Trainer trainer, long step, double loss) {
        if (everySteps > 0 && step % everySteps == 0 && trainer.batchInEpoch() < trainer.batchesPerEpoch()) {
            write(trainer);
        }
    }

    @Override
    public boolean onEpochEnd(Trainer trainer, EpochRecord record) {
        if (everyEpochs > 0 && record.epoch() % everyEpochs == 0) {
            // The trainer has not advanced its epoch counter yet: save the position of the next epoch's start.
            write(trainer, true);
        }
        return false;
    }

    @Override
    public void onTrainEnd(Trainer trainer, History history) {
        if (trainer.stopRequested()) {
            write(trainer);
        }
    }

    /** Writes a checkpoint of the trainer's current position now. */
    public void write(Trainer trainer) {
        write(trainer, false);
    }

    private void write(Trainer trainer, boolean atEpochEnd) {
        Map<String, Object> state = trainer.state().toMap();
        if (atEpochEnd) {
            TrainerState next = new TrainerState();
            next.restore(state);
            next.nextEpoch();
            state = next.toMap();
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("position", state);
        t.put("history", trainer.history().toMaps());
        if (identity != null) {
            t.put("run", identity.toMap());
        }
        Map<String, Object> opt = new LinkedHashMap<>(trainer.optimizer().config());
        opt.put("steps", trainer.optimizer().steps());
        opt.put("currentLearningRate", trainer.optimizer().learningRate());
        try {
            Checkpoint.save(
                    file, trainer.model(), metadata, opt, trainer.optimizer().state(), t);
            written = true;
            log.debug(
                    "checkpoint written to {} at step {}", file, trainer.state().step());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not write checkpoint " + file + " (the previous one is intact): " + e.getMessage(), e);
        } catch (org.myelin.io.NonFiniteValuesException e) {
            // The update of this step overflowed a weight or an optimiser moment although its loss and gradients
            // were finite: a divergence, which the trainer's policy handles (a rollback returns to the last file).
            throw new DivergenceException("could not write checkpoint " + file + " (the previous one is intact) after"
                    + " step " + trainer.state().step() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) { // a model or state the checkpoint could not be resumed from
            throw new IllegalArgumentException(
                    "could not write checkpoint " + file + " (the previous one is intact): " + e.getMessage(), e);
        }
    }

    /**
     * Restores {@code trainer} (model weights and buffers, optimiser state, position, history) from a
     * checkpoint written for the same architecture and optimiser. All or nothing: everything in the file is
     * read and checked against the trainer before anything is changed, so a damaged or mismatched checkpoint
     * leaves the trainer as it was.
     *
     * @throws org.myelin.io.ModelFormatException naming the file and what does not fit
     */
    public static void resume(Trainer trainer, Path file) throws IOException {
        resume(trainer, file, null, java.util.Set.of());
    }

    /**
     * {@link #resume(Trainer, Path)} that first compares the checkpoint's run identity with {@code identity} and
     * refuses every difference not in {@code accepted} (see {@link RunIdentity#requireSameRun}). A checkpoint
     * without one (written by {@link #Checkpointing(Path, int, long, Map)} or an older Myelin) is checked for its
     * architecture and optimiser only, with a warning.
     *
     * @param identity this run's identity; null: not compared
     */
    public static void resume(Trainer trainer, Path file, RunIdentity identity, java.util.Set<String> accepted)
            throws IOException {
        if (trainer == null) { // a NullPointerException after the checkpoint was read
            throw new IllegalArgumentException("Checkpointing.resume: trainer must not be null");
        }
        Checkpoint.Loaded c = Checkpoint.load(file);
        try {
            long steps = trainer.optimizer().steps();
            double lr = trainer.optimizer().learningRate();
            Object s = c.optimizer().get("steps");
            if (s != null) {
                java.util.OptionalLong n = org.myelin.io.Json.exactLong(s);
                if (n.isEmpty() || n.getAsLong() < 0) {
                    throw new IllegalArgumentException(
                            "optimizer.json: 'steps' must be an integer in 0.." + Long.MAX_VALUE + ", was " + s);
                }
                steps = n.getAsLong();
            }
            Object r = c.optimizer().get("currentLearningRate");
            if (r != null) {
                if (!(r instanceof Number n) || !(n.doubleValue() >= 0) || Double.isInfinite(n.doubleValue())) {
                    throw new IllegalArgumentException(
                            "optimizer.json: 'currentLearningRate' must be >= 0 and" + " finite, was " + r);
                }
                lr = n.doubleValue();
            }
            Object position = c.trainer().get("position");
            if (!(position instanceof Map<?, ?>)) {
                throw new IllegalArgumentException("trainer.json has no 'position' object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) position;
            TrainerState saved = new TrainerState();
            saved.restore(p);
            if (identity != null) {
                Object run = c.trainer().get("run");
                if (run == null) {
                    log.warn(
                            "{}: the checkpoint does not record its run's settings and data (written by an older"
                                    + " Myelin or a plain Checkpointing); only the architecture and optimiser are compared",
                            file);
                } else if (!(run instanceof Map<?, ?> runMap)) {
                    throw new IllegalArgumentException("trainer.json: 'run' must be an object, was " + run);
                } else {
                    identity.requireSameRun(
                            runMap,
                            accepted,
                            saved.batch == 0 ? null : "batch " + saved.batch + " of epoch " + (saved.epoch + 1));
                }
            }
            Object h = c.trainer().get("history");
            if (h != null && !(h instanceof java.util.List<?>)) {
                throw new IllegalArgumentException("trainer.json: 'history' must be a list, was " + h);
            }
            History history = History.fromMaps(h == null ? java.util.List.of() : (java.util.List<?>) h);
            requireSameArchitecture(c.model(), trainer.model());
            requireSameOptimizerType(c.optimizer().get("type"), trainer.optimizer());
            // Each of these checks everything before it changes anything; with the architecture checked above,
            // copyState cannot fail once the optimiser state has been taken.
            trainer.optimizer().restoreState(c.optimizerState());
            org.myelin.nn.Modules.copyState(c.model(), trainer.model());
            trainer.optimizer().setSteps(steps);
            trainer.optimizer().setLearningRate(lr);
            trainer.state().restore(p);
            trainer.restoreHistory(history);
        } catch (org.myelin.io.ModelFormatException | org.myelin.ConfigurationException e) {
            throw e; // the file's own message, or a setting of the run that cannot apply (a misspelt accepted key)
        } catch (IllegalArgumentException | org.myelin.MyelinException e) {
            throw new org.myelin.io.ModelFormatException(
                    file + ": cannot resume from this checkpoint: " + e.getMessage(), e);
        }
        if (trainer.state().batch() == 0) {
            log.info(
                    "resumed from {} after {} complete epoch(s), step {}",
                    file,
                    trainer.state().epochsCompleted(),
                    trainer.state().step());
        } else {
            log.info(
                    "resumed from {} in epoch {} after batch {}, step {}",
                    file,
                    trainer.epoch(),
                    trainer.state().batch(),
                    trainer.state().step());
        }
    }

    /**
     * The optimiser's state slots alone do not tell Adam from AdamW (same moments) or from an Adam with other
     * settings: the type must match, as the command line's run identity also requires.
     */
    private static void requireSameOptimizerType(Object savedType, org.myelin.optim.Optimizer target) {
        Object type = target.config().get("type");
        if (savedType != null && !savedType.equals(type)) {
            throw new IllegalArgumentException(
                    "the checkpoint was written by optimiser '" + savedType + "', this trainer's is '" + type + "'");
        }
    }

    /** Keys of a module's config that describe how it was initialised, not what it computes. */
    private static final java.util.Set<String> INITIALISATION_KEYS = java.util.Set.of("weight_init", "bias_init");

    /**
     * The first place where two module configs differ in what the model computes (types, sizes, activations,
     * hyper-parameters; initialisers are left out), as "PATH is X in the checkpoint, Y in this model", or null when
     * they agree.
     */
    static String configDifference(String path, Object saved, Object target) {
        if (saved instanceof Map<?, ?> a && target instanceof Map<?, ?> b) {
            java.util.Set<Object> keys = new java.util.LinkedHashSet<>(a.keySet());
            keys.addAll(b.keySet());
            for (Object k : keys) {
                if (INITIALISATION_KEYS.contains(k)) {
                    continue;
                }
                String d = configDifference(path.isEmpty() ? String.valueOf(k) : path + "." + k, a.get(k), b.get(k));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (saved instanceof java.util.List<?> a && target instanceof java.util.List<?> b && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                String d = configDifference(path + "[" + i + "]", a.get(i), b.get(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        boolean same = saved instanceof Number x && target instanceof Number y
                ? x.doubleValue() == y.doubleValue() // 1 and 1.0 after a round trip through JSON
                : java.util.Objects.equals(saved, target);
        return same ? null : path + " is " + saved + " in the checkpoint, " + target + " in this model";
    }

    private static void requireSameArchitecture(org.myelin.nn.Module saved, org.myelin.nn.Module target) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> a = new LinkedHashMap<>();
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> b = new LinkedHashMap<>();
        saved.namedParameters().forEach((k, t) -> a.put(k, t.value()));
        target.namedParameters().forEach((k, t) -> b.put(k, t.value()));
        a.putAll(saved.namedBuffers());
        b.putAll(target.namedBuffers());
        if (!a.keySet().equals(b.keySet())) {
            throw new IllegalArgumentException("the checkpoint's model has parameters and buffers " + a.keySet()
                    + ", this model has " + b.keySet());
        }
        a.forEach((k, v) -> {
            var w = b.get(k);
            if (!java.util.Arrays.equals(v.shape(), w.shape()) || v.dataType() != w.dataType()) {
                throw new IllegalArgumentException(
                        "'" + k + "' is " + v.dataType() + java.util.Arrays.toString(v.shape()) + " in the checkpoint, "
                                + w.dataType() + java.util.Arrays.toString(w.shape())
                                + " in this model");
            }
        });
        // Same parameter shapes can still compute something else (another activation, another layer type).
        String layers = configDifference("", saved.config(), target.config());
        if (layers != null) {
            throw new IllegalArgumentException("the checkpoint's model differs from this one: " + layers);
        }
    }
}
