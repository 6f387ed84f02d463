package org.myelin.neuro;

import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Single LIF neurons and tuning curves, simulated with the same Euler integrator as the network
 * ({@link LifPopulation}), so what is tested here is what networks run.
 */
public final class LifNeuron {
    private LifNeuron() {}

    /**
     * A simulated LIF trace sampled after every step (index 0 is the initial state v = 0 at t = 0).
     * Shapes: t, v and input have length steps + 1.
     */
    public record Trace(double[] t, double[] v, double[] input, double[] spikeTimes) {}

    /**
     * Simulates one neuron for {@code duration} [s] with steps of {@code dt}, driven by the normalised input
     * {@code vIn.applyAsDouble(t)} (held constant over each step).
     */
    public static Trace simulate(Lif lif, DoubleUnaryOperator vIn, double duration, double dt) {
        if (lif == null || vIn == null) {
            throw new IllegalArgumentException(
                    "LifNeuron: lif and the input vIn must not be null, were lif=" + lif + ", vIn=" + vIn);
        }
        checkTimes(duration, dt);
        double ratio = duration / dt;
        if (!(ratio < HodgkinHuxley.MAX_SAMPLES - 1)) {
            throw new IllegalArgumentException("LifNeuron: duration / dt = " + ratio + " steps, expected at most "
                    + (HodgkinHuxley.MAX_SAMPLES - 1) + " (one array element per step; duration " + duration
                    + " s, dt " + dt + " s); lower duration or raise dt");
        }
        int steps = (int) Math.round(ratio);
        LifPopulation neuron = new LifPopulation("lif", 1, lif, unusedSynapseTau(dt));
        int nd4jParts = neuron.nativeSpikes() == null ? 1 : 0;
        SimulationLimits.work(
                "LifNeuron",
                "duration / dt x " + SimulationLimits.traceStepTerms(nd4jParts),
                steps * (SimulationLimits.TRACE_STEP_COST + SimulationLimits.nd4jStepWork(nd4jParts, nd4jParts)),
                "lower duration or raise dt");
        // t, v and the input.
        org.myelin.MemoryLimit.check(
                "LifNeuron: the trace of duration / dt = " + steps + " steps", steps + 1L, 3 * Double.BYTES, "samples");
        double[] t = new double[steps + 1];
        double[] v = new double[steps + 1];
        double[] in = new double[steps + 1];
        double[] spikes = new double[16];
        int k = 0;
        in[0] = SimulationLimits.finiteInput("LifNeuron: the input", vIn, 0.0, "s");
        for (int i = 1; i <= steps; i++) {
            double start = (i - 1) * dt;
            double input = SimulationLimits.finiteInput("LifNeuron: the input", vIn, start, "s");
            neuron.setBias(input);
            neuron.step(dt);
            t[i] = i * dt;
            v[i] = neuron.live(LifPopulation.Variable.V).getDouble(0);
            in[i] = input;
            if (neuron.spikeIndices().length() > 0) {
                if (k == spikes.length) {
                    spikes = java.util.Arrays.copyOf(spikes, 2 * k);
                }
                spikes[k++] = t[i];
            }
        }
        return new Trace(t, v, in, java.util.Arrays.copyOf(spikes, k));
    }

    /**
     * The simulated tuning curve: one neuron per entry of {@code vIn}, each driven by that constant input for
     * {@code duration} [s], all advanced together as one population; each rate is the inverse mean interspike
     * interval (0 below two spikes). Shapes: vIn {@code [K]} -> rates {@code [K]} DOUBLE [Hz].
     */
    public static INDArray simulatedRates(Lif lif, INDArray vIn, double duration, double dt) {
        checkTimes(duration, dt);
        if (vIn == null) {
            throw new IllegalArgumentException("LifNeuron: the inputs vIn must not be null");
        }
        // One neuron per input: a length beyond an int would wrap in a cast to the population's size.
        int size = SimulationLimits.populationSize("LifNeuron: the tuning curve's inputs vIn", vIn.length());
        if (size < 1) {
            throw new IllegalArgumentException("LifNeuron: the tuning curve's inputs vIn must hold at least one input,"
                    + " was shape " + java.util.Arrays.toString(vIn.shape()));
        }
        // Checked here so that the message names vIn, not the bias of the internal population 'tuning'.
        SimulationLimits.requireFiniteEntries("LifNeuron: the tuning curve's inputs vIn must be finite", vIn);
        Network net = new Network(dt);
        LifPopulation pop = net.add(new LifPopulation("tuning", size, lif, unusedSynapseTau(dt)));
        pop.setBias(vIn.castTo(DataType.DOUBLE));
        SpikeProbe probe = net.probeSpikes(pop);
        net.run(duration);
        // One pass over the spikes (probe.times(i) per neuron would scan them all for every neuron).
        return Nd4j.createFromArray(probe.isiRates(0.0));
    }

    /**
     * The synaptic time constant of a population driven by its bias alone: no spike arrives, so its synaptic current
     * stays 0 whatever the constant, which must only not bound dt (the population refuses a dt above its tau_s, and a
     * fixed 1 s refused dt = 2 s with tau_m = 5 s, naming a tau_s the caller never set).
     */
    private static double unusedSynapseTau(double dt) {
        return Math.max(1.0, dt);
    }

    private static void checkTimes(double duration, double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) {
            throw new IllegalArgumentException("LifNeuron: dt must be finite and > 0 s, was " + dt);
        }
        if (!(duration > dt) || Double.isInfinite(duration)) {
            throw new IllegalArgumentException(
                    "LifNeuron: duration must be finite and exceed dt, was " + duration + " s with dt " + dt + " s");
        }
    }
}
