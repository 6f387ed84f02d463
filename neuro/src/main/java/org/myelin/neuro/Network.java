package org.myelin.neuro;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A spiking network: populations (vectors of neurons) connected by projections (weight matrices), advanced
 * together with Euler steps of fixed length dt (CS 489 §5.2, CS 479 §1.7; see docs/notes.md). One {@link #step()}:
 *
 * <ol>
 *   <li>every population advances by dt in the order added (LIF: v from the current s, threshold, reset,
 *       refractory clock, then s decays by the factor 1 - dt/tau_s; Poisson: draws its spikes);</li>
 *   <li>every projection adds the weight rows of the neurons that just spiked, divided by tau_s, to its target's
 *       s, so a spike affects the membrane from the next step on;</li>
 *   <li>probes record, and the clock advances by dt.</li>
 * </ol>
 *
 * Each of these is a handful of whole-vector ND4J operations; no Java loop runs over neurons.
 *
 * <pre>{@code
 * Network net = new Network(1e-3);
 * PoissonPopulation in = net.add(new PoissonPopulation("in", 1000, 10.0, 42));
 * LifPopulation out = net.add(new LifPopulation("out", 10_000, Lif.CORTICAL, 0.005, DataType.FLOAT));
 * net.connect(in, out, weights);            // [1000, 10000] FLOAT
 * SpikeProbe spikes = net.probeSpikes(out);
 * net.run(1.0);                             // or call net.step() in a benchmark loop
 * }</pre>
 */
public final class Network {
    private final double dt;
    private final List<Population> populations = new ArrayList<>();
    private final List<Projection> projections = new ArrayList<>();
    private final List<SpikeProbe> spikeProbes = new ArrayList<>();
    private final List<StateProbe> stateProbes = new ArrayList<>();
    private long steps;

    /** An empty network with time step {@code dt} [s]. */
    public Network(double dt) {
        if (!(dt > 0) || Double.isInfinite(dt)) {
            throw new IllegalArgumentException("Network: dt must be finite and > 0 s, was " + dt);
        }
        this.dt = dt;
    }

    public double dt() {
        return dt;
    }

    /** Simulated time [s] so far. */
    public double time() {
        return steps * dt;
    }

    /** Number of steps taken. */
    public long steps() {
        return steps;
    }

    /** Adds a population (names must be unique) and returns it. */
    public <P extends Population> P add(P population) {
        // A null was added and failed the first step with a NullPointerException.
        if (population == null) {
            throw new IllegalArgumentException("Network: population must not be null");
        }
        if (population instanceof LifPopulation lif) {
            lif.requireStableStep(dt);
        }
        if (population instanceof PoissonPopulation poisson) {
            poisson.requireRepresentableRates(dt);
        }
        for (Population p : populations) {
            if (p == population || p.name().equals(population.name())) {
                throw new IllegalArgumentException("Network: population '" + population.name() + "' is already added");
            }
        }
        populations.add(population);
        return population;
    }

    /** Connects two added populations through {@code weights} [pre, post] and returns the projection. */
    public Projection connect(Population pre, LifPopulation post, INDArray weights) {
        requireAdded(pre);
        requireAdded(post);
        Projection p = new Projection(pre, post, weights);
        projections.add(p);
        return p;
    }

    /** Records all spikes of an added population from now on. */
    public SpikeProbe probeSpikes(Population population) {
        requireAdded(population);
        SpikeProbe p = new SpikeProbe(population);
        spikeProbes.add(p);
        return p;
    }

    /** Records a state variable of the given neurons of an added LIF population after every step. */
    public StateProbe probeState(LifPopulation population, LifPopulation.Variable variable, long... neurons) {
        requireAdded(population);
        StateProbe p = new StateProbe(population, variable, neurons);
        stateProbes.add(p);
        return p;
    }

    public List<Population> populations() {
        return Collections.unmodifiableList(populations);
    }

    public List<Projection> projections() {
        return Collections.unmodifiableList(projections);
    }

    /** Advances the whole network by one step of dt (see the class comment for the order). */
    public void step() {
        for (Population p : populations) {
            p.step(dt);
        }
        for (Projection c : projections) {
            c.deliver();
        }
        steps++;
        double t = time();
        for (SpikeProbe p : spikeProbes) {
            p.record(t);
        }
        for (StateProbe p : stateProbes) {
            p.record(t);
        }
    }

    /**
     * Runs {@code round(duration / dt)} steps, at most {@link SimulationLimits#MAX_STEPS} and at most
     * {@link SimulationLimits#MAX_WORK} units of work (call {@link #step()} in a loop for longer runs): steps x
     * ({@link SimulationLimits#STEP_COST} + neurons) for the populations (plus
     * {@link SimulationLimits#ND4J_STEP_COST} and {@link SimulationLimits#ND4J_NEURON_COST} per neuron for each
     * population and projection that steps by ND4J calls, not a native pass), plus, for every projection, the spikes its
     * pre-synaptic population can emit in the run x its post-synaptic neurons (each delivered spike adds a row of
     * post weights). The spikes are bounded from above: a Poisson source's mean count sum r dt x steps plus
     * six standard deviations, a LIF neuron's 1 + steps x dt / tau_ref (its threshold crossings are at least tau_ref
     * apart) and at most one a step, any other population's every neuron every step. Before stepping it also
     * refuses weights changed to NaN or an infinity since they were connected, and state probes that could not hold
     * the run's samples.
     */
    public void run(double duration) {
        if (!(duration >= 0) || Double.isInfinite(duration)) {
            throw new IllegalArgumentException("Network: duration must be finite and >= 0 s, was " + duration);
        }
        double ratio = duration / dt;
        if (!(ratio <= SimulationLimits.MAX_STEPS)) {
            throw new IllegalArgumentException("Network: duration / dt = " + SimulationLimits.sci(ratio)
                    + " steps, expected at most " + SimulationLimits.sci(SimulationLimits.MAX_STEPS) + " (duration "
                    + duration + " s, dt " + dt + " s); lower duration, raise dt or call step() in a loop");
        }
        long n = Math.round(ratio);
        long neurons = 0;
        // Parts stepped by ND4J calls cost ~500 times a native pass per step (MYELIN_KERNELS=nd4j, weights that
        // are not dense row-major, populations of the caller's own, whose cost is unknown).
        int nd4jParts = 0;
        long nd4jNeurons = 0;
        for (Population p : populations) {
            neurons += p.size();
            if (!steppedNatively(p)) {
                nd4jParts++;
                nd4jNeurons += p.size();
            }
        }
        // Spike delivery: a dense projection adds one row of post weights per pre-synaptic spike, so a big
        // projection can cost far more per step than the neurons do (up to pre x post).
        double deliveries = 0;
        for (Projection c : projections) {
            deliveries += maxSpikes(c.pre(), n) * c.post().size();
            if (!c.nativeRows()) {
                nd4jParts++;
            }
        }
        SimulationLimits.work(
                "Network",
                "steps x (" + (long) SimulationLimits.STEP_COST + " + neurons"
                        + SimulationLimits.nd4jStepTerms(nd4jParts, "parts", "their neurons")
                        + ") + spikes delivered x post-synaptic neurons = " + n + " x ("
                        + (long) SimulationLimits.STEP_COST + " + " + neurons
                        + SimulationLimits.nd4jStepTerms(
                                nd4jParts, String.valueOf(nd4jParts), String.valueOf(nd4jNeurons))
                        + ") + " + SimulationLimits.sci(deliveries),
                n * (SimulationLimits.STEP_COST + neurons + SimulationLimits.nd4jStepWork(nd4jParts, nd4jNeurons))
                        + deliveries,
                "lower duration, the populations' sizes or the input rates, raise dt or call step() in a loop");
        for (Projection c : projections) {
            c.requireFiniteWeights();
        }
        for (StateProbe p : stateProbes) {
            p.reserve(n);
        }
        for (long i = 0; i < n; i++) {
            step();
        }
    }

    /** Whether {@code p} steps in one native pass (the engine's populations with the native kernels active). */
    private static boolean steppedNatively(Population p) {
        if (p instanceof LifPopulation lif) {
            return lif.nativeSpikes() != null;
        }
        return p instanceof PoissonPopulation poisson && poisson.nativeSpikes() != null;
    }

    /** An upper estimate of the spikes {@code p} emits in {@code n} steps (see {@link #run}). */
    private double maxSpikes(Population p, long n) {
        double everyStep = (double) n * p.size();
        if (p instanceof PoissonPopulation poisson) {
            return Math.min(everyStep, SimulationLimits.poissonHigh(n * poisson.meanSpikesPerStep(dt)));
        }
        if (p instanceof LifPopulation lif && lif.lif().tauRef() > 0) {
            return Math.min(everyStep, (1 + n * dt / lif.lif().tauRef()) * p.size());
        }
        return everyStep;
    }

    /** Resets every population and clears the probes; the clock goes back to 0. */
    public void reset() {
        for (Population p : populations) {
            p.reset();
        }
        spikeProbes.forEach(SpikeProbe::clear);
        stateProbes.forEach(StateProbe::clear);
        steps = 0;
    }

    private void requireAdded(Population p) {
        if (p == null || !populations.contains(p)) {
            throw new IllegalArgumentException("Network: population '" + (p == null ? "null" : p.name())
                    + "' is not part of this network, add it first");
        }
    }
}
