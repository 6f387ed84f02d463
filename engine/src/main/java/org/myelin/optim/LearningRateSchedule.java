package org.myelin.optim;

/**
 * A learning-rate schedule {@code eta(t)}: maps a step (or epoch: the caller decides which it counts,
 * {@code t = 0, 1, 2, ...}) to a rate, which the trainer passes to {@link Optimizer#setLearningRate} before the
 * step. MIT 6.390 §6.7.2 (see docs/notes.md): for stochastic gradient descent to converge, {@code eta(t)} has to
 * decrease ({@link InverseTimeDecay}).
 */
@FunctionalInterface
public interface LearningRateSchedule {

    /** The rate at step {@code t >= 0}; {@code >= 0} and finite. */
    double rate(long t);

    /** This schedule preceded by {@code warmupSteps} steps of linear warm-up ({@link LinearWarmup}). */
    default LearningRateSchedule withWarmup(long warmupSteps) {
        return new LinearWarmup(warmupSteps, this);
    }

    /** Rejects a negative step. */
    static long checkStep(String owner, long t) {
        if (t < 0) {
            throw new IllegalArgumentException(owner + ": step must be >= 0, was " + t);
        }
        return t;
    }
}
