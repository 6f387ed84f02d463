package org.myelin.optim;

import org.myelin.Preconditions;

/**
 * Linear warm-up in front of another schedule: {@code eta(t) = after(0) (t + 1) / W} for {@code t < W}, then
 * {@code after(t - W)}; so the rate climbs from {@code after(0) / W} to {@code after(0)} at step {@code W - 1},
 * never zero, and the wrapped schedule starts its own count when the warm-up ends.
 */
public record LinearWarmup(long warmupSteps, LearningRateSchedule after) implements LearningRateSchedule {
    public LinearWarmup {
        Preconditions.atLeastOne("LinearWarmup", "warm-up steps", "warmup_steps", warmupSteps);
        if (after == null) {
            throw new IllegalArgumentException("LinearWarmup: schedule after the warm-up must not be null");
        }
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("LinearWarmup", t);
        if (t < warmupSteps) {
            double rate = after.rate(0) * (t + 1) / warmupSteps;
            // after(0) (t + 1) overflows for a rate near Double.MAX_VALUE: the fraction first then (other bits, so
            // only where the usual order fails).
            return Double.isFinite(rate) ? rate : after.rate(0) * ((double) (t + 1) / warmupSteps);
        }
        return after.rate(t - warmupSteps);
    }
}
