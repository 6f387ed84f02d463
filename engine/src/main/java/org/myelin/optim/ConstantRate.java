package org.myelin.optim;

/** {@code eta(t) = eta0}. */
public record ConstantRate(double initial) implements LearningRateSchedule {
    public ConstantRate {
        Check.positive("ConstantRate", "initial rate", initial);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("ConstantRate", t);
        return initial;
    }
}
