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

    @Test
    void rateFunctionsTakeTheirLimitAtTheRemovableSingularitiesFromBothSides() {
        // alpha_n = 0.01 x / (1 - e^(-x/10)), x = V + 55: 0/0 at -55 mV, limit 0.1, slope 0.005 /ms/mV there
        // (alpha_m the same with 0.1 and x = V + 40: limit 1, slope 0.05). Either side of the series' switch at
        // |x/10| = 1e-6 and exactly on the singularity the values follow 0.1 + 0.005 x to within 1e-12.
        for (double dx : new double[] {0, 1e-15, -1e-15, 1e-9, -1e-9, 9.99e-6, -9.99e-6, 1.001e-5, -1.001e-5, 1e-4}) {
            assertEquals(0.1 + 0.005 * dx, HodgkinHuxley.alphaN(-55 + dx), 1e-12, "alpha_n at -55 + " + dx);
            assertEquals(1.0 + 0.05 * dx, HodgkinHuxley.alphaM(-40 + dx), 1e-11, "alpha_m at -40 + " + dx);
        }
        // Away from it, the closed form: alpha_n(-45) = 0.1 / (1 - 1/e), alpha_m(-30) = 1 / (1 - 1/e).
        assertEquals(0.1 / (1 - Math.exp(-1)), HodgkinHuxley.alphaN(-45), 1e-15);
        assertEquals(1 / (1 - Math.exp(-1)), HodgkinHuxley.alphaM(-30), 1e-14);
        // The steady states and time constants through the singularities are finite and in range.
        for (double v : new double[] {-55, -40}) {
            for (double x : new double[] {HodgkinHuxley.nInf(v), HodgkinHuxley.mInf(v), HodgkinHuxley.hInf(v)}) {
                assertTrue(x > 0 && x < 1, "steady state " + x + " at " + v + " mV");
            }
            assertTrue(
                    HodgkinHuxley.tauN(v) > 0 && HodgkinHuxley.tauM(v) > 0 && Double.isFinite(HodgkinHuxley.tauH(v)));
        }
    }

    @Test
    void rateFunctionsRefuseANonFiniteMembranePotentialByName() {
        // They returned NaN (and State.atRest(NaN) was refused as a gate "NaN outside [0, 1]").
        java.util.Map<String, java.util.function.DoubleUnaryOperator> functions = new java.util.LinkedHashMap<>();
        functions.put("alphaN", HodgkinHuxley::alphaN);
        functions.put("betaN", HodgkinHuxley::betaN);
        functions.put("alphaM", HodgkinHuxley::alphaM);
        functions.put("betaM", HodgkinHuxley::betaM);
        functions.put("alphaH", HodgkinHuxley::alphaH);
        functions.put("betaH", HodgkinHuxley::betaH);
        functions.put("nInf", HodgkinHuxley::nInf);
        functions.put("mInf", HodgkinHuxley::mInf);
        functions.put("hInf", HodgkinHuxley::hInf);
        functions.put("tauN", HodgkinHuxley::tauN);
        functions.put("tauM", HodgkinHuxley::tauM);
        functions.put("tauH", HodgkinHuxley::tauH);
        for (var f : functions.entrySet()) {
            for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                PublicApiLimitsTest.refuses(
                        "HodgkinHuxley." + f.getKey() + ": membrane potential V must be a finite number of mV, was "
                                + v,
                        () -> f.getValue().applyAsDouble(v));
            }
        }
        PublicApiLimitsTest.refuses(
                "HodgkinHuxley.State.atRest: v must be a finite number of mV, was NaN",
                () -> HodgkinHuxley.State.atRest(Double.NaN));
    }

    @Test
    void steadyStatesStayInRangeAtExtremeFiniteVoltages() {
        // alpha_h = 0.07 e^(-(V + 65)/20) overflows below about -14,000 mV: h_inf was infinity / infinity = NaN
        // there (and State.atRest refused its own gate); its limit is 1.
        assertEquals(1.0, HodgkinHuxley.hInf(-20_000), 0.0);
        for (double v : new double[] {-1e300, -20_000, -1000, 1000, 20_000, 1e300}) {
            HodgkinHuxley.State s = HodgkinHuxley.State.atRest(v);
            assertTrue(s.n() >= 0 && s.n() <= 1 && s.m() >= 0 && s.m() <= 1 && s.h() >= 0 && s.h() <= 1, "" + s);
            assertTrue(HodgkinHuxley.tauN(v) >= 0 && HodgkinHuxley.tauM(v) >= 0 && HodgkinHuxley.tauH(v) >= 0);
        }
    }
}
