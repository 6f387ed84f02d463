package org.myelin.optim;

import org.myelin.Preconditions;

/** {@code eta(t) = eta0 gamma^t}. */
public record ExponentialDecay(double initial, double gamma) implements LearningRateSchedule {
    public ExponentialDecay {
        Preconditions.positive("ExponentialDecay", "initial rate", "learning_rate", initial);
        Preconditions.unitLeftOpen("ExponentialDecay", "gamma", gamma);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("ExponentialDecay", t);
        return initial * Math.pow(gamma, t);
    }
}
