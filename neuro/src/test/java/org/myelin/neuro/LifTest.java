package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class LifTest {
    private static final Lif CORTICAL = new Lif(0.020, 0.002);

    @Test
    void tuningCurveMatchesTheFormulaAtAWorkedPoint() {
        // G(2) = 1 / (0.002 - 0.02 ln(1/2)) = 1 / 0.0158629 = 63.04 Hz.
        assertEquals(1.0 / (0.002 + 0.02 * Math.log(2)), CORTICAL.rate(2.0), 1e-9);
        assertEquals(63.04, CORTICAL.rate(2.0), 0.01);
        assertEquals(0.0, CORTICAL.rate(1.0));
        assertEquals(0.0, CORTICAL.rate(-3.0));
    }

    @Test
    void vectorisedTuningCurveEqualsTheScalarOne() {
        double[] v = {-1, 0, 0.5, 1.0, 1.0000001, 1.1, 2, 5, 10, 100};
        INDArray g = CORTICAL.rate(Nd4j.createFromArray(v));
        for (int i = 0; i < v.length; i++) {
            assertEquals(CORTICAL.rate(v[i]), g.getDouble(i), 1e-9 * (1 + CORTICAL.rate(v[i])), "v_in=" + v[i]);
        }
    }

    @Test
    void analyticVoltageMatchesTheEulerIntegrator() {
        double dt = 1e-4;
        // Euler's global error for this linear ODE peaks at v_in (dt / tau_m) / (2e) + O(dt^2) near t = tau_m.
        double a = dt / CORTICAL.tauM();
        LifNeuron.Trace sub = LifNeuron.simulate(CORTICAL, t -> 0.8, 0.1, dt);
        for (int i = 0; i < sub.t().length; i++) {
            assertEquals(CORTICAL.voltage(sub.t()[i], 0.8), sub.v()[i], 0.25 * a * 0.8, "t=" + sub.t()[i]);
        }
        assertEquals(0, sub.spikeTimes().length);
        // Above threshold the same holds until the first spike.
        LifNeuron.Trace supra = LifNeuron.simulate(CORTICAL, t -> 1.5, 0.05, dt);
        double first = supra.spikeTimes()[0];
        for (int i = 0; supra.t()[i] < first - dt; i++) {
            assertEquals(CORTICAL.voltage(supra.t()[i], 1.5), supra.v()[i], 0.25 * a * 1.5);
        }
    }

    @Test
    void firstSpikeComesAtTheTimeToThreshold() {
        double dt = 1e-4;
        LifNeuron.Trace trace = LifNeuron.simulate(CORTICAL, t -> 2.0, 0.05, dt);
        assertEquals(CORTICAL.timeToThreshold(2.0), trace.spikeTimes()[0], 1.5 * dt);
        // Reset to 0 after the spike.
        int at = (int) Math.round(trace.spikeTimes()[0] / dt);
        assertEquals(0.0, trace.v()[at], 1e-12);
    }

    @Test
    void simulatedRatesMatchTheTuningCurveWithin2PercentFrom1Point1To10() {
        INDArray vIn = Nd4j.linspace(1.1, 10.0, 25, DataType.DOUBLE);
        INDArray simulated = LifNeuron.simulatedRates(CORTICAL, vIn, 0.6, 2e-4);
        for (int i = 0; i < vIn.length(); i++) {
            double g = CORTICAL.rate(vIn.getDouble(i));
            double rel = Math.abs(simulated.getDouble(i) - g) / g;
            assertTrue(
                    rel < 0.02,
                    "v_in=" + vIn.getDouble(i) + ": simulated " + simulated.getDouble(i) + " Hz vs G " + g + " Hz");
        }
    }

    @Test
    void noSpikesAtOrBelowThreshold() {
        INDArray vIn = Nd4j.createFromArray(-1.0, 0.0, 0.5, 0.99, 1.0);
        INDArray simulated = LifNeuron.simulatedRates(CORTICAL, vIn, 0.2, 2e-4);
        for (int i = 0; i < vIn.length(); i++) {
            assertEquals(0.0, simulated.getDouble(i), "v_in=" + vIn.getDouble(i));
            assertEquals(0.0, CORTICAL.rate(vIn.getDouble(i)));
        }
    }

    @Test
    void refractoryPeriodCapsTheRate() {
        // As v_in grows, t* -> 0 and the rate approaches 1 / tau_ref.
        assertTrue(CORTICAL.rate(1e6) < 500.0);
        assertEquals(500.0, CORTICAL.rate(1e6), 1.0);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.01, Double.NaN})
    void rejectsANonPositiveMembraneTimeConstant(double tauM) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Lif(tauM, 0.002));
        assertTrue(e.getMessage().contains("tau_m"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.001, -1e-300, Double.NaN, Double.POSITIVE_INFINITY})
    void theVoltageTraceRefusesATimeBeforeItsStartOrNoTime(double t) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CORTICAL.voltage(t, 2.0));
        assertEquals("Lif: t must be finite and >= 0 s, was " + t + " s", e.getMessage());
        assertEquals(0.0, CORTICAL.voltage(0.0, 2.0));
    }

    @Test
    void tuningCurveAndTimeToThresholdMatchTheNotesNumbers() {
        // CS 489 §2.1 / CS 479 §1.4 with the cortical tau_ref = 2 ms, tau_m = 20 ms: t* = -tau_m ln(1 - 1/v_in),
        // G = 1 / (tau_ref + t*). Numbers worked by hand: t*(2) = 20 ms ln 2, t*(1.5) = 20 ms ln 3,
        // t*(5) = 20 ms ln 1.25, t*(10) = 20 ms ln(10/9).
        assertEquals(0.013862944, CORTICAL.timeToThreshold(2.0), 1e-9);
        assertEquals(0.021972246, CORTICAL.timeToThreshold(1.5), 1e-9);
        assertEquals(0.004462871, CORTICAL.timeToThreshold(5.0), 1e-9);
        assertEquals(0.002107210, CORTICAL.timeToThreshold(10.0), 1e-9);
        assertEquals(Double.POSITIVE_INFINITY, CORTICAL.timeToThreshold(1.0));
        assertEquals(63.0400, CORTICAL.rate(2.0), 1e-4);
        assertEquals(41.7149, CORTICAL.rate(1.5), 1e-4);
        assertEquals(154.7300, CORTICAL.rate(5.0), 1e-4);
        assertEquals(243.4743, CORTICAL.rate(10.0), 1e-4);
        // Without a refractory period G = 1 / t*: 1 / (20 ms ln 2) = 72.13 Hz.
        assertEquals(72.1348, new Lif(0.020, 0).rate(2.0), 1e-4);
    }

    @Test
    void vectorisedTuningCurveEqualsTheScalarOneJustAboveThreshold() {
        // The array form clamped every input to at least 1 + 1e-7 (to keep ln finite where the mask zeroes it), so
        // inputs in (1, 1 + 1e-7) got G(1 + 1e-7): 3.08 Hz at v_in = 1 + 1e-12, where G is 1.80 Hz.
        double[] v = {1 + 1e-12, 1 + 1e-9, 1 + 5e-8, 1 + 1e-7, 1 + 1e-6, 1.0, 0.5};
        INDArray g = CORTICAL.rate(Nd4j.createFromArray(v));
        for (int i = 0; i < v.length; i++) {
            assertEquals(CORTICAL.rate(v[i]), g.getDouble(i), 1e-9 * (1 + CORTICAL.rate(v[i])), "v_in=" + v[i]);
        }
        assertEquals(1.8030, g.getDouble(0), 1e-4);
    }

    @Test
    void firstSpikeAndInterspikeIntervalsFollowTheNotesFormulas() {
        // The Euler trace's first spike comes at t* and the later ones every tau_ref + t* (to within a step or two).
        double dt = 1e-5;
        for (double vIn : new double[] {1.5, 2.0, 5.0, 10.0}) {
            LifNeuron.Trace trace = LifNeuron.simulate(CORTICAL, t -> vIn, 0.1, dt);
            double[] s = trace.spikeTimes();
            assertTrue(s.length >= 3, "v_in=" + vIn + ": " + s.length + " spikes");
            assertEquals(CORTICAL.timeToThreshold(vIn), s[0], 2 * dt, "first spike, v_in=" + vIn);
            for (int k = 1; k < s.length; k++) {
                assertEquals(1 / CORTICAL.rate(vIn), s[k] - s[k - 1], 2 * dt, "interval " + k + ", v_in=" + vIn);
            }
        }
    }
}
