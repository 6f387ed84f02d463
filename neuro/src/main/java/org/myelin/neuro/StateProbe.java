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
    }

    void record(double time) {
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
