package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpikeTrainsTest {

    @Test
    void regularTrainHasTheRequestedSpacing() {
        double[] t = SpikeTrains.regular(50.0, 0.1, 0.005);
        assertArrayEquals(new double[] {0.005, 0.025, 0.045, 0.065, 0.085}, t, 1e-12);
        assertEquals(50.0, SpikeTrains.rateFromIsi(t), 1e-9);
    }

    @Test
    void poissonTrainIsSeededAndHasTheRequestedRate() {
        double[] a = SpikeTrains.poisson(40.0, 50.0, 3);
        assertArrayEquals(a, SpikeTrains.poisson(40.0, 50.0, 3));
        // 2000 expected spikes: the count's standard deviation is about 45, so 4 sigma is 180.
        assertEquals(2000, a.length, 180);
        assertEquals(40.0, SpikeTrains.rateFromCount(a, 0, 50.0), 3.6);
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i] > a[i - 1]);
        }
        // Exponential intervals: the coefficient of variation is close to 1.
        double mean = 0;
        double sq = 0;
        for (int i = 1; i < a.length; i++) {
            double isi = a[i] - a[i - 1];
            mean += isi;
            sq += isi * isi;
        }
        mean /= a.length - 1;
        double cv = Math.sqrt(sq / (a.length - 1) - mean * mean) / mean;
        assertEquals(1.0, cv, 0.1);
    }

    @Test
    void binnedRateCountsSpikesPerBinPerSource() {
        double[] times = {0.001, 0.002, 0.011, 0.025, 0.029};
        double[] rate = SpikeTrains.binnedRate(times, 0.01, 0.03, 2);
        assertArrayEquals(new double[] {100.0, 50.0, 100.0}, rate, 1e-9);
        assertArrayEquals(new double[] {0.005, 0.015, 0.025}, SpikeTrains.binCentres(0.01, 0.03), 1e-12);
    }
}
