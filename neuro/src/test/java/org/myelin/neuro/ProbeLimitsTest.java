package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.factory.Nd4j;

/** Probes refuse to record more than the memory limit holds, instead of growing until the heap runs out. */
class ProbeLimitsTest {

    static void withLimit(String bytes, Runnable body) {
        String key = org.myelin.Settings.MAX_PARAMETER_BYTES;
        String before = System.getProperty(key);
        System.setProperty(key, bytes);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    @Timeout(60)
    void spikeProbesStopAtTheMemoryLimitInsteadOfGrowingWithoutBound() {
        withLimit("8120", () -> {
            Network net = new Network(1e-3);
            // r dt = 1: every source spikes every step, 100 spikes a step, 8 x 100 + 12 = 812 bytes: 10 steps fit.
            PoissonPopulation in = net.add(new PoissonPopulation("in", 100, 1000.0, 1));
            SpikeProbe probe = net.probeSpikes(in);
            net.run(0.01);
            assertEquals(1000, probe.count());
            IllegalStateException e = assertThrows(IllegalStateException.class, net::step);
            assertTrue(
                    e.getMessage()
                            .startsWith("SpikeProbe[in]: 1100 spikes in 11 steps with spikes at t = 0.011 s need 8932"
                                    + " bytes (8 a spike, 12 a step), expected at most 2147483639 spikes within the"
                                    + " memory limit of 8120 bytes"),
                    e.getMessage());
            assertEquals(1000, probe.count());
        });
    }

    @Test
    @Timeout(60)
    void spikeProbesCountWhatEachStepWithSpikesHolds() {
        withLimit("2000", () -> {
            Network net = new Network(1e-3);
            // One spike a step: 8 + 12 = 20 bytes a step, so 100 fit (a long[] per step made it about 40 while the
            // limit counted 8, and 250 were recorded).
            PoissonPopulation in = net.add(new PoissonPopulation("in", 1, 1000.0, 1));
            SpikeProbe probe = net.probeSpikes(in);
            net.run(0.1);
            assertEquals(100, probe.count());
            IllegalStateException e = assertThrows(IllegalStateException.class, net::step);
            assertTrue(e.getMessage().startsWith("SpikeProbe[in]: 101 spikes in 101 steps"), e.getMessage());
            assertEquals(100, probe.times(0).length);
            assertEquals(0.1, probe.times()[99], 1e-12);
            assertEquals(100, probe.counts(0, 1)[0]);
        });
    }

    @Test
    @Timeout(60)
    void stateProbesStopAtTheMemoryLimitInsteadOfGrowingWithoutBound() {
        withLimit("7200", () -> {
            Network net = new Network(1e-3);
            LifPopulation out = net.add(new LifPopulation("out", 4, Lif.CORTICAL, 0.01));
            // 8 + 8 x 4 = 40 bytes a sample, held as doubles (boxed times and an array per sample took 4-5x the
            // bytes counted): 180 samples fit.
            StateProbe probe = net.probeState(out, LifPopulation.Variable.V, 0, 1, 2, 3);
            net.run(0.18);
            assertEquals(180, probe.times().length);
            IllegalStateException e = assertThrows(IllegalStateException.class, net::step);
            assertTrue(e.getMessage().startsWith("StateProbe[out]: sample 181 of 4 neurons at t = "), e.getMessage());
            assertTrue(e.getMessage().contains("expected at most 180 samples (40 bytes each"), e.getMessage());
            // A run whose samples cannot fit is refused before its first step.
            net.reset();
            PublicApiLimitsTest.refuses(
                    "StateProbe[out]: a run of 200 steps would record 200 samples of 4 neurons, expected at most 180"
                            + " (40 bytes each",
                    () -> net.run(0.2));
            assertEquals(0, net.steps());
        });
    }

    @Test
    @Timeout(60)
    void stateProbesKeepEverySampleAcrossRunsAndSteps() {
        double[][] traces = new double[2][];
        double[][] times = new double[2][];
        for (int k = 0; k < 2; k++) {
            Network net = new Network(1e-3);
            LifPopulation out = net.add(new LifPopulation("out", 3, Lif.CORTICAL, 0.01));
            out.setBias(Nd4j.createFromArray(1.5, 2.0, 3.0));
            StateProbe probe = net.probeState(out, LifPopulation.Variable.V, 2, 0);
            if (k == 0) {
                net.run(0.1);
            } else {
                // Short runs and single steps grow the arrays many times over.
                for (int i = 0; i < 30; i++) {
                    net.run(0.003);
                }
                for (int i = 0; i < 10; i++) {
                    net.step();
                }
            }
            traces[k] = probe.trace(0);
            times[k] = probe.times();
            assertEquals(100, times[k].length);
            assertEquals(out.v().getDouble(2), traces[k][99], 0.0);
            assertTrue(traces[k][0] > 0 && probe.trace(1)[0] > 0 && probe.trace(1)[0] < traces[k][0]);
        }
        assertArrayEquals(traces[0], traces[1], 0.0);
        assertArrayEquals(times[0], times[1], 1e-12);
    }

    @Test
    void spikeProbeTimesOfANeuronGrowPastTwoToTheThirtySpikesWithoutWrapping() {
        // times(neuron) doubles its result through SimulationLimits.doubledCapacity: 2 k in int arithmetic was
        // -2^31 at k = 2^30 (NegativeArraySizeException after ~8 GB of probe, which a test cannot hold), so the
        // growth step is checked at and around the lengths where int arithmetic wraps.
        assertEquals(32, SimulationLimits.doubledCapacity(16));
        assertEquals(1 << 30, SimulationLimits.doubledCapacity(1 << 29));
        assertEquals(Integer.MAX_VALUE - 8, SimulationLimits.doubledCapacity(1 << 30));
        assertEquals(Integer.MAX_VALUE - 8, SimulationLimits.doubledCapacity((1 << 30) + 1));
        assertEquals(Integer.MAX_VALUE - 8, SimulationLimits.doubledCapacity(Integer.MAX_VALUE - 8));
        // And through the probe: one neuron spiking every step grows the result from 16 many times over.
        Network net = new Network(1e-3);
        PoissonPopulation in = net.add(new PoissonPopulation("in", 2, 1000.0, 1));
        SpikeProbe probe = net.probeSpikes(in);
        net.run(0.3);
        double[] t = probe.times(1);
        assertEquals(300, t.length);
        assertEquals(0.001, t[0], 1e-12);
        assertEquals(0.3, t[299], 1e-12);
    }
}
