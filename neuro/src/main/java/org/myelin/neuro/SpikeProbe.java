package org.myelin.neuro;

/**
 * Records every spike of one population during a network run, as (time, neuron) pairs; the time of a spike is
 * the end of the step it occurred in.
 */
public final class SpikeProbe {
    private final Population population;
    /*
     * Primitive arrays grown by doubling (a long[] per step with spikes cost about 24 bytes of header and list
     * reference besides its 8 a spike, so a sparse population held several times what the limit counted): the
     * neurons of every spike in order, and per recorded step (one with spikes) its time and the index in
     * neurons of its first spike.
     */
    private long[] spikes = new long[64];
    private double[] stepTimes = new double[16];
    private int[] stepStart = new int[16];
    private int steps;
    private int count;

    SpikeProbe(Population population) {
        this.population = population;
    }

    /** The neuron index it holds per spike (the simulate scenarios' estimates count at least this). */
    static final int BYTES_PER_SPIKE = 8;

    /** The time and first-spike index it holds per step with spikes. */
    static final int BYTES_PER_STEP = 12;

    public Population population() {
        return population;
    }

    void record(double time) {
        var idx = population.spikeIndices();
        if (idx.length() == 0) {
            return;
        }
        // Refused beyond the longest Java array and beyond the memory limit for the spikes and steps held.
        long limit = org.myelin.MemoryLimit.parameterBytes();
        long total = count + idx.length();
        long bytes = BYTES_PER_SPIKE * total + BYTES_PER_STEP * (steps + 1L);
        if (total > Integer.MAX_VALUE - 8 || bytes > limit) {
            throw new IllegalStateException("SpikeProbe[" + population.name() + "]: " + total + " spikes in "
                    + (steps + 1L) + " steps with spikes at t = " + time + " s need " + bytes + " bytes ("
                    + BYTES_PER_SPIKE + " a spike, " + BYTES_PER_STEP + " a step), expected at most "
                    + (Integer.MAX_VALUE - 8) + " spikes within the memory limit of " + limit + " bytes (-D"
                    + org.myelin.Settings.MAX_PARAMETER_BYTES + "); run for less time or probe fewer neurons");
        }
        long[] neurons = idx.toLongVector();
        if (total > spikes.length) {
            // Doubling, but not past what the limit allows, so the arrays held stay near the bytes counted.
            long most = Math.min(Integer.MAX_VALUE - 8, limit / BYTES_PER_SPIKE);
            spikes = java.util.Arrays.copyOf(spikes, (int) Math.max(total, Math.min(2L * spikes.length, most)));
        }
        if (steps == stepTimes.length) {
            long most = Math.min(Integer.MAX_VALUE - 8, limit / BYTES_PER_STEP);
            int capacity = (int) Math.max(steps + 1L, Math.min(2L * steps, most));
            stepTimes = java.util.Arrays.copyOf(stepTimes, capacity);
            stepStart = java.util.Arrays.copyOf(stepStart, capacity);
        }
        System.arraycopy(neurons, 0, spikes, count, neurons.length);
        stepTimes[steps] = time;
        stepStart[steps] = count;
        steps++;
        count += neurons.length;
    }

    void clear() {
        spikes = new long[64];
        stepTimes = new double[16];
        stepStart = new int[16];
        steps = 0;
        count = 0;
    }

    /** The index in the spikes of the first spike after recorded step {@code i}'s. */
    private int stepEnd(int i) {
        return i + 1 < steps ? stepStart[i + 1] : count;
    }

    /** Total number of recorded spikes. */
    public int count() {
        return count;
    }

    /** Times [s] of all spikes, in order of time (ties in neuron order). Shapes: {@code [count]}. */
    public double[] times() {
        double[] out = new double[count];
        for (int i = 0; i < steps; i++) {
            java.util.Arrays.fill(out, stepStart[i], stepEnd(i), stepTimes[i]);
        }
        return out;
    }

    /** Neuron index of each spike, aligned with {@link #times()}. Shapes: {@code [count]}. */
    public long[] neurons() {
        return java.util.Arrays.copyOf(spikes, count);
    }

