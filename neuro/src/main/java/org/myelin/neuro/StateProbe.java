package org.myelin.neuro;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Records a state variable of chosen neurons of a LIF population after every network step. */
public final class StateProbe {
    private final LifPopulation population;
    private final LifPopulation.Variable variable;
    private final long[] neurons;
    private final List<Double> times = new ArrayList<>();
    private final List<double[]> values = new ArrayList<>();

    StateProbe(LifPopulation population, LifPopulation.Variable variable, long[] neurons) {
        for (long n : neurons) {
            if (n < 0 || n >= population.size()) {
                throw new IllegalArgumentException("StateProbe[" + population.name() + "]: neuron must be in [0, "
                        + population.size() + "), was " + n);
            }
        }
        if (neurons.length == 0) {
            throw new IllegalArgumentException("StateProbe[" + population.name() + "]: name at least one neuron");
        }
        this.population = population;
        this.variable = variable;
        this.neurons = neurons.clone();
        this.maxSamples = Math.min(
                Integer.MAX_VALUE - 8,
                org.myelin.MemoryLimit.parameterBytes() / (BYTES_PER_SAMPLE + 16L * this.neurons.length));
    }

    /** A boxed time, an array header and two list references per sample (besides 8 + 8 bytes per neuron). */
    static final int BYTES_PER_SAMPLE = 56;

    /** The most samples it records: the longest Java array, and within the memory limit. */
    private final long maxSamples;

    void record(double time) {
        if (times.size() >= maxSamples) {
            throw new IllegalStateException("StateProbe[" + population.name() + "]: sample " + (times.size() + 1L)
                    + " of " + neurons.length + " neurons at t = " + time + " s, expected at most " + maxSamples
                    + " samples (" + (BYTES_PER_SAMPLE + 16L * neurons.length)
                    + " bytes each within the memory limit of " + org.myelin.MemoryLimit.parameterBytes()
                    + " bytes, -D" + org.myelin.Settings.MAX_PARAMETER_BYTES + "); run for less time or probe fewer"
                    + " neurons");
        }
        INDArray live = population.live(variable);
        times.add(time);
        values.add(live.get(NDArrayIndex.indices(neurons)).toDoubleVector());
    }

    void clear() {
        times.clear();
        values.clear();
    }

    public LifPopulation.Variable variable() {
        return variable;
    }

    /** The recorded neurons (a copy). */
    public long[] neurons() {
        return neurons.clone();
    }

    /** Sample times [s]. Shapes: {@code [samples]}. */
    public double[] times() {
        double[] out = new double[times.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = times.get(i);
        }
        return out;
    }

    /** The trace of the k-th recorded neuron (k indexes {@link #neurons()}). Shapes: {@code [samples]}. */
    public double[] trace(int k) {
        if (k < 0 || k >= neurons.length) {
            throw new IllegalArgumentException("StateProbe[" + population.name() + "]: trace index must be in [0, "
                    + neurons.length + "), was " + k);
        }
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i)[k];
        }
        return out;
    }
}
