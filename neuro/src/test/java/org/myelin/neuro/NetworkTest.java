package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NetworkTest {

    /** A source that spikes given neurons at given steps (1-based), for exact checks of delivery. */
    private static final class ScriptedPopulation implements Population {
        private final int size;
        private final long[][] script;
        private int step;
        private INDArray spikes = Nd4j.empty(DataType.LONG);

        ScriptedPopulation(int size, long[]... script) {
            this.size = size;
            this.script = script;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void step(double dt) {
            long[] now = step < script.length ? script[step] : new long[0];
            step++;
            spikes = now.length == 0 ? Nd4j.empty(DataType.LONG) : Nd4j.createFromArray(now);
        }

        @Override
        public INDArray spikeIndices() {
            return spikes;
        }

        @Override
        public void reset() {
            step = 0;
        }
    }

    @Test
    void spikesAddTheirWeightRowsOverTauSThenDecay() {
        double dt = 1e-3;
        double tauS = 0.01;
        Network net = new Network(dt);
        ScriptedPopulation pre = net.add(new ScriptedPopulation(3, new long[] {0, 2}, new long[0]));
        LifPopulation post = net.add(new LifPopulation("post", 2, Lif.CORTICAL, tauS));
        INDArray w = Nd4j.createFromArray(new double[][] {{0.01, 0.02}, {0.1, 0.2}, {0.005, -0.01}});
        net.connect(pre, post, w);
        net.step();
        // Rows 0 and 2 arrive: s = (w[0] + w[2]) / tau_s = [1.5, 1.0].
        assertArrayEquals(new double[] {1.5, 1.0}, post.s().toDoubleVector(), 1e-12);
        net.step();
        // No spikes: one Euler decay step of factor 1 - dt / tau_s.
        assertArrayEquals(new double[] {1.5 * 0.9, 1.0 * 0.9}, post.s().toDoubleVector(), 1e-12);
        // In the second step the membrane integrated the current delivered by the first: v = dt / tau_m * s.
        assertArrayEquals(
                new double[] {1e-3 / 0.02 * 1.5, 1e-3 / 0.02 * 1.0}, post.v().toDoubleVector(), 1e-12);
    }

    @Test
    void unconnectedLifPopulationStaysAtRest() {
        Network net = new Network(1e-3);
        LifPopulation pop = net.add(new LifPopulation("quiet", 50, Lif.CORTICAL, 0.005, DataType.FLOAT));
        SpikeProbe spikes = net.probeSpikes(pop);
        net.run(0.1);
        assertEquals(0, spikes.count());
        assertEquals(0.0, pop.v().amaxNumber().doubleValue(), 0.0);
        assertEquals(100, net.steps());
    }

    @Test
    void stateProbeFollowsTheAnalyticVoltage() {
        double dt = 2e-4;
        Network net = new Network(dt);
        LifPopulation pop = net.add(new LifPopulation("biased", 3, Lif.CORTICAL, 0.005));
        pop.setBias(Nd4j.createFromArray(0.2, 0.5, 0.9));
        StateProbe v = net.probeState(pop, LifPopulation.Variable.V, 0, 2);
        net.run(0.04);
        double[] t = v.times();
        assertEquals(200, t.length);
        double a = dt / Lif.CORTICAL.tauM();
        for (int i = 0; i < t.length; i++) {
            assertEquals(Lif.CORTICAL.voltage(t[i], 0.2), v.trace(0)[i], 0.25 * a * 0.2);
            assertEquals(Lif.CORTICAL.voltage(t[i], 0.9), v.trace(1)[i], 0.25 * a * 0.9);
        }
    }

    /** On both kernel paths (native: the engine's default where its library loads; ND4J: the reference). */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void poissonDrivenLifPopulationFiresAtTheRatesTheTuningCurvePredicts(boolean nativeKernels) {
        assumeTrue(!nativeKernels || Kernels.nativeCpuAvailable(), "native kernels unavailable");
        int inputs = 500;
        int neurons = 20;
        double inRate = 200.0;
        double dt = 5e-4;
        Network net = new Network(dt);
        PoissonPopulation in = net.add(new PoissonPopulation("in", inputs, inRate, 11, nativeKernels));
        LifPopulation out =
                net.add(new LifPopulation("out", neurons, Lif.CORTICAL, 0.01, DataType.DOUBLE, nativeKernels));
        // Target mean currents 2 .. 5 (G from 63 to 155 Hz) with weights spread +-50% around their mean; each
        // neuron's actual mean input is sum_j W[j, i] r_j. With 500 x 200 Hz inputs and tau_s = 10 ms the current's
        // standard deviation is about 2% of its mean, so the rate is close to G(mean).
        INDArray target = Nd4j.linspace(2.0, 5.0, neurons, DataType.DOUBLE).reshape(1, neurons);
        java.util.Random random = new java.util.Random(123);
        double[][] spread = new double[inputs][neurons];
        for (double[] row : spread) {
            for (int i = 0; i < neurons; i++) {
                row[i] = 1.0 + 0.5 * (2 * random.nextDouble() - 1);
            }
        }
        INDArray w = Nd4j.createFromArray(spread).mulRowVector(target.div(inputs * inRate));
        net.connect(in, out, w);
        SpikeProbe spikes = net.probeSpikes(out);
        SpikeProbe inputSpikes = net.probeSpikes(in);
        net.run(0.7);
        INDArray meanInput = in.rates().reshape(1, inputs).mmul(w).reshape(neurons);
        double[] rates = spikes.isiRates(0.1);
        INDArray predicted = Lif.CORTICAL.rate(meanInput);
        double worst = 0;
        for (int i = 0; i < neurons; i++) {
            double rel = Math.abs(rates[i] - predicted.getDouble(i)) / predicted.getDouble(i);
            worst = Math.max(worst, rel);
            assertTrue(
                    rel < 0.10,
                    "neuron " + i + " with mean input " + meanInput.getDouble(i) + ": " + rates[i] + " Hz vs predicted "
                            + predicted.getDouble(i) + " Hz");
        }
        org.slf4j.LoggerFactory.getLogger(NetworkTest.class).info("worst relative rate error {}", worst);
        // The inputs themselves fire at their rate (500 x 200 Hz x 0.7 s = 70000 spikes, sd about 265).
        assertEquals(70_000, inputSpikes.count(), 1_100);
    }

    @Test
    void poissonPopulationIsReproducibleAfterReset() {
        Network net = new Network(1e-3);
        PoissonPopulation in = net.add(new PoissonPopulation("in", 200, 50.0, 5));
        SpikeProbe probe = net.probeSpikes(in);
        net.run(0.2);
        double[] times = probe.times();
        long[] neurons = probe.neurons();
        assertTrue(times.length > 1000);
        net.reset();
        assertEquals(0, probe.count());
        net.run(0.2);
        assertArrayEquals(times, probe.times(), 0.0);
        assertArrayEquals(neurons, probe.neurons());
    }

    @Test
    void floatAndDoublePopulationsAgree() {
        double[] counts = new double[2];
        DataType[] types = {DataType.FLOAT, DataType.DOUBLE};
        for (int k = 0; k < 2; k++) {
            Network net = new Network(5e-4);
            PoissonPopulation in = net.add(new PoissonPopulation("in", 100, 200.0, 3));
            LifPopulation out = net.add(new LifPopulation("out", 10, Lif.CORTICAL, 0.005, types[k]));
            net.connect(in, out, Nd4j.valueArrayOf(new long[] {100, 10}, 0.1, types[k]));
            SpikeProbe p = net.probeSpikes(out);
            net.run(0.15);
            counts[k] = p.count();
        }
        assertTrue(counts[0] > 0);
        assertEquals(counts[1], counts[0], 0.02 * counts[1] + 2);
    }

    @Test
    void projectionRejectsAWeightMatrixOfTheWrongShape() {
        Network net = new Network(1e-3);
        PoissonPopulation in = net.add(new PoissonPopulation("in", 4, 10.0, 1));
        LifPopulation out = net.add(new LifPopulation("out", 3, Lif.CORTICAL, 0.005));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> net.connect(in, out, Nd4j.zeros(DataType.DOUBLE, 3, 4)));
        assertEquals("Projection[in -> out]: weights have shape [3, 4], expected [4, 3]", e.getMessage());
    }

    @Test
    void projectionRejectsAWeightMatrixOfAnotherDataType() {
        Network net = new Network(1e-3);
        PoissonPopulation in = net.add(new PoissonPopulation("in", 4, 10.0, 1));
        LifPopulation out = net.add(new LifPopulation("out", 3, Lif.CORTICAL, 0.005, DataType.FLOAT));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> net.connect(in, out, Nd4j.zeros(DataType.DOUBLE, 4, 3)));
        assertTrue(e.getMessage().contains("expected FLOAT"), e.getMessage());
    }

    @Test
    void networkRejectsAPopulationItDoesNotHold() {
        Network net = new Network(1e-3);
        LifPopulation stranger = new LifPopulation("stranger", 3, Lif.CORTICAL, 0.005);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.probeSpikes(stranger));
        assertTrue(e.getMessage().contains("'stranger' is not part of this network"), e.getMessage());
    }
}
