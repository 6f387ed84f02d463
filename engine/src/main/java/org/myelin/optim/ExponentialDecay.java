package org.myelin.optim;

/** {@code eta(t) = eta0 gamma^t}. */
public record ExponentialDecay(double initial, double gamma) implements LearningRateSchedule {
    public ExponentialDecay {
        Check.positive("ExponentialDecay", "initial rate", initial);
        Check.unitLeftOpen("ExponentialDecay", "gamma", gamma);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("ExponentialDecay", t);
        return initial * Math.pow(gamma, t);
    }
}
