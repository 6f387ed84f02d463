package org.myelin.neuro;

import java.util.ArrayList;
import java.util.List;

/**
 * Records every spike of one population during a network run, as (time, neuron) pairs; the time of a spike is
 * the end of the step it occurred in.
 */
public final class SpikeProbe {
    private final Population population;
    private double[] stepTimes = new double[64];
    private final List<long[]> stepNeurons = new ArrayList<>();
    private int count;
    /** The most spikes it records: the longest Java array, and 8 bytes each within the memory limit. */
    private final long maxSpikes;

    SpikeProbe(Population population) {
        this.population = population;
        this.maxSpikes = Math.min(Integer.MAX_VALUE - 8, org.myelin.MemoryLimit.parameterBytes() / BYTES_PER_SPIKE);
    }

    /** The neuron index it holds per spike (the simulate scenarios' estimates count at least this). */
    static final int BYTES_PER_SPIKE = 8;

    public Population population() {
        return population;
    }

    void record(double time) {
        var idx = population.spikeIndices();
        if (idx.length() == 0) {
            return;
        }
        if (count + idx.length() > maxSpikes) {
            throw new IllegalStateException("SpikeProbe[" + population.name() + "]: " + (count + idx.length())
                    + " spikes at t = " + time + " s, expected at most " + maxSpikes + " (" + BYTES_PER_SPIKE
                    + " bytes each within the memory limit of " + org.myelin.MemoryLimit.parameterBytes()
                    + " bytes, -D" + org.myelin.Settings.MAX_PARAMETER_BYTES + "); run for less time or probe fewer"
                    + " neurons");
        }
        long[] neurons = idx.toLongVector();
        if (stepNeurons.size() == stepTimes.length) {
            stepTimes = java.util.Arrays.copyOf(stepTimes, 2 * stepTimes.length);
        }
        stepTimes[stepNeurons.size()] = time;
        stepNeurons.add(neurons);
        count += neurons.length;
    }

    void clear() {
        stepNeurons.clear();
        count = 0;
    }

    /** Total number of recorded spikes. */
    public int count() {
        return count;
    }

    /** Times [s] of all spikes, in order of time (ties in neuron order). Shapes: {@code [count]}. */
    public double[] times() {
        double[] out = new double[count];
        int k = 0;
        for (int i = 0; i < stepNeurons.size(); i++) {
            double t = stepTimes[i];
            for (int j = 0; j < stepNeurons.get(i).length; j++) {
                out[k++] = t;
            }
        }
        return out;
    }

    /** Neuron index of each spike, aligned with {@link #times()}. Shapes: {@code [count]}. */
    public long[] neurons() {
        long[] out = new long[count];
        int k = 0;
        for (long[] ns : stepNeurons) {
            System.arraycopy(ns, 0, out, k, ns.length);
            k += ns.length;
        }
        return out;
    }

    /** Spike times [s] of one neuron, ascending. */
    public double[] times(int neuron) {
        if (neuron < 0 || neuron >= population.size()) {
            throw new IllegalArgumentException("SpikeProbe[" + population.name() + "]: neuron must be in [0, "
                    + population.size() + "), was " + neuron);
        }
        double[] out = new double[count];
        int k = 0;
        for (int i = 0; i < stepNeurons.size(); i++) {
            for (long n : stepNeurons.get(i)) {
                if (n == neuron) {
                    out[k++] = stepTimes[i];
                }
            }
        }
        return java.util.Arrays.copyOf(out, k);
    }

    /** Spike count of every neuron within {@code [from, to)} [s]. Shapes: {@code [size]}. */
    public long[] counts(double from, double to) {
        long[] out = new long[population.size()];
        for (int i = 0; i < stepNeurons.size(); i++) {
            double t = stepTimes[i];
            if (t >= from && t < to) {
                for (long n : stepNeurons.get(i)) {
                    out[(int) n]++;
                }
            }
        }
        return out;
    }

    /** Firing rate [Hz] of every neuron within {@code [from, to)}: count / (to - from). Shapes: {@code [size]}. */
    public double[] rates(double from, double to) {
        if (!(to > from)) {
            throw new IllegalArgumentException("SpikeProbe[" + population.name()
                    + "]: window must have to > from, was [" + from + ", " + to + ")");
        }
        long[] c = counts(from, to);
        double[] out = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = c[i] / (to - from);
        }
        return out;
    }

    /**
     * Firing rate [Hz] of every neuron from its interspike intervals after {@code from}: (n - 1) / (t_last - t_first)
     * over its spikes at or after {@code from}, 0 for fewer than two (see {@link SpikeTrains#rateFromIsi}).
     * Shapes: {@code [size]}.
     */
    public double[] isiRates(double from) {
        int size = population.size();
        double[] first = new double[size];
        double[] last = new double[size];
        long[] n = new long[size];
        for (int i = 0; i < stepNeurons.size(); i++) {
            double t = stepTimes[i];
            if (t < from) {
                continue;
            }
            for (long j : stepNeurons.get(i)) {
                int k = (int) j;
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
