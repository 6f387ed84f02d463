package org.myelin.train;

import java.util.Locale;

/**
 * What the trainer does when a step finds a non-finite loss or gradient. In every case the failing step has
 * changed no weight and no optimiser state (the check comes before the optimiser's update, CS 489 §13.2 on exploding
 * gradients; see docs/notes.md); the policies differ in what happens next:
 *
 * <ul>
 *   <li>{@link Action#STOP}: throw a {@link DivergenceException} naming the step, epoch, batch and the parameter
 *       (or the first layer whose output is not finite); the last checkpoint on disk is the one to resume from.
 *   <li>{@link Action#SKIP}: drop the batch (running statistics such as batch norm's are restored as they were
 *       before it) and go on with the next; more than {@code maxRetries} skipped batches in a row stop the run.
 *   <li>{@link Action#ROLLBACK}: reload the last checkpoint (written by the run's {@link Checkpointing} callback,
 *       which this policy requires), multiply the learning rate by {@code rateFactor} for the rest of the run
 *       (the factor compounds, is kept in checkpoints, and scales a schedule's rate too), and go on from there;
 *       more than {@code maxRetries} rollbacks in a run stop it.
 * </ul>
 *
 * <p>An update can also overflow with a finite loss and gradients (a large learning rate): the weights or an
 * optimiser moment turn non-finite after the step. The trainer finds that when the epoch's running statistics are
 * checked or when a checkpoint is about to be written (which then is not: the last one stays). {@link Action#ROLLBACK}
 * rolls back then as well; the other two stop there with a {@link DivergenceException}, since the update has
 * happened and skipping a batch cannot undo it.
 *
 * @param action     the policy
 * @param rateFactor learning-rate factor of a rollback, in (0, 1]
 * @param maxRetries skipped batches in a row, or rollbacks in a run, before giving up; >= 1
 */
public record DivergencePolicy(Action action, double rateFactor, int maxRetries) {

    /** The three policies. */
    public enum Action {
        STOP,
        SKIP,
        ROLLBACK;

        /** The name used in job configs: {@code stop}, {@code skip}, {@code rollback}. */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Default learning-rate factor of a rollback. */
    public static final double DEFAULT_RATE_FACTOR = 0.5;
    /** Default limit on skipped batches in a row. */
    public static final int DEFAULT_MAX_SKIPS = 10;
    /** Default limit on rollbacks in a run. */
    public static final int DEFAULT_MAX_ROLLBACKS = 5;

    public DivergencePolicy {
        if (action == null) {
            throw new IllegalArgumentException("divergence policy: action must be stop, skip or rollback, was null");
        }
        if (!(rateFactor > 0 && rateFactor <= 1)) {
            throw new IllegalArgumentException(
                    "divergence policy: learning-rate factor must be in (0, 1], was " + rateFactor);
        }
        if (maxRetries < 1) {
            throw new IllegalArgumentException("divergence policy: retries must be >= 1, was " + maxRetries);
        }
    }

    /** Stop at the first divergence (the default). */
    public static DivergencePolicy stop() {
        return new DivergencePolicy(Action.STOP, 1.0, 1);
    }

    /** Skip diverging batches, at most {@code maxInARow} in a row. */
    public static DivergencePolicy skip(int maxInARow) {
        return new DivergencePolicy(Action.SKIP, 1.0, maxInARow);
    }

    /** Roll back to the last checkpoint and multiply the learning rate by {@code rateFactor}, at most {@code max} times. */
    public static DivergencePolicy rollback(double rateFactor, int max) {
        return new DivergencePolicy(Action.ROLLBACK, rateFactor, max);
    }

    /**
     * The policy named {@code stop}, {@code skip} or {@code rollback}; {@code rateFactor} and {@code maxRetries}
     * apply where the policy uses them, null for their defaults.
     */
    public static DivergencePolicy of(String name, Double rateFactor, Integer maxRetries) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        switch (n) {
            case "stop":
                return stop();
            case "skip":
                return skip(maxRetries == null ? DEFAULT_MAX_SKIPS : maxRetries);
            case "rollback":
                return rollback(
                        rateFactor == null ? DEFAULT_RATE_FACTOR : rateFactor,
                        maxRetries == null ? DEFAULT_MAX_ROLLBACKS : maxRetries);
            default:
                throw new IllegalArgumentException("must be \"stop\", \"skip\" or \"rollback\", was \"" + name + "\"");
        }
    }
}
