package org.myelin.neuro;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Spike trains as ascending arrays of spike times [s] (the delta train a(t) = sum_p delta(t - t_p) of CS 489 §4.1; see
 * docs/notes.md), their generators and firing-rate estimates. Trains of simulated neurons come from
 * {@link HodgkinHuxley.Trace#spikeTimes()}, {@link LifNeuron#simulate} and {@link SpikeProbe#times(int)}.
 */
public final class SpikeTrains {
    private SpikeTrains() {}

    /**
     * Spikes at {@code phase, phase + 1/rate, ...} below {@code duration}: a train on {@code [0, duration)}, so the
     * phase must be finite and {@code >= 0}.
     */
    public static double[] regular(double rateHz, double duration, double phase) {
        checkRate(rateHz, duration);
        // A NaN phase fell through every comparison and gave an empty train; an infinite one is no time either. A
        // negative one made spikes before 0, which the rate helpers refuse (a train is on [0, duration)).
        if (!Double.isFinite(phase) || phase < 0) {
            throw new IllegalArgumentException("SpikeTrains: phase must be finite and >= 0 s, was " + phase + " s");
        }
        if (rateHz == 0 || phase >= duration) {
            return new double[0];
        }
        checkCount((duration - phase) * rateHz);
        int n = (int) Math.ceil((duration - phase) * rateHz - 1e-9);
        double[] out = new double[Math.max(n, 0)];
        for (int i = 0; i < out.length; i++) {
            out[i] = phase + i / rateHz;
        }
        return out;
    }

    /**
     * A homogeneous Poisson train of rate {@code rateHz} on {@code [0, duration)}: exponential interspike intervals
     * of mean 1/rate, drawn from a stream seeded with {@code seed}.
     */
    public static double[] poisson(double rateHz, double duration, long seed) {
        checkRate(rateHz, duration);
        if (rateHz == 0) {
            return new double[0];
        }
        checkCount(rateHz * duration);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] out = new double[(int) Math.min(MAX_SPIKES, 1.2 * rateHz * duration + 16)];
        int k = 0;
        double t = -Math.log1p(-rng.nextDouble()) / rateHz;
        while (t < duration) {
            if (k == out.length) {
                out = Arrays.copyOf(out, SimulationLimits.doubledCapacity(out.length));
            }
            out[k++] = t;
            t += -Math.log1p(-rng.nextDouble()) / rateHz;
        }
        return Arrays.copyOf(out, k);
    }

    /** Rate [Hz] from the count in {@code [from, to)}: n / (to - from). */
    public static double rateFromCount(double[] times, double from, double to) {
        // An infinite bound gave n / inf = 0 Hz; a negative from diluted the rate over time with no spikes.
        if (!(to > from) || !(from >= 0) || Double.isInfinite(to)) {
            throw new IllegalArgumentException(
                    "SpikeTrains: window must have finite 0 <= from < to s, was [" + from + ", " + to + ")");
        }
        requireFiniteTimes("rateFromCount", times);
        int n = 0;
        for (double t : times) {
            if (t >= from && t < to) {
                n++;
            }
        }
        return n / (to - from);
    }

    /**
     * Rate [Hz] from the interspike intervals: (n - 1) / (t_last - t_first), the inverse mean ISI, which is free of
     * the edge effects of a count window; 0 for fewer than two spikes.
     */
    public static double rateFromIsi(double[] times) {
        requireFiniteTimes("rateFromIsi", times);
        if (times.length < 2) {
            return 0.0;
        }
        // It reads only the first and last time: unsorted times gave a wrong (or negative) rate, and spikes all at
        // one time an infinite one.
        for (int i = 1; i < times.length; i++) {
            if (times[i] < times[i - 1]) {
                throw new IllegalArgumentException("SpikeTrains: rateFromIsi needs ascending spike times, entry " + i
                        + " was " + times[i] + " s after " + times[i - 1] + " s");
            }
        }
        if (times[times.length - 1] == times[0]) {
            throw new IllegalArgumentException("SpikeTrains: rateFromIsi: " + times.length + " spikes all at "
                    + times[0] + " s, expected spikes at two or more times");
        }
        return (times.length - 1) / (times[times.length - 1] - times[0]);
    }

    /**
     * Rate per source [Hz] in consecutive bins of width {@code bin} over {@code [0, duration)}: spikes in the bin /
     * (sources * bin). Shapes: {@code [ceil(duration / bin)]}.
     */
    public static double[] binnedRate(double[] times, double bin, double duration, int sources) {
        if (!(bin > 0) || !(duration > 0) || sources < 1) {
            throw new IllegalArgumentException(
                    "SpikeTrains: binnedRate needs bin > 0, duration > 0, sources >= 1, was bin=" + bin + ", duration="
                            + duration + ", sources=" + sources);
        }
        int bins = bins(bin, duration);
        requireFiniteTimes("binnedRate", times);
        double[] out = new double[bins];
        for (double t : times) {
            int b = (int) Math.floor(t / bin);
            if (t >= 0 && t < duration && b < bins) {
                out[b]++;
            }
        }
        for (int i = 0; i < bins; i++) {
            out[i] /= sources * bin;
        }
        return out;
    }

    /** Centres of the bins of {@link #binnedRate}. */
    public static double[] binCentres(double bin, double duration) {
        int bins = bins(bin, duration);
        double[] out = new double[bins];
        for (int i = 0; i < bins; i++) {
            out[i] = (i + 0.5) * bin;
        }
        return out;
    }

    /**
     * Refuses a missing train or a NaN, infinite or negative spike time, naming the entry: a non-finite time failed
     * every window comparison and was dropped from a count without a word (or made an ISI rate NaN or 0); a train
     * is on {@code [0, duration)}, so a negative time is a caller's error (an ISI rate counted it as a spike).
     */
    private static void requireFiniteTimes(String method, double[] times) {
        if (times == null) {
            throw new IllegalArgumentException("SpikeTrains: " + method + ": spike times must not be null");
        }
        for (int i = 0; i < times.length; i++) {
            if (!(times[i] >= 0) || Double.isInfinite(times[i])) {
                throw new IllegalArgumentException("SpikeTrains: " + method
                        + ": spike times must be finite and >= 0 s, entry " + i + " was " + times[i]);
            }
        }
    }

    /** The most spikes a train can hold (the longest Java array, less room for a Poisson count's spread). */
    static final int MAX_SPIKES = Integer.MAX_VALUE / 2;

    private static void checkCount(double expected) {
        if (!(expected <= MAX_SPIKES)) {
            throw new IllegalArgumentException("SpikeTrains: rate x duration = " + expected
                    + " expected spikes, expected at most " + MAX_SPIKES + "; lower rateHz or duration");
        }
        // A Poisson train is drawn into an array of 1.2 x the expected count that may double once.
        org.myelin.MemoryLimit.check(
                "SpikeTrains: a train of rate x duration = " + (long) expected + " expected spikes",
                (long) (2.4 * expected) + 32,
                Double.BYTES,
                "spike times");
    }

    /** The number of bins {@code ceil(duration / bin)}, refused beyond a Java array and the memory limit. */
    private static int bins(double bin, double duration) {
        if (!(bin > 0) || Double.isInfinite(bin) || !(duration > 0) || Double.isInfinite(duration)) {
            throw new IllegalArgumentException("SpikeTrains: bins need finite bin > 0 s and duration > 0 s, was bin="
                    + bin + ", duration=" + duration);
        }
        double bins = Math.ceil(duration / bin - 1e-9);
        if (!(bins <= Integer.MAX_VALUE - 8)) {
            throw new IllegalArgumentException("SpikeTrains: duration / bin = " + bins + " bins, expected at most "
                    + (Integer.MAX_VALUE - 8) + " (bin " + bin + " s, duration " + duration
                    + " s); raise bin or lower duration");
        }
        org.myelin.MemoryLimit.check(
                "SpikeTrains: duration / bin = " + (long) bins + " bins", (long) bins, Double.BYTES, "bins");
        return (int) bins;
    }

    private static void checkRate(double rateHz, double duration) {
        if (!(rateHz >= 0) || Double.isInfinite(rateHz)) {
            throw new IllegalArgumentException("SpikeTrains: rate must be finite and >= 0 Hz, was " + rateHz);
        }
        if (!(duration >= 0) || Double.isInfinite(duration)) {
            throw new IllegalArgumentException("SpikeTrains: duration must be finite and >= 0 s, was " + duration);
        }
    }
}
