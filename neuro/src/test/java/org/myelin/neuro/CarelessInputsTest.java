package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.myelin.neuro.PublicApiLimitsTest.refuses;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Missing and empty arguments found by calling every public entry point carelessly: each failed with a
 * NullPointerException (ND4J's or Java's) instead of a one-line refusal naming the argument.
 */
class CarelessInputsTest {

    @Test
    void pscFilterRefusesMissingArrays() {
        PscFilter f = new PscFilter(1, 0.01);
        refuses(
                "PscFilter: spike times and weights must not be null, were null and 0 weights",
                () -> f.filter(null, Nd4j.zeros(3)));
        refuses(
                "PscFilter: spike times and weights must not be null, were 1 spike times and null",
                () -> f.filter(new double[] {0.1}, null, Nd4j.zeros(3)));
        refuses(
                "PscFilter: sample times t must not be null",
                () -> f.filter(new double[] {0.1}, new double[] {1}, null));
        refuses("PscFilter: sample times t must not be null", () -> f.value((INDArray) null));
        refuses(
                "PscFilter: spike times and weights must not be null, were null and null",
                () -> PscFilter.exponentialEuler(0.01, null, null, 1e-3, 10));
    }

    @Test
    void tuningCurvesRefuseMissingOrEmptyInputs() {
        refuses("Lif: v_in must not be null", () -> Lif.CORTICAL.rate((INDArray) null));
        refuses(
                "LifNeuron: lif and the input vIn must not be null, were lif=Lif[",
                () -> LifNeuron.simulate(Lif.CORTICAL, null, 0.1, 1e-3));
        // isNaN().any() of an empty array is null in ND4J.
        refuses(
                "LifNeuron: the tuning curve's inputs vIn must hold at least one input, was shape [0]",
                () -> LifNeuron.simulatedRates(Lif.CORTICAL, Nd4j.zeros(DataType.DOUBLE, 0), 0.1, 1e-3));
    }

    @Test
    void perceptronRefusesAnEmptyBatchAndMissingWeights() {
        Perceptron p = new Perceptron(new double[] {1, 1}, -0.5);
        refuses(
                "Perceptron: inputs have shape [0, 2], expected at least one row",
                () -> p.errors(Nd4j.ones(DataType.DOUBLE, 0, 2), Nd4j.ones(DataType.DOUBLE, 0)));
        refuses("Perceptron: weights must be a non-empty vector", () -> new Perceptron((double[]) null, 0));
    }

    @Test
    void networkRefusesANullPopulationAndProbeArguments() {
        // add(null) was accepted and the first step failed with a NullPointerException.
        Network net = new Network(1e-3);
        refuses("Network: population must not be null", () -> net.add(null));
        LifPopulation p = net.add(new LifPopulation("p", 3, Lif.CORTICAL, 0.01));
        refuses(
                "StateProbe[p]: variable and neurons must not be null, were variable=null, neurons=1 indices",
                () -> net.probeState(p, null, 0));
        refuses(
                "StateProbe[p]: variable and neurons must not be null, were variable=V, neurons=null",
                () -> net.probeState(p, LifPopulation.Variable.V, (long[]) null));
        net.run(0.01);
        org.junit.jupiter.api.Assertions.assertEquals(10, net.steps());
    }

    @Test
    void eulerStepsLongerThanATimeConstantAreRefusedBeforeAnyStep() {
        // dt = 0.1 s with tau_m = 20 ms: v += 5 (v_in - v) overshot to a spike every step; with dt > tau_s the
        // synaptic current changed sign every step.
        Network net = new Network(0.05);
        refuses(
                "LifPopulation 'p': dt = 0.05 s, expected at most tau_m = 0.02 s and tau_s = 0.01 s",
                () -> net.add(new LifPopulation("p", 3, Lif.CORTICAL, 0.01)));
        LifPopulation slowSynapse = new LifPopulation("q", 1, Lif.CORTICAL, 0.001);
        refuses("LifPopulation 'q': dt = 0.002 s, expected at most tau_m", () -> slowSynapse.step(0.002));
        refuses(
                "LifPopulation 'lif': dt = 0.1 s, expected at most tau_m = 0.02 s",
                () -> LifNeuron.simulate(Lif.CORTICAL, t -> 2.0, 1, 0.1));
        refuses(
                "PscFilter: exponentialEuler: dt = 0.01 s, expected at most tau_s = 0.001 s",
                () -> PscFilter.exponentialEuler(0.001, new double[] {0}, new double[] {1}, 0.01, 5));
        // dt = tau is the edge, still allowed.
        new Network(0.01).add(new LifPopulation("r", 1, Lif.CORTICAL, 0.01)).step(0.01);
    }

