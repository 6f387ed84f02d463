package org.myelin.neuro;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A group of neurons advanced together by a {@link Network}, one vector entry per neuron. After each
 * {@link #step(double)} the population reports which of its neurons spiked during that step.
 */
public interface Population {
    /** Name used by probes, plots and error messages. */
    String name();

    /** Number of neurons. */
    int size();

    /** Advances the population by {@code dt} seconds and determines the spikes of that step. */
    void step(double dt);

    /**
     * Indices of the neurons that spiked in the last step, ascending. Shapes: {@code [k]}, LONG, with
     * {@code k = 0} when none spiked. The array belongs to the population and is replaced by the next step.
     */
    INDArray spikeIndices();

    /** Brings the population back to its initial state (time 0, no spikes). */
    void reset();
}