    /** Spike times [s] of one neuron, ascending. */
    public double[] times(int neuron) {
        if (neuron < 0 || neuron >= population.size()) {
            throw new IllegalArgumentException("SpikeProbe[" + population.name() + "]: neuron must be in [0, "
                    + population.size() + "), was " + neuron);
        }
        double[] out = new double[16];
        int k = 0;
        for (int i = 0; i < steps; i++) {
            for (int j = stepStart[i]; j < stepEnd(i); j++) {
                if (spikes[j] == neuron) {
                    if (k == out.length) {
                        // 2 k in int wrapped past 2^30 spikes (a neuron spikes at most once a step, steps an int)
                        out = java.util.Arrays.copyOf(out, SimulationLimits.doubledCapacity(k));
                    }
                    out[k++] = stepTimes[i];
                }
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /** Spike count of every neuron within {@code [from, to)} [s]. Shapes: {@code [size]}. */
    public long[] counts(double from, double to) {
        checkWindow(from, to, false);
        long[] out = new long[population.size()];
        for (int i = 0; i < steps; i++) {
            double t = stepTimes[i];
            if (t >= from && t < to) {
                for (int j = stepStart[i]; j < stepEnd(i); j++) {
                    out[(int) spikes[j]]++;
                }
            }
        }
        return out;
    }

    /** Firing rate [Hz] of every neuron within {@code [from, to)}: count / (to - from). Shapes: {@code [size]}. */
    public double[] rates(double from, double to) {
        checkWindow(from, to, true);
        long[] c = counts(from, to);
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i] / (to - from);
        }
        return out;
    }

    /**
     * Refuses a window that is not finite, starts before 0 (the probe's times are all after it: a rate over such a
     * window was diluted) or ends before it starts (an empty window too, when {@code nonEmpty}). A NaN bound failed
     * every comparison and gave zero counts and rates, an infinite one zero rates.
     */
    private void checkWindow(double from, double to, boolean nonEmpty) {
        if (!(from >= 0) || !(nonEmpty ? to > from : to >= from) || Double.isInfinite(to)) {
            throw new IllegalArgumentException(
                    "SpikeProbe[" + population.name() + "]: window must have finite 0 <= from "
                            + (nonEmpty ? "<" : "<=") + " to s, was [" + from + ", " + to + ")");
        }
    }

    /**
     * Firing rate [Hz] of every neuron from its interspike intervals after {@code from}: (n - 1) / (t_last - t_first)
     * over its spikes at or after {@code from}, 0 for fewer than two (see {@link SpikeTrains#rateFromIsi}).
     * Shapes: {@code [size]}.
     */
    public double[] isiRates(double from) {
        // A NaN from failed every t < from and kept all spikes, an infinite one kept none.
        if (!(from >= 0) || Double.isInfinite(from)) {
            throw new IllegalArgumentException(
                    "SpikeProbe[" + population.name() + "]: from must be finite and >= 0 s, was " + from);
        }
        int size = population.size();
        double[] first = new double[size];
        double[] last = new double[size];
        long[] n = new long[size];
        for (int i = 0; i < steps; i++) {
            double t = stepTimes[i];
            if (t < from) {
                continue;
            }
            for (int j = stepStart[i]; j < stepEnd(i); j++) {
                int k = (int) spikes[j];
                if (n[k] == 0) {
                    first[k] = t;
                }
                last[k] = t;
                n[k]++;
            }
        }
        double[] out = new double[size];
        for (int k = 0; k < size; k++) {
            out[k] = n[k] < 2 ? 0.0 : (n[k] - 1) / (last[k] - first[k]);
        }
        return out;
    }

    /**
     * Population rate [Hz per neuron] in consecutive bins of width {@code bin} over {@code [0, duration)}: spikes
     * in the bin / (size * bin). Shapes: {@code [ceil(duration / bin)]}.
     */
    public double[] populationRate(double bin, double duration) {
        return SpikeTrains.binnedRate(times(), bin, duration, population.size());
    }
}