    @Test
    void aPoissonRateAboveOneSpikePerStepIsRefusedBeforeAnyStep() {
        // 2000 Hz with dt = 1 ms: the probability 2 was capped at 1, so the source fired at 1000 Hz without a word.
        Network net = new Network(1e-3);
        refuses(
                "PoissonPopulation 'in': rate 2000.0 Hz with dt 0.001 s is a spike probability of 2.0 per step,"
                        + " expected at most 1 (a rate of at most 1/dt = 1000.0 Hz); lower the rate or dt",
                () -> net.add(new PoissonPopulation("in", Nd4j.createFromArray(10.0, 2000.0), 1)));
        PoissonPopulation direct = new PoissonPopulation("direct", 2, 500.0, 1);
        direct.step(1e-3);
        refuses("PoissonPopulation 'direct': rate 500.0 Hz with dt 0.004 s", () -> direct.step(0.004));
        refuses(
                "simulate network: setting 'input_rate' 2000.0001 Hz with dt 5.0E-4 s is a spike probability of 1.00",
                () -> Simulations.check("network", java.util.Map.of("input_rate", "2000.0001")));
        // One spike per step, r = 1/dt, is the edge, still allowed.
        new Network(1e-3).add(new PoissonPopulation("edge", 1, 1000.0, 1)).step(1e-3);
    }

    @Test
    void eulerFilteringRefusesASpikeBeforeItsStart() {
        // A spike at -1.5 ms was dropped, one at -0.4 ms moved to 0, where the exact filter counts their currents.
        refuses(
                "PscFilter: exponentialEuler: spike times must be >= 0 s (it starts from s = 0 at t = 0), entry 1 was"
                        + " -0.0015",
                () -> PscFilter.exponentialEuler(0.01, new double[] {0.002, -0.0015}, new double[] {1, 1}, 1e-3, 10));
        refuses(
                "PscFilter: exponentialEuler: spike times must be >= 0 s",
                () -> PscFilter.exponentialEuler(0.01, new double[] {-4e-4}, new double[] {1}, 1e-3, 10));
    }

    @Test
    void aStepAboveATimeConstantIsAnOptionErrorOfTheScenariosThatSimulateLifNeurons() {
        // Refused among the options' checks (a usage error on the command line), not at the simulation's first step.
        refuses(
                "simulate lif: setting 'dt' = 0.03 s, expected at most tau_m = 0.02 s (Euler's decay 1 - dt/tau_m"
                        + " turns negative); lower dt",
                () -> Simulations.check("lif", java.util.Map.of("dt", "0.03", "duration", "1")));
        refuses(
                "simulate tuning: setting 'dt' = 0.01 s, expected at most tau_m = 0.005 s",
                () -> Simulations.check("tuning", java.util.Map.of("dt", "0.01", "tau_m", "0.005")));
        refuses(
                "simulate network: setting 'dt' = 0.005 s, expected at most tau_s = 0.002 s",
                () -> Simulations.check("network", java.util.Map.of("dt", "0.005", "tau_s", "0.002")));
        // dt = tau is the edge, still allowed.
        Simulations.check("network", java.util.Map.of("dt", "0.002", "tau_s", "0.002"));
    }

    @Test
    void aNeuronWithALongMembraneTimeConstantTakesAStepAboveOneSecond() {
        // The single neuron and the tuning curve are driven by bias alone; their populations' synaptic time constant
        // was a fixed 1 s, which refused dt = 2 s although tau_m = 5 s allows it and no synapse is simulated.
        Lif slow = new Lif(5.0, 0.002);
        LifNeuron.Trace trace = LifNeuron.simulate(slow, t -> 1.5, 20.0, 2.0);
        assertEquals(11, trace.t().length);
        // Exact exponential relaxation is not what Euler gives at dt = tau_m / 2.5; the first step is v = 1.5 dt /
        // tau_m.
        assertEquals(1.5 * 2.0 / 5.0, trace.v()[1], 1e-12);
        LifNeuron.simulatedRates(slow, Nd4j.createFromArray(0.5, 3.0), 20.0, 2.0);
    }
}
