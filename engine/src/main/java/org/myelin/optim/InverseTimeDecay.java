package org.myelin.optim;

import org.myelin.Preconditions;

/**
 * The decreasing step size of MIT 6.390 §6.7.2 (see docs/notes.md), {@code eta(t) = eta0 / (1 + k t)}.
 *
 * <p>MIT 6.390 says only that for (stochastic) gradient descent to converge, {@code eta(t)} "has to be decreasing in a
 * certain way" and defers the requirements to its chapter 3, which is not among the notes. The standard
 * conditions there (Robbins and Monro 1951) are {@code sum_t eta(t) = infinity} and {@code sum_t eta(t)^2 <
 * infinity}; this {@code 1/t} family meets both for every {@code k > 0} ({@code k = 1} gives
 * {@code eta0 / (t + 1)}, the usual {@code 1/t} schedule); {@code k = 0} is a constant rate.
 */
public record InverseTimeDecay(double initial, double decay) implements LearningRateSchedule {
    public InverseTimeDecay {
        Preconditions.positive("InverseTimeDecay", "initial rate", "learning_rate", initial);
        Preconditions.nonNegative("InverseTimeDecay", "decay", decay);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("InverseTimeDecay", t);
        return initial / (1 + decay * t);
    }
}
