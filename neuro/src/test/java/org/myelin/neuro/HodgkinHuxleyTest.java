package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HodgkinHuxleyTest {
    private final HodgkinHuxley hh = HodgkinHuxley.squidAxon();

    @Test
    void gateSteadyStatesAtRestMatchTheClassicValues() {
        // Standard initial conditions of the squid-axon model at -65 mV.
        assertEquals(0.3177, HodgkinHuxley.nInf(-65), 5e-4);
        assertEquals(0.0529, HodgkinHuxley.mInf(-65), 5e-4);
        assertEquals(0.5961, HodgkinHuxley.hInf(-65), 5e-4);
        assertEquals(5.46, HodgkinHuxley.tauN(-65), 0.01);
        // tau_m(-65) = 1 / (2.5 / (e^2.5 - 1) + 4) = 0.23677 ms.
        assertEquals(0.23677, HodgkinHuxley.tauM(-65), 5e-5);
        // tau_h(-65) = 1 / (0.07 + 1 / (1 + e^3)) = 8.516 ms.
        assertEquals(8.516, HodgkinHuxley.tauH(-65), 1e-3);
    }

    @Test
    void rateFunctionsAreContinuousAtTheirRemovableSingularities() {
        assertEquals(0.1, HodgkinHuxley.alphaN(-55), 1e-12);
        assertEquals(1.0, HodgkinHuxley.alphaM(-40), 1e-12);
        assertEquals(HodgkinHuxley.alphaN(-55 + 1e-4), HodgkinHuxley.alphaN(-55), 1e-6);
        assertEquals(HodgkinHuxley.alphaM(-40 - 1e-4), HodgkinHuxley.alphaM(-40), 1e-5);
    }

    @Test
    void gateCurvesAreSigmoidsInTheRightDirection() {
        // Activation gates open with depolarisation, inactivation closes.
        assertTrue(HodgkinHuxley.nInf(-90) < 0.1 && HodgkinHuxley.nInf(20) > 0.9);
        assertTrue(HodgkinHuxley.mInf(-90) < 0.01 && HodgkinHuxley.mInf(20) > 0.95);
        assertTrue(HodgkinHuxley.hInf(-90) > 0.9 && HodgkinHuxley.hInf(20) < 0.01);
    }

    @Test
    void restsNearItsRestingPotentialWithoutInput() {
        HodgkinHuxley.Trace trace = hh.simulate(HodgkinHuxley.State.atRest(-62.0), t -> 0.0, 100.0, 0.01);
        assertEquals(0, trace.spikeTimes().length);
        double last = trace.v()[trace.v().length - 1];
        assertEquals(-65.0, last, 0.1);
        for (double v : trace.v()) {
            assertTrue(v > -70 && v < -55, "voltage left the resting range: " + v);
        }
    }

    @Test
    void firesRepetitivelyForASustainedSuprathresholdCurrent() {
        HodgkinHuxley.Trace trace = hh.simulate(t -> 10.0, 200.0);
        double[] spikes = trace.spikeTimes();
        assertTrue(spikes.length >= 10, "expected repetitive firing, got " + spikes.length + " spikes");
        double[] peaks = trace.spikePeaks();
        assertEquals(spikes.length, peaks.length);
        for (double p : peaks) {
            assertTrue(p > 20.0, "spike peak should overshoot 0 mV well, was " + p);
        }
        // The spike train is periodic after the first spike.
        double isiEarly = spikes[2] - spikes[1];
        double isiLate = spikes[spikes.length - 1] - spikes[spikes.length - 2];
        assertEquals(isiEarly, isiLate, 0.05);
    }

    @Test
    void firingRateGrowsWithCurrentFrom7To60MicroampsPerCm2() {
        // The range of repetitive firing with overshooting (> 0 mV) spikes: about 55 Hz at 7, 124 Hz at 60.
        double[] currents = {7, 10, 20, 40, 60};
        double previous = 0;
        for (double j : currents) {
            double rate = HodgkinHuxley.firingRateHz(hh.simulate(t -> j, 150.0), 30.0);
            assertTrue(rate > previous, "rate at " + j + " uA/cm^2 was " + rate + " Hz, not above " + previous);
            previous = rate;
        }
    }

    @Test
    void singlePulseBelowThresholdDoesNotSpikeButAboveDoes() {
        assertEquals(0, hh.simulate(t -> t >= 5 && t < 6 ? 2.0 : 0.0, 30.0).spikeTimes().length);
        assertEquals(1, hh.simulate(t -> t >= 5 && t < 6 ? 20.0 : 0.0, 30.0).spikeTimes().length);
    }

    @Test
    void rk4SpikeTimesConvergeWhenTheStepIsHalved() {
        HodgkinHuxley.State rest = HodgkinHuxley.State.atRest(-65);
        double[] coarse = hh.simulate(rest, t -> 15.0, 60.0, 0.02).spikeTimes();
        double[] fine = hh.simulate(rest, t -> 15.0, 60.0, 0.01).spikeTimes();
        assertArrayEquals(fine, coarse, 0.01);
    }

    @Test
    void rejectsAStepTooLargeForTheSpike() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> hh.simulate(HodgkinHuxley.State.atRest(-65), t -> 0, 10, 0.1));
        assertTrue(e.getMessage().contains("dt"), e.getMessage());
    }
}
