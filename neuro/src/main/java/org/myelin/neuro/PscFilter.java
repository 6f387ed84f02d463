package org.myelin.neuro;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A post-synaptic current filter (CS 489 §4.1, CS 479 §1.6; see docs/notes.md):
 *
 * <pre>  h(t) = k t^n exp(-t/tau_s) for t >= 0, 0 for t < 0,   k = 1 / (n! tau_s^(n+1))</pre>
 *
 * normalised so that its integral over [0, inf) is 1; n = 0 is an exponential decay, n = 1 the more realistic
 * alpha-like shape. A spike train filtered by h is the sum of shifted copies, s(t) = sum_p h(t - t_p) (the
 * convolution a * h). For n = 0 the same signal is the solution of tau_s ds/dt = -s with s += w / tau_s at
 * each spike, which {@link #exponentialEuler} integrates with Euler's method (CS 489 Algorithm 1).
 *
 * @param n    order (power of t), n >= 0
 * @param tauS synaptic time constant tau_s [s]
 */
public record PscFilter(int n, double tauS) {
    public PscFilter {
        if (n < 0 || n > 20) {
            throw new IllegalArgumentException("PscFilter: n must be in [0, 20], was " + n);
        }
        // An infinite tau_s made k() = 0: a filter that silently returned zeros.
        if (!(tauS > 0) || Double.isInfinite(tauS)) {
            throw new IllegalArgumentException("PscFilter: tau_s must be finite and > 0 s, was " + tauS);
        }
    }

    /** The most steps of {@link #exponentialEuler} and {@link #grid}: steps + 1 samples fit a Java array. */
    static final int MAX_STEPS = Integer.MAX_VALUE - 9;

    /** The normalisation constant k = 1 / (n! tau_s^(n+1)). */
    public double k() {
        double factorial = 1;
        for (int i = 2; i <= n; i++) {
            factorial *= i;
        }
        return 1.0 / (factorial * Math.pow(tauS, n + 1));
    }

    /** h(t). */
    public double value(double t) {
        // A NaN t passed t < 0 and gave NaN; an infinite one NaN (inf^n x 0) or 0.
        if (!Double.isFinite(t)) {
            throw new IllegalArgumentException("PscFilter: t must be finite, was " + t + " s");
        }
        if (t < 0) {
            return 0.0;
        }
        return k() * Math.pow(t, n) * Math.exp(-t / tauS);
    }

    /** h elementwise. Shapes: any; the result has the input's shape and data type. */
    public INDArray value(INDArray t) {
        if (t == null) {
            throw new IllegalArgumentException("PscFilter: sample times t must not be null");
        }
        SimulationLimits.requireFiniteEntries("PscFilter: t must be finite", t);
        return valueOf(t);
    }

    /** {@link #value(INDArray)} of checked times (filter's lags, from finite samples and spike times). */
    private INDArray valueOf(INDArray t) {
        INDArray causal = t.gte(0.0).castTo(t.dataType());
        INDArray tc = Transforms.max(t, 0.0, true);
        INDArray decay = Transforms.exp(tc.div(-tauS), false);
        INDArray power = n == 0 ? decay : Transforms.pow(tc, n, true).muli(decay);
        return power.muli(k()).muli(causal);
    }

    /**
     * The filtered spike train s(t) = sum_p w_p h(t - t_p) at the sample times {@code t}, by evaluating every
     * shifted filter on the grid at once. Shapes: t {@code [T]}, spikeTimes and weights {@code [P]}, result
     * {@code [T]} in t's data type.
     */
    public INDArray filter(double[] spikeTimes, double[] weights, INDArray t) {
        requireArrays(spikeTimes, weights);
        if (t == null) {
            throw new IllegalArgumentException("PscFilter: sample times t must not be null");
        }
        if (weights.length != spikeTimes.length) {
            throw new IllegalArgumentException("PscFilter: " + spikeTimes.length + " spike times but " + weights.length
                    + " weights, expected one weight per spike");
        }
        requireFiniteSpikes(spikeTimes, weights);
        // A NaN sample time made its row of the result NaN.
        SimulationLimits.requireFiniteEntries("PscFilter: sample times t must be finite", t);
        long samples = t.length();
        // The lags [samples, spikes] and the few temporaries of the same shape value() makes of them.
        org.myelin.MemoryLimit.check(
                "PscFilter: the lags of " + samples + " samples x " + spikeTimes.length + " spikes",
                org.myelin.MemoryLimit.saturatedProduct(samples, spikeTimes.length),
                5 * t.dataType().width(),
                "values");
        if (spikeTimes.length == 0) {
            return Nd4j.zeros(t.dataType(), samples);
        }
        INDArray tp = Nd4j.createFromArray(spikeTimes).castTo(t.dataType()).reshape(1, spikeTimes.length);
        INDArray w = Nd4j.createFromArray(weights).castTo(t.dataType()).reshape(spikeTimes.length, 1);
        INDArray lag = t.reshape(samples, 1)
                .broadcast(samples, spikeTimes.length)
                .sub(tp.broadcast(samples, spikeTimes.length));
        return valueOf(lag).mmul(w).reshape(samples);
    }

    /** {@link #filter(double[], double[], INDArray)} with unit weights. */
    public INDArray filter(double[] spikeTimes, INDArray t) {
        requireArrays(spikeTimes, new double[0]);
        double[] ones = new double[spikeTimes.length];
        java.util.Arrays.fill(ones, 1.0);
        return filter(spikeTimes, ones, t);
    }

    /**
     * The n = 0 filtered train by Euler's method (CS 489 Algorithm 1; see docs/notes.md):
     * {@code s_i = s_{i-1} (1 - dt/tau_s)}, then {@code s_i += w / tau_s} for each spike in step i (a spike at time t_p
     * falls in step round(t_p / dt); spike times must be >= 0). Returns s at the times {@code i dt}, i = 0..steps. Shapes: result
     * {@code [steps + 1]}, DOUBLE.
     */
    public static INDArray exponentialEuler(double tauS, double[] spikeTimes, double[] weights, double dt, int steps) {
        if (!(tauS > 0)
                || Double.isInfinite(tauS)
                || !(dt > 0)
                || Double.isInfinite(dt)
                || steps < 0
                || steps > MAX_STEPS) {
            throw new IllegalArgumentException("PscFilter: exponentialEuler needs finite tau_s > 0, finite dt > 0,"
                    + " steps in [0, "
                    + MAX_STEPS + "], was tau_s=" + tauS + ", dt=" + dt + ", steps=" + steps);
        }
        requireArrays(spikeTimes, weights);
        // 1 - dt/tau_s < 0 flipped the current's sign every step (and diverged beyond dt = 2 tau_s).
        if (dt > tauS) {
            throw new IllegalArgumentException(
                    "PscFilter: exponentialEuler: dt = " + dt + " s, expected at most tau_s = " + tauS
                            + " s (Euler's decay 1 - dt/tau_s turns negative); lower dt");
        }
        // The arriving weights and s.
        org.myelin.MemoryLimit.check(
                "PscFilter: exponentialEuler of " + steps + " steps", steps + 1L, 2 * Double.BYTES, "samples");
        if (weights.length != spikeTimes.length) {
            throw new IllegalArgumentException("PscFilter: " + spikeTimes.length + " spike times but " + weights.length
                    + " weights, expected one weight per spike");
        }
        requireFiniteSpikes(spikeTimes, weights);
        // The integration starts from s = 0 at t = 0: a spike before 0 was dropped (or, within dt/2 of 0, moved to
        // 0) without a word, where filter() counts its decayed current.
        for (int p = 0; p < spikeTimes.length; p++) {
            if (spikeTimes[p] < 0) {
                throw new IllegalArgumentException("PscFilter: exponentialEuler: spike times must be >= 0 s (it starts"
                        + " from s = 0 at t = 0), entry " + p + " was " + spikeTimes[p]);
            }
        }
        double[] arriving = new double[steps + 1];
        for (int p = 0; p < spikeTimes.length; p++) {
            long i = Math.round(spikeTimes[p] / dt);
            if (i <= steps) { // a spike after the last step adds nothing to the samples
                arriving[(int) i] += weights[p];
            }
        }
        double[] s = new double[steps + 1];
        double decay = 1.0 - dt / tauS;
        s[0] = arriving[0] / tauS;
        for (int i = 1; i <= steps; i++) {
            s[i] = s[i - 1] * decay + arriving[i] / tauS;
        }
        return Nd4j.createFromArray(s);
    }

    /** Refuses a missing spike train or weights by name (they failed with a NullPointerException). */
    private static void requireArrays(double[] spikeTimes, double[] weights) {
        if (spikeTimes == null || weights == null) {
            throw new IllegalArgumentException("PscFilter: spike times and weights must not be null, were "
                    + (spikeTimes == null ? "null" : spikeTimes.length + " spike times") + " and "
                    + (weights == null ? "null" : weights.length + " weights"));
        }
    }

    /**
     * Refuses a NaN or infinite spike time or weight: Math.round(NaN) is 0, so exponentialEuler put a NaN spike at
     * t = 0, and a NaN weight turned the whole filtered train into NaN.
     */
    private static void requireFiniteSpikes(double[] spikeTimes, double[] weights) {
        SimulationLimits.requireFiniteEntries("PscFilter: spike times must be finite", spikeTimes);
        SimulationLimits.requireFiniteEntries("PscFilter: weights must be finite", weights);
    }

    /** Sample times {@code 0, dt, ..., steps dt}. Shapes: {@code [steps + 1]}, DOUBLE. */
    public static INDArray grid(double dt, int steps) {
        if (!(dt > 0) || Double.isInfinite(dt) || steps < 0 || steps > MAX_STEPS) {
            throw new IllegalArgumentException("PscFilter: grid needs finite dt > 0 and steps in [0, " + MAX_STEPS
                    + "], was dt=" + dt + ", steps=" + steps);
        }
        // The range and its DOUBLE copy.
        org.myelin.MemoryLimit.check("PscFilter: grid of " + steps + " steps", steps + 1L, 2 * Double.BYTES, "samples");
        return Nd4j.arange(steps + 1.0).castTo(DataType.DOUBLE).muli(dt).reshape(steps + 1);
    }
}
