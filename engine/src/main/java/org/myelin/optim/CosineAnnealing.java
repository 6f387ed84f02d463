package org.myelin.optim;

import org.myelin.InvalidSettingException;
import org.myelin.Preconditions;

/**
 * Cosine annealing (Loshchilov and Hutter 2017, without restarts) from {@code eta0} down to {@code etaMin} over
 * {@code period} steps, then constant: {@code eta(t) = etaMin + (eta0 - etaMin) (1 + cos(pi min(t, T) / T)) / 2}.
 * PyTorch's {@code CosineAnnealingLR(T_max = T, eta_min)} gives the same rates up to step {@code T} but, stepped
 * further, follows the cosine back up towards {@code eta0}; here the rate stays at {@code etaMin}.
 */
public record CosineAnnealing(double initial, double minimum, long period) implements LearningRateSchedule {
    public CosineAnnealing {
        Preconditions.positive("CosineAnnealing", "initial rate", "learning_rate", initial);
        Preconditions.nonNegative("CosineAnnealing", "minimum rate", "minimum", minimum);
        if (minimum > initial) {
            throw new InvalidSettingException(
                    "minimum", "CosineAnnealing: minimum rate must be <= initial rate " + initial + ", was " + minimum);
        }
        Preconditions.atLeastOne("CosineAnnealing", "period", "period", period);
    }

    @Override
    public double rate(long t) {
        LearningRateSchedule.checkStep("CosineAnnealing", t);
        double progress = (double) Math.min(t, period) / period;
        // Halved before the product (the same bits: halving a normal double is exact): (initial - minimum) * (1 + cos)
        // overflowed to Infinity for a rate above Double.MAX_VALUE / 2, which the optimiser refused at the first step.
        return minimum + (initial - minimum) * ((1 + Math.cos(Math.PI * progress)) / 2);
    }
}
