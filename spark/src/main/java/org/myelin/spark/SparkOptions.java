package org.myelin.spark;

import java.nio.file.Path;
import java.util.Map;

/**
 * How a {@link SparkTrainer} distributes training (the engine's {@link org.myelin.train.TrainingOptions} say what
 * to train: epochs, batch size, seed, schedule).
 *
 * @param localSteps            0: synchronous gradient averaging, one optimiser step per round on the global batch;
 *                              K >= 1: each partition takes K optimiser steps of its own, then parameters and
 *                              optimiser state are averaged (see {@link SparkTrainer})
 * @param regularization        penalties, clipping and max-norm, rebuilt on every executor from these numbers
 * @param checkpoint            checkpoint file written by the driver (null: none)
 * @param checkpointEveryRounds write the checkpoint after every this many rounds (0: only when stopping and at
 *                              the end)
 * @param metadata              saved with the model in checkpoints (JSON-compatible)
 */
public record SparkOptions(
        int localSteps,
        Regularization regularization,
        Path checkpoint,
        int checkpointEveryRounds,
        Map<String, Object> metadata) {

    public SparkOptions {
        if (localSteps < 0) {
            throw new IllegalArgumentException("SparkOptions: local steps K must be >= 0 (0: synchronous gradient"
                    + " averaging), was " + localSteps);
        }
        if (checkpointEveryRounds < 0) {
            throw new IllegalArgumentException(
                    "SparkOptions: checkpoint interval must be >= 0 rounds, was " + checkpointEveryRounds);
        }
        regularization = regularization == null ? Regularization.NONE : regularization;
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** Synchronous gradient averaging: equal to single-machine mini-batch training with the global batch. */
    public static SparkOptions synchronous() {
        return new SparkOptions(0, Regularization.NONE, null, 0, Map.of());
    }

    /** K local steps per partition between averagings of parameters and optimiser state. */
    public static SparkOptions localSteps(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("SparkOptions: local steps K must be >= 1, was " + k);
        }
        return new SparkOptions(k, Regularization.NONE, null, 0, Map.of());
    }

    public boolean isSynchronous() {
        return localSteps == 0;
    }

    public SparkOptions withRegularization(Regularization r) {
        return new SparkOptions(localSteps, r, checkpoint, checkpointEveryRounds, metadata);
    }

    /** Checkpoints to {@code file} every {@code everyRounds} rounds (0: only on stop and at the end). */
    public SparkOptions withCheckpoint(Path file, int everyRounds) {
        return new SparkOptions(localSteps, regularization, file, everyRounds, metadata);
    }

    public SparkOptions withMetadata(Map<String, Object> m) {
        return new SparkOptions(localSteps, regularization, checkpoint, checkpointEveryRounds, m);
    }
}
