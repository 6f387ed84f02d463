package org.myelin.neuro;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Records a state variable of chosen neurons of a LIF population after every network step. */
public final class StateProbe {
    private final LifPopulation population;
    private final LifPopulation.Variable variable;
    private final long[] neurons;
    /*
     * Primitive arrays grown by doubling (boxed Doubles and an array per sample cost 4-5x the 8 bytes a value
     * needs, which the memory check below would not see): times [capacity] and values [capacity x neurons],
     * sample i's values at [i * neurons, (i + 1) * neurons).
     */
    private double[] times = new double[0];
    private double[] values = new double[0];
    private int samples;

    StateProbe(LifPopulation population, LifPopulation.Variable variable, long[] neurons) {
        if (variable == null || neurons == null) {
            throw new IllegalArgumentException("StateProbe[" + population.name()
                    + "]: variable and neurons must not be null, were variable=" + variable + ", neurons="
                    + (neurons == null ? "null" : neurons.length + " indices"));
        }
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
                (Integer.MAX_VALUE - 8) / this.neurons.length,
                org.myelin.MemoryLimit.parameterBytes() / bytesPerSample());
    }

    /** The time of a sample (besides 8 bytes per neuron). */
    static final int BYTES_PER_SAMPLE = 8;

    /**
     * The most samples it records: the longest Java array of values, and within the memory limit (the arrays held
     * never exceed it; while one grows, the old copy adds at most half of it).
     */
    private final long maxSamples;

    private long bytesPerSample() {
        return BYTES_PER_SAMPLE + (long) Double.BYTES * neurons.length;
    }

    /**
     * Before a run of {@code steps} steps: refuses one whose samples would not fit (so the run is refused before
     * it starts, not stopped part way), and makes room for them at once.
     */
    void reserve(long steps) {
        if (samples + steps > maxSamples) {
            throw new IllegalArgumentException("StateProbe[" + population.name() + "]: a run of " + steps
                    + " steps would record " + (samples + steps) + " samples of " + neurons.length
                    + " neurons, expected at most " + maxSamples + " (" + limitText() + ")");
        }
        grow(samples + steps);
    }

    void record(double time) {
        if (samples >= maxSamples) {
            throw new IllegalStateException("StateProbe[" + population.name() + "]: sample " + (samples + 1L)
                    + " of " + neurons.length + " neurons at t = " + time + " s, expected at most " + maxSamples
                    + " samples (" + limitText() + ")");
        }
        grow(samples + 1L);
        INDArray live = population.live(variable);
        times[samples] = time;
        System.arraycopy(
                live.get(NDArrayIndex.indices(neurons)).toDoubleVector(),
                0,
                values,
                samples * neurons.length,
                neurons.length);
        samples++;
    }

    private String limitText() {
        return bytesPerSample() + " bytes each within the memory limit of " + org.myelin.MemoryLimit.parameterBytes()
                + " bytes, -D" + org.myelin.Settings.MAX_PARAMETER_BYTES
                + "); run for less time or probe fewer neurons";
    }

    /** Room for {@code needed} (at most maxSamples) samples: doubling, so repeated short runs copy O(samples). */
    private void grow(long needed) {
        if (needed <= times.length) {
            return;
        }
        int capacity = (int) Math.min(maxSamples, Math.max(needed, Math.max(16, 2L * times.length)));
        times = Arrays.copyOf(times, capacity);
        values = Arrays.copyOf(values, capacity * neurons.length);
    }

    void clear() {
        times = new double[0];
        values = new double[0];
        samples = 0;
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
        return Arrays.copyOf(times, samples);
    }

    /** The trace of the k-th recorded neuron (k indexes {@link #neurons()}). Shapes: {@code [samples]}. */
    public double[] trace(int k) {
        if (k < 0 || k >= neurons.length) {
            throw new IllegalArgumentException("StateProbe[" + population.name() + "]: trace index must be in [0, "
                    + neurons.length + "), was " + k);
        }
        double[] out = new double[samples];
        for (int i = 0; i < out.length; i++) {
            out[i] = values[i * neurons.length + k];
        }
        return out;
    }
}
