package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PscFilterTest {

    @ParameterizedTest
    @CsvSource({"0, 0.005", "1, 0.005", "2, 0.005", "0, 0.05", "1, 0.05", "2, 0.05"})
    void filterIntegratesToOne(int n, double tauS) {
        PscFilter h = new PscFilter(n, tauS);
        int steps = 200_000;
        double dt = 40 * tauS / steps;
        INDArray y = h.value(PscFilter.grid(dt, steps));
        // Trapezoid rule on [0, 40 tau_s]; the tail beyond is below 1e-12.
        double integral = dt * (y.sumNumber().doubleValue() - 0.5 * (y.getDouble(0) + y.getDouble(steps)));
        assertEquals(1.0, integral, 1e-4);
    }

    @Test
    void normalisationConstantIsOneOverNFactorialTauToTheNPlusOne() {
        assertEquals(1.0 / 0.01, new PscFilter(0, 0.01).k(), 1e-9);
        assertEquals(1.0 / (2 * Math.pow(0.01, 3)), new PscFilter(2, 0.01).k(), 1e-3);
        assertEquals(1.0 / (6 * Math.pow(0.02, 4)), new PscFilter(3, 0.02).k(), 1e-3);
    }

    @Test
    void filterIsCausalAndPeaksAtNTauS() {
        PscFilter h = new PscFilter(2, 0.01);
        assertEquals(0.0, h.value(-1e-6));
        double peak = h.value(0.02);
        assertTrue(peak > h.value(0.019) && peak > h.value(0.021));
        assertEquals(h.value(0.013), h.value(Nd4j.createFromArray(0.013)).getDouble(0), 1e-9);
    }

    @Test
    void filteredTrainIsTheSumOfShiftedFilters() {
        PscFilter h = new PscFilter(1, 0.01);
        double[] spikes = {0.01, 0.025, 0.04};
        INDArray t = Nd4j.createFromArray(0.0, 0.012, 0.03, 0.05);
        INDArray s = h.filter(spikes, t);
        for (int i = 0; i < t.length(); i++) {
            double expected = 0;
            for (double tp : spikes) {
                expected += h.value(t.getDouble(i) - tp);
            }
            assertEquals(expected, s.getDouble(i), 1e-9);
        }
    }

    @Test
    void odeAndConvolutionFormsOfTheExponentialFilterAgree() {
        double dt = 1e-5;
        int steps = 20_000;
        double tauS = 0.01;
        double[] spikes = SpikeTrains.poisson(60.0, steps * dt, 7);
        assertTrue(spikes.length > 5);
        double[] weights = new double[spikes.length];
        for (int p = 0; p < spikes.length; p++) {
            spikes[p] = Math.round(spikes[p] / dt) * dt;
            weights[p] = 1.0 + 0.5 * (p % 3);
        }
        INDArray ode = PscFilter.exponentialEuler(tauS, spikes, weights, dt, steps);
        INDArray conv = new PscFilter(0, tauS).filter(spikes, weights, PscFilter.grid(dt, steps));
        double scale = conv.amaxNumber().doubleValue();
        double worst = ode.sub(conv).amaxNumber().doubleValue();
        assertTrue(worst / scale < 0.01, "ODE and convolution differ by " + worst + " of peak " + scale);
    }

    @Test
    void rejectsNegativeOrder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PscFilter(-1, 0.01));
        assertTrue(e.getMessage().contains("n must"), e.getMessage());
    }
}
