package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bad or oversized arguments to the neuro module's public classes (not the simulate scenarios, see
 * {@link SimulationLimitsTest}) are refused with one line before any work is done.
 */
class PublicApiLimitsTest {

    static void refuses(String expectedStart, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    @Timeout(20)
    void networkRunRefusesRunsThatWouldNotEnd() {
        Network net = new Network(1e-3);
        net.add(new LifPopulation("out", 1, Lif.CORTICAL, 0.01));
        refuses("Network: duration must be finite and >= 0 s, was Infinity", () -> net.run(Double.POSITIVE_INFINITY));
        refuses("Network: duration must be finite and >= 0 s, was NaN", () -> net.run(Double.NaN));
        refuses("Network: duration / dt = 1.0e15 steps, expected at most 1.0e8", () -> net.run(1e12));
        assertEquals(0, net.steps());
        refuses("Network: dt must be finite and > 0 s, was Infinity", () -> new Network(Double.POSITIVE_INFINITY));
    }

    @Test
    @Timeout(20)
    void tuningCurvesOfEndlessRunsAreRefused() {
        refuses(
                "Network: duration / dt = ",
                () -> LifNeuron.simulatedRates(Lif.CORTICAL, Nd4j.createFromArray(1.5, 2.0), 1e9, 1e-4));
    }

    @Test
    @Timeout(20)
    void networkRunRefusesRunsOfLargePopulationsThatWouldTakeHours() {
        Network net = new Network(1e-4);
        net.add(new LifPopulation("out", 1_000_000, Lif.CORTICAL, 0.01));
        refuses(
                "Network: steps x (2000 + neurons) + spikes delivered x post-synaptic neurons = 10000000 x (2000 +"
                        + " 1000000) + 0.0e0 = 1.0e13 units of work",
                () -> net.run(1000));
        assertEquals(0, net.steps());
    }

    @Test
    @Timeout(60)
    void networkRunCountsPopulationsSteppedByNd4jCallsAtTheirCost() {
        // With MYELIN_KERNELS=nd4j a population's step is a dozen ND4J calls (~0.5 ms for one neuron here, where a
        // native pass takes ~1 us). Counted as native, 20 s at dt = 0.1 ms (2e5 steps, 4e8 units) was accepted and
        // ran for minutes; counted at 1e6 units per population step it is refused.
        Network net = new Network(1e-4);
        net.add(new PoissonPopulation("in", 1, 10.0, 1, false));
        net.add(new LifPopulation("out", 1, Lif.CORTICAL, 0.01, DataType.DOUBLE, false));
        refuses(
                "Network: steps x (2000 + neurons + 1000000 x parts + 40 x their neurons (ND4J path)) + spikes"
                        + " delivered x post-synaptic neurons = 200000 x (2000 + 2 + 1000000 x 2 + 40 x 2 (ND4J"
                        + " path)) + ",
                () -> net.run(20));
        assertEquals(0, net.steps());
        net.run(0.01);
        assertEquals(100, net.steps());
    }

    @Test
    @Timeout(60)
    void networkRunCountsProjectionsWhoseWeightsTakeTheGatherPath() {
        // Weights that are not dense row-major (here a transposed view) are delivered by ND4J's gather and sum,
        // not the native row sum, even between native populations.
        Network net = new Network(1e-4);
        PoissonPopulation in = net.add(new PoissonPopulation("in", 10, 10.0, 1));
        LifPopulation out = net.add(new LifPopulation("out", 10, Lif.CORTICAL, 0.01));
        net.connect(in, out, Nd4j.rand(DataType.DOUBLE, 10, 10).transpose());
        String nd4jTerms = in.nativeSpikes() == null ? "1000000 x 3 + 40 x 20" : "1000000 x 1 + 40 x 0";
        refuses(
                "Network: steps x (2000 + neurons + 1000000 x parts + 40 x their neurons (ND4J path)) + spikes"
                        + " delivered x post-synaptic neurons = 200000 x (2000 + 20 + " + nd4jTerms + " (ND4J path))",
                () -> net.run(20));
        Network dense = new Network(1e-4);
        PoissonPopulation denseIn = dense.add(new PoissonPopulation("in", 10, 10.0, 1));
        LifPopulation denseOut = dense.add(new LifPopulation("out", 10, Lif.CORTICAL, 0.01));
        dense.connect(denseIn, denseOut, Nd4j.rand(DataType.DOUBLE, 10, 10));
        if (denseIn.nativeSpikes() != null) {
            dense.run(1);
            assertEquals(10_000, dense.steps());
        }
    }

    @Test
    void populationsSteppedDirectlyRefuseABadStep() {
        LifPopulation lif = new LifPopulation("p", 3, Lif.CORTICAL, 0.01);
        refuses("LifPopulation 'p': dt must be finite and > 0 s, was NaN", () -> lif.step(Double.NaN));
        refuses("LifPopulation 'p': dt must be finite and > 0 s, was -0.001", () -> lif.step(-0.001));
        refuses(
                "LifPopulation 'p': weight sum has shape [2], expected [3]",
                () -> lif.receive(Nd4j.createFromArray(1.0, 2.0)));
        PoissonPopulation in = new PoissonPopulation("in", 3, 10.0, 1);
        refuses(
                "PoissonPopulation 'in': dt must be finite and > 0 s, was Infinity",
                () -> in.step(Double.POSITIVE_INFINITY));
    }

    @Test
    void hodgkinHuxleyParametersMustBeFinite() {
        refuses(
                "HodgkinHuxley: v_Na must be finite, was NaN",
                () -> new HodgkinHuxley.Parameters(1.0, 120.0, 36.0, 0.3, Double.NaN, -77.0, -54.387));
        refuses(
                "HodgkinHuxley: capacitance must be finite, was Infinity",
                () -> new HodgkinHuxley.Parameters(Double.POSITIVE_INFINITY, 120.0, 36.0, 0.3, 50, -77.0, -54.387));
    }

    @Test
    void lifConstantsMustBeFinite() {
        refuses("Lif: tau_m must be finite and > 0 s, was Infinity", () -> new Lif(Double.POSITIVE_INFINITY, 0));
        refuses("Lif: tau_ref must be finite and >= 0 s, was Infinity", () -> new Lif(0.02, Double.POSITIVE_INFINITY));
    }

    @Test
    void lifPopulationsBeyondTheMemoryLimitAreRefusedBeforeAllocating() {
        refuses(
                "LifPopulation 'huge' needs ",
                () -> new LifPopulation("huge", Integer.MAX_VALUE, Lif.CORTICAL, 0.01, DataType.DOUBLE));
        refuses(
                "LifPopulation 'p': tau_s must be finite and > 0 s, was Infinity",
                () -> new LifPopulation("p", 3, Lif.CORTICAL, Double.POSITIVE_INFINITY));
    }

    @Test
    void lifBiasMustBeFinite() {
        LifPopulation p = new LifPopulation("p", 3, Lif.CORTICAL, 0.01);
        refuses("LifPopulation 'p': bias must be finite, was NaN", () -> p.setBias(Double.NaN));
        refuses(
                "LifPopulation 'p': bias must be finite, entry 1 was Infinity",
                () -> p.setBias(Nd4j.createFromArray(1.0, Double.POSITIVE_INFINITY, 2.0)));
    }

    @Test
    void poissonRatesAndSizesAreChecked() {
        refuses(
                "PoissonPopulation 'in': rates must be finite, entry 2 was NaN",
                () -> new PoissonPopulation("in", Nd4j.createFromArray(1.0, 2.0, Double.NaN), 1));
        refuses(
                "PoissonPopulation 'in': rate must be finite and >= 0 Hz, was Infinity",
                () -> new PoissonPopulation("in", 4, Double.POSITIVE_INFINITY, 1));
        refuses(
                "PoissonPopulation 'in': rate must be finite and >= 0 Hz, was NaN",
                () -> new PoissonPopulation("in", 4, Double.NaN, 1));
        refuses("PoissonPopulation 'in': size must be >= 1, was -5", () -> new PoissonPopulation("in", -5, 1.0, 1));
        refuses("PoissonPopulation 'in' needs ", () -> new PoissonPopulation("in", Integer.MAX_VALUE, 1.0, 1));
    }

    @Test
    @Timeout(20)
    void projectionWeightsMustBeFiniteWhenConnectedAndWhenRun() {
        Network net = new Network(1e-3);
        PoissonPopulation in = net.add(new PoissonPopulation("in", 2, 10.0, 1));
        LifPopulation out = net.add(new LifPopulation("out", 3, Lif.CORTICAL, 0.01));
        INDArray bad = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        bad.putScalar(1, 2, Double.NaN);
        refuses(
                "Projection[in -> out]: weights must be finite, row 1, column 2 was NaN",
                () -> net.connect(in, out, bad));
        assertEquals(0, net.projections().size());
        // The matrix is not copied: an entry changed after connecting is refused by the next run, before a step.
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 2, 3);
        net.connect(in, out, w);
        w.putScalar(0, 1, Double.NEGATIVE_INFINITY);
        refuses("Projection[in -> out]: weights must be finite, row 0, column 1 was -Infinity", () -> net.run(0.01));
        assertEquals(0, net.steps());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void networkRunCountsTheWorkOfDeliveringSpikes() {
        Network net = new Network(1e-3);
        // r dt = 1: all 1000 sources spike every step, and each spike adds a row of 1000 weights: 1e6 units a step
        // where the neurons alone count 4000. Without the deliveries counted this run was accepted and took minutes.
        PoissonPopulation in = net.add(new PoissonPopulation("in", 1000, 1000.0, 1));
        LifPopulation out = net.add(new LifPopulation("out", 1000, Lif.CORTICAL, 0.01, DataType.FLOAT));
        net.connect(in, out, Nd4j.zeros(DataType.FLOAT, 1000, 1000));
        refuses(
                "Network: steps x (2000 + neurons) + spikes delivered x post-synaptic neurons = 200000 x (2000 + 2000)"
                        + " + 2.0e11 = 2.0e11 units of work",
                () -> net.run(200));
        assertEquals(0, net.steps());
    }

    @Test
    @Timeout(60)
    void networkRunsWithSparseSpikesAreNotRefusedAsIfEveryNeuronSpikedEveryStep() {
        Network net = new Network(1e-3);
        // 10 Hz: about 10 of the 1000 sources spike a step, and LIF spikes are at least tau_ref = 2 ms apart (at
        // most 1 + steps / 2 per neuron at dt = 1 ms). Counted as pre x post a step, 50 s would be 1.0e11 units and
        // refused; counted from the rates and tau_ref it is 2.6e10.
        PoissonPopulation in = net.add(new PoissonPopulation("in", 1000, 10.0, 1));
        LifPopulation out = net.add(new LifPopulation("out", 1000, Lif.CORTICAL, 0.01, DataType.FLOAT));
        net.connect(in, out, Nd4j.zeros(DataType.FLOAT, 1000, 1000));
        LifPopulation hidden = net.add(new LifPopulation("hidden", 1000, Lif.CORTICAL, 0.01, DataType.FLOAT));
        net.connect(out, hidden, Nd4j.zeros(DataType.FLOAT, 1000, 1000));
        net.run(50);
        assertEquals(50_000, net.steps());
        refuses(
                "Network: steps x (2000 + neurons) + spikes delivered x post-synaptic neurons = 200000 x (2000 + 3000)"
                        + " + 1.0e11 = 1.0e11 units of work",
                () -> net.run(200));
    }

    @Test
    @Timeout(20)
    void populationSizesBeyondAnIntAreRefusedInsteadOfWrapping() {
        // A view of 3e9 entries over one number (stride 0): nothing of that length is allocated.
        INDArray huge =
                Nd4j.create(Nd4j.createBuffer(new double[] {1.0}), new long[] {3_000_000_000L}, new long[] {0}, 0, 'c');
        refuses(
                "LifNeuron: the tuning curve's inputs vIn: 3000000000 neurons, expected at most 2147483639",
                () -> LifNeuron.simulatedRates(Lif.CORTICAL, huge, 1.0, 1e-3));
        ProbeLimitsTest.withLimit(
                "1000000000000000",
                () -> refuses(
                        "PoissonPopulation 'in': 3000000000 neurons, expected at most 2147483639",
                        () -> new PoissonPopulation("in", huge, 1)));
    }

    @Test
    void pscFiltersPerceptronsAndTrainsRefuseNonFiniteInputs() {
        // Math.round(NaN) is 0: the NaN spike was added at t = 0.
        refuses(
                "PscFilter: spike times must be finite, entry 1 was NaN",
                () -> PscFilter.exponentialEuler(
                        0.01, new double[] {0.5, Double.NaN}, new double[] {1, 1}, 1e-3, 1000));
        refuses(
                "PscFilter: weights must be finite, entry 0 was Infinity",
                () -> new PscFilter(0, 0.01)
                        .filter(new double[] {0.1}, new double[] {Double.POSITIVE_INFINITY}, PscFilter.grid(1e-3, 10)));
        refuses(
                "PscFilter: tau_s must be finite and > 0 s, was Infinity",
                () -> new PscFilter(0, Double.POSITIVE_INFINITY));
        refuses(
                "Perceptron: weights must be finite, entry 1 was NaN",
                () -> new Perceptron(new double[] {1, Double.NaN}, 0));
        refuses("Perceptron: bias must be finite, was NaN", () -> new Perceptron(new double[] {1, 2}, Double.NaN));
        refuses(
                "Perceptron: learning rate must be > 0 and finite, was Infinity",
                () -> new Perceptron(Nd4j.createFromArray(1.0, 2.0), 0, Double.POSITIVE_INFINITY));
        refuses(
                "SpikeTrains: phase must be finite and >= 0 s, was NaN s",
                () -> SpikeTrains.regular(10, 1, Double.NaN));
    }

    @Test
    void nonFiniteEntriesBeyondTheFirstScanChunkAreFound() {
        double[] b = new double[(1 << 20) + 5];
        b[(1 << 20) + 3] = Double.NaN;
        LifPopulation p = new LifPopulation("p", b.length, Lif.CORTICAL, 0.01);
        refuses(
                "LifPopulation 'p': bias must be finite, entry 1048579 was NaN",
                () -> p.setBias(Nd4j.createFromArray(b)));
    }

    @Test
    void neuronModelsRefuseNonFiniteInputsAndStatesNamingThem() {
        HodgkinHuxley hh = HodgkinHuxley.squidAxon();
        // Both were reported as "membrane potential diverged ... reduce dt".
        refuses(
                "HodgkinHuxley: the input current at t = 0.5",
                () -> hh.simulate(HodgkinHuxley.State.atRest(-65), t -> t >= 0.5 ? Double.NaN : 10, 10, 0.01));
        refuses(
                "HodgkinHuxley.State: v must be finite, was NaN mV",
                () -> new HodgkinHuxley.State(Double.NaN, 0, 0, 0));
        refuses(
                "HodgkinHuxley.State: gate m must be in [0, 1], was 1.5",
                () -> new HodgkinHuxley.State(-65, 0.3, 1.5, 0.6));
        refuses(
                "LifNeuron: the input at t = 0.0 s was Infinity, expected a finite value",
                () -> LifNeuron.simulate(Lif.CORTICAL, t -> Double.POSITIVE_INFINITY, 0.1, 1e-3));
    }

    @Test
    void perceptronInputsAndTargetsAreCheckedBeforeAnyUpdate() {
        Perceptron p = new Perceptron(new double[] {0.6, -0.2}, -0.1);
        // The drive NaN >= 0 was false: predicted 0, and this update made the weights NaN.
        refuses(
                "Perceptron: input must be finite, entry 1 was NaN",
                () -> p.update(Nd4j.createFromArray(1.0, Double.NaN), 1));
        refuses(
                "Perceptron: input must be finite, entry 0 was Infinity",
                () -> p.predict(Nd4j.createFromArray(Double.POSITIVE_INFINITY, 0.0)));
        refuses("Perceptron: input has shape [3], expected [2]", () -> p.drive(Nd4j.createFromArray(1.0, 0.0, 1.0)));
        INDArray x = Nd4j.createFromArray(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        INDArray bad = x.dup();
        bad.putScalar(2, 1, Double.NaN);
        refuses(
                "Perceptron: inputs must be finite, row 2, column 1 was NaN",
                () -> p.trainEpoch(bad, Nd4j.createFromArray(0.0, 1.0, 1.0, 1.0)));
        refuses("Perceptron: inputs must be finite, row 2, column 1 was NaN", () -> p.predictAll(bad));
        // A 2 was refused at its row, after the rows before it had updated the weights; getInt made 0.5 a 0.
        refuses(
                "Perceptron: targets must be 0 or 1, entry 3 was 2.0",
                () -> p.trainEpoch(x, Nd4j.createFromArray(1.0, 1.0, 1.0, 2.0)));
        refuses(
                "Perceptron: targets must be 0 or 1, entry 1 was 0.5",
                () -> p.train(x, Nd4j.createFromArray(0.0, 0.5, 1.0, 1.0), 10));
        refuses(
                "Perceptron: targets must be 0 or 1, entry 0 was NaN",
                () -> p.errors(x, Nd4j.createFromArray(Double.NaN, 1.0, 1.0, 1.0)));
        refuses("Perceptron: target must be 0 or 1, was -1", () -> p.update(Nd4j.createFromArray(1.0, 0.0), -1));
        assertArrayEquals(new double[] {0.6, -0.2}, p.weights().toDoubleVector());
        assertEquals(-0.1, p.bias());
    }

    @Test
    @Timeout(20)
    void perceptronTrainsUntilLearnedWithoutAllocatingMaxEpochs() {
        // train allocated an int[maxEpochs] up front: 8 GB for "until learned" (OutOfMemoryError).
        Perceptron p = new Perceptron(new double[] {0.6, -0.2}, -0.1);
        INDArray x = Nd4j.createFromArray(new int[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        int[] history = p.train(x, Nd4j.createFromArray(0, 1, 1, 1), Integer.MAX_VALUE);
        assertEquals(0, history[history.length - 1]);
        assertEquals(0, p.errors(x, Nd4j.createFromArray(0, 1, 1, 1)));
    }

    @Test
    @Timeout(20)
    void spikeProbeWindowsMustBeFiniteNonNegativeAndInOrder() {
        Network net = new Network(1e-3);
        PoissonPopulation in = net.add(new PoissonPopulation("in", 2, 1000.0, 1));
        SpikeProbe probe = net.probeSpikes(in);
        net.run(0.01);
        // Each gave zeros (NaN and reversed bounds) or a diluted rate (a window from -1 s) without a word.
        refuses(
                "SpikeProbe[in]: window must have finite 0 <= from <= to s, was [NaN, 1.0)",
                () -> probe.counts(Double.NaN, 1));
        refuses(
                "SpikeProbe[in]: window must have finite 0 <= from <= to s, was [0.5, 0.1)",
                () -> probe.counts(0.5, 0.1));
        refuses(
                "SpikeProbe[in]: window must have finite 0 <= from <= to s, was [0.0, Infinity)",
                () -> probe.counts(0, Double.POSITIVE_INFINITY));
        refuses("SpikeProbe[in]: window must have finite 0 <= from < to s, was [-1.0, 1.0)", () -> probe.rates(-1, 1));
        refuses(
                "SpikeProbe[in]: window must have finite 0 <= from < to s, was [0.0, Infinity)",
                () -> probe.rates(0, Double.POSITIVE_INFINITY));
        refuses("SpikeProbe[in]: from must be finite and >= 0 s, was NaN", () -> probe.isiRates(Double.NaN));
        refuses("SpikeProbe[in]: from must be finite and >= 0 s, was -0.5", () -> probe.isiRates(-0.5));
        // Valid windows as before: the rate of 1000 Hz at dt = 1 ms is a spike every step.
        assertArrayEquals(new long[] {10, 10}, probe.counts(0, 1));
        assertArrayEquals(new long[] {0, 0}, probe.counts(0.5, 0.5));
        assertArrayEquals(new double[] {20, 20}, probe.rates(0, 0.5), 1e-9);
    }

    @Test
    void spikeTrainRateHelpersRefuseNonFiniteOrUnsortedTimes() {
        // A NaN time failed every window comparison and was not counted.
        refuses(
                "SpikeTrains: rateFromCount: spike times must be finite and >= 0 s, entry 1 was NaN",
                () -> SpikeTrains.rateFromCount(new double[] {0.1, Double.NaN}, 0, 1));
        refuses(
                "SpikeTrains: window must have finite 0 <= from < to s, was [0.0, Infinity)",
                () -> SpikeTrains.rateFromCount(new double[] {0.1}, 0, Double.POSITIVE_INFINITY));
        refuses(
                "SpikeTrains: window must have finite 0 <= from < to s, was [NaN, 1.0)",
                () -> SpikeTrains.rateFromCount(new double[] {0.1}, Double.NaN, 1));
        refuses(
                "SpikeTrains: rateFromIsi: spike times must be finite and >= 0 s, entry 2 was Infinity",
                () -> SpikeTrains.rateFromIsi(new double[] {0.1, 0.2, Double.POSITIVE_INFINITY}));
        // Only the first and last times were read: this gave -1 Hz, and three spikes at one time infinity.
        refuses(
                "SpikeTrains: rateFromIsi needs ascending spike times, entry 2 was 0.1 s after 0.3 s",
                () -> SpikeTrains.rateFromIsi(new double[] {0.2, 0.3, 0.1}));
        refuses(
                "SpikeTrains: rateFromIsi: 3 spikes all at 0.5 s",
                () -> SpikeTrains.rateFromIsi(new double[] {0.5, 0.5, 0.5}));
        refuses(
                "SpikeTrains: binnedRate: spike times must be finite and >= 0 s, entry 0 was -Infinity",
                () -> SpikeTrains.binnedRate(new double[] {Double.NEGATIVE_INFINITY}, 0.01, 0.03, 1));
        refuses(
                "SpikeTrains: bins need finite bin > 0 s and duration > 0 s, was bin=Infinity",
                () -> SpikeTrains.binnedRate(new double[] {0.1}, Double.POSITIVE_INFINITY, 1, 1));
        // Ties in a merged train are allowed, and a spike at 0 or after the window is a spike like any other.
        assertEquals(10.0, SpikeTrains.rateFromCount(new double[] {0.0, 0.05, 2}, 0.01, 0.11), 1e-12);
        assertEquals(20.0, SpikeTrains.rateFromIsi(new double[] {0.0, 0.0, 0.1}), 1e-9);
    }

    @Test
    void spikeTrainsAreOnZeroToDurationAndTheRateHelpersRefuseNegativeTimes() {
        // A negative phase made spikes before 0 (regular(10, 1, -0.25) began -0.25, -0.15, ...), which an ISI rate
        // counted as spikes of the train.
        refuses("SpikeTrains: phase must be finite and >= 0 s, was -0.25 s", () -> SpikeTrains.regular(10, 1, -0.25));
        refuses(
                "SpikeTrains: phase must be finite and >= 0 s, was Infinity s",
                () -> SpikeTrains.regular(10, 1, Double.POSITIVE_INFINITY));
        assertArrayEquals(new double[] {0.0, 0.5}, SpikeTrains.regular(2, 1, 0.0), 0.0);
        refuses(
                "SpikeTrains: rateFromIsi: spike times must be finite and >= 0 s, entry 0 was -0.05",
                () -> SpikeTrains.rateFromIsi(new double[] {-0.05, 0.0, 0.1}));
        refuses(
                "SpikeTrains: rateFromCount: spike times must be finite and >= 0 s, entry 0 was -0.5",
                () -> SpikeTrains.rateFromCount(new double[] {-0.5, 0.05, 2}, 0, 0.1));
        refuses(
                "SpikeTrains: binnedRate: spike times must be finite and >= 0 s, entry 1 was -1.0E-9",
                () -> SpikeTrains.binnedRate(new double[] {0.0, -1e-9}, 0.01, 0.03, 1));
        // A window starting before 0 counted over time in which a train has no spikes: 10 Hz read as 5 Hz.
        refuses(
                "SpikeTrains: window must have finite 0 <= from < to s, was [-0.1, 0.1)",
                () -> SpikeTrains.rateFromCount(new double[] {0.05}, -0.1, 0.1));
        // Every generator's train is accepted by the helpers.
        double[] poisson = SpikeTrains.poisson(50, 2, 11);
        assertTrue(poisson.length > 0 && poisson[0] >= 0);
        assertTrue(SpikeTrains.rateFromIsi(poisson) > 0);
        assertEquals(poisson.length / 2.0, SpikeTrains.rateFromCount(poisson, 0, 2), 1e-12);
    }

    @Test
    void pscFilterValuesRefuseNonFiniteTimes() {
        PscFilter h = new PscFilter(1, 0.01);
        // NaN passed t < 0 and came back NaN; +inf gave inf x 0 = NaN.
        refuses("PscFilter: t must be finite, was NaN s", () -> h.value(Double.NaN));
        refuses("PscFilter: t must be finite, was Infinity s", () -> h.value(Double.POSITIVE_INFINITY));
        refuses("PscFilter: t must be finite, entry 1 was NaN", () -> h.value(Nd4j.createFromArray(0.01, Double.NaN)));
        refuses(
                "PscFilter: sample times t must be finite, entry 2 was NaN",
                () -> h.filter(new double[] {0.0}, Nd4j.createFromArray(0.0, 0.01, Double.NaN)));
        assertEquals(0.0, h.value(-1.0));
    }

    @Test
    void neuronModelQueriesRefuseNonFiniteArguments() {
        Lif lif = Lif.CORTICAL;
        // NaN > 1 is false: a NaN input was "below threshold", rate 0 Hz and no threshold time.
        refuses("Lif: v_in must be finite, was NaN", () -> lif.rate(Double.NaN));
        refuses("Lif: v_in must be finite, was NaN", () -> lif.timeToThreshold(Double.NaN));
        refuses("Lif: v_in must be finite, entry 1 was NaN", () -> lif.rate(Nd4j.createFromArray(2.0, Double.NaN)));
        refuses("Lif: t must be finite and >= 0 s, was NaN s", () -> lif.voltage(Double.NaN, 1.5));
        refuses("Lif: v_in must be finite, was Infinity", () -> lif.voltage(0.01, Double.POSITIVE_INFINITY));
        assertEquals(Double.POSITIVE_INFINITY, lif.timeToThreshold(0.5));
        HodgkinHuxley.Trace trace = HodgkinHuxley.squidAxon().simulate(t -> 10, 50);
        // A NaN threshold found no spikes; a NaN settle time excluded none.
        refuses("HodgkinHuxley.Trace: threshold must be finite, was NaN mV", () -> trace.spikeTimes(Double.NaN));
        refuses(
                "HodgkinHuxley: settleMs must be finite and >= 0 ms, was NaN ms",
                () -> HodgkinHuxley.firingRateHz(trace, Double.NaN));
        refuses(
                "HodgkinHuxley: settleMs must be finite and >= 0 ms, was -5.0 ms",
                () -> HodgkinHuxley.firingRateHz(trace, -5));
        assertTrue(HodgkinHuxley.firingRateHz(trace, 10) > 0);
        // The message named the internal population's bias instead of the inputs given.
        refuses(
                "LifNeuron: the tuning curve's inputs vIn must be finite, entry 1 was NaN",
                () -> LifNeuron.simulatedRates(lif, Nd4j.createFromArray(1.5, Double.NaN), 0.1, 1e-3));
        LifPopulation p = new LifPopulation("p", 2, lif, 0.01);
        // A NaN weight sum made the current, and from the next step the potential, NaN.
        refuses(
                "LifPopulation 'p': weight sum must be finite, entry 0 was NaN",
                () -> p.receive(Nd4j.createFromArray(Double.NaN, 1.0)));
        assertEquals(0.0, p.s().getDouble(0));
    }
}
