package org.myelin.optim;

import org.myelin.Preconditions;

/** {@code eta(t) = eta0}. */
public record ConstantRate(double initial) implements LearningRateSchedule {
    public ConstantRate {
        Preconditions.positive("ConstantRate", "initial rate", "learning_rate", initial);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("ConstantRate", t);
        return initial;
    }
}
