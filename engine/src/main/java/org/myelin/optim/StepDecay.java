package org.myelin.optim;

import org.myelin.Preconditions;

/** {@code eta(t) = eta0 gamma^floor(t / stepSize)}: multiplied by {@code gamma} every {@code stepSize} steps. */
public record StepDecay(double initial, long stepSize, double gamma) implements LearningRateSchedule {
    public StepDecay {
        Preconditions.positive("StepDecay", "initial rate", "learning_rate", initial);
        Preconditions.atLeastOne("StepDecay", "step size", "step_size", stepSize);
        Preconditions.unitLeftOpen("StepDecay", "gamma", gamma);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("StepDecay", t);
        return initial * Math.pow(gamma, (double) (t / stepSize));
    }
}
