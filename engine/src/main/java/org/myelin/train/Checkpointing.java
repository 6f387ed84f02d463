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

    /**
     * @param everyEpochs write after every this many epochs (0: never at epoch ends)
     * @param everySteps  write after every this many steps (0: never mid-epoch)
     * @param metadata    saved with the model (e.g. the job config)
     */
    public Checkpointing(Path file, int everyEpochs, long everySteps, Map<String, Object> metadata) {
        if (everyEpochs < 0 || everySteps < 0) {
            throw new IllegalArgumentException("Checkpointing: intervals must be >= 0, was every " + everyEpochs
                    + " epochs and " + everySteps + " steps");
        }
        this.file = file;
        this.everyEpochs = everyEpochs;
        this.everySteps = everySteps;
        this.metadata = metadata;
    }

    public Path file() {
        return file;
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
        Map<String, Object> opt = new LinkedHashMap<>(trainer.optimizer().config());
        opt.put("steps", trainer.optimizer().steps());
        opt.put("currentLearningRate", trainer.optimizer().learningRate());
        try {
            Checkpoint.save(file, trainer.model(), metadata, opt, trainer.optimizer().state(), t);
            log.debug("checkpoint written to {} at step {}", file, trainer.state().step());
        } catch (IOException e) {
            throw new UncheckedIOException("could not write checkpoint " + file + " (the previous one is intact): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Restores {@code trainer} (model weights and buffers, optimiser state, position, history) from a
     * checkpoint written for the same architecture and optimiser.
     */
    public static void resume(Trainer trainer, Path file) throws IOException {
        Checkpoint.Loaded c = Checkpoint.load(file);
        org.myelin.nn.Modules.copyState(c.model(), trainer.model());
        trainer.optimizer().restoreState(c.optimizerState());
        Object steps = c.optimizer().get("steps");
        if (steps instanceof Number n) {
            trainer.optimizer().setSteps(n.longValue());
        }
        Object lr = c.optimizer().get("currentLearningRate");
        if (lr instanceof Number n) {
            trainer.optimizer().setLearningRate(n.doubleValue());
        }
        Object position = c.trainer().get("position");
        if (!(position instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(file + ": trainer.json has no 'position' object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) position;
        trainer.state().restore(p);
        Object h = c.trainer().get("history");
        trainer.restoreHistory(History.fromMaps(h instanceof java.util.List<?> l ? l : java.util.List.of()));
        log.info("resumed from {} at epoch {}, step {}", file, trainer.epoch(), trainer.state().step());
    }
}
