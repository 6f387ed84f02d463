package org.myelin.optim;

/** {@code eta(t) = eta0 gamma^floor(t / stepSize)}: multiplied by {@code gamma} every {@code stepSize} steps. */
public record StepDecay(double initial, long stepSize, double gamma) implements LearningRateSchedule {
    public StepDecay {
        Check.positive("StepDecay", "initial rate", initial);
        Check.atLeastOne("StepDecay", "step size", stepSize);
        Check.unitLeftOpen("StepDecay", "gamma", gamma);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("StepDecay", t);
        return initial * Math.pow(gamma, (double) (t / stepSize));
    }
}
