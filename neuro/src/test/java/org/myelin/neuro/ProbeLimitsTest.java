package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
        withLimit("8000", () -> {
            Network net = new Network(1e-3);
            // r dt = 1: every source spikes every step, 100 spikes a step; 1,000 fit.
            PoissonPopulation in = net.add(new PoissonPopulation("in", 100, 1000.0, 1));
            SpikeProbe probe = net.probeSpikes(in);
            net.run(0.01);
            assertEquals(1000, probe.count());
            IllegalStateException e = assertThrows(IllegalStateException.class, net::step);
            assertTrue(
                    e.getMessage()
                            .startsWith("SpikeProbe[in]: 1100 spikes at t = 0.011 s, expected at most 1000 (8"
                                    + " bytes each within the memory limit of 8000 bytes"),
                    e.getMessage());
            assertEquals(1000, probe.count());
        });
    }

    @Test
    @Timeout(60)
    void stateProbesStopAtTheMemoryLimitInsteadOfGrowingWithoutBound() {
        withLimit("7200", () -> {
            Network net = new Network(1e-3);
            LifPopulation out = net.add(new LifPopulation("out", 4, Lif.CORTICAL, 0.01));
            // 56 + 16 x 4 = 120 bytes a sample: 60 samples fit.
            StateProbe probe = net.probeState(out, LifPopulation.Variable.V, 0, 1, 2, 3);
            net.run(0.06);
            assertEquals(60, probe.times().length);
            IllegalStateException e = assertThrows(IllegalStateException.class, net::step);
            assertTrue(e.getMessage().startsWith("StateProbe[out]: sample 61 of 4 neurons at t = "), e.getMessage());
            assertTrue(e.getMessage().contains("expected at most 60 samples (120 bytes each"), e.getMessage());
        });
    }
}
