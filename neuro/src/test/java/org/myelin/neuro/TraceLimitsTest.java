package org.myelin.neuro;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Traces, filters and spike trains of the public API whose arrays would exceed the memory limit (or a Java array)
 * are refused with one line before they are allocated, and ones that would take hours before they start.
 */
class TraceLimitsTest {

    @Test
    @Timeout(20)
    void lifTracesThatWouldTakeHoursOrExceedTheLimitAreRefused() {
        PublicApiLimitsTest.refuses(
                "LifNeuron: duration / dt x 60000 = 6.0e12 units of work",
                () -> LifNeuron.simulate(Lif.CORTICAL, t -> 1.5, 1e4, 1e-4));
        ProbeLimitsTest.withLimit(
                "100000",
                () -> PublicApiLimitsTest.refuses(
                        "LifNeuron: the trace of duration / dt = 10000 steps needs ",
                        () -> LifNeuron.simulate(Lif.CORTICAL, t -> 1.5, 1.0, 1e-4)));
    }

    @Test
    @Timeout(20)
    void hodgkinHuxleyTracesBeyondTheLimitAreRefused() {
        HodgkinHuxley hh = HodgkinHuxley.squidAxon();
        ProbeLimitsTest.withLimit(
                "100000",
                () -> PublicApiLimitsTest.refuses(
                        "HodgkinHuxley: the trace of durationMs / dtMs = 10000 steps needs ",
                        () -> hh.simulate(HodgkinHuxley.State.atRest(-65), t -> 0, 100, 0.01)));
    }

    @Test
    @Timeout(20)
    void filtersAndGridsBeyondAJavaArrayOrTheLimitAreRefused() {
        PublicApiLimitsTest.refuses(
                "PscFilter: exponentialEuler needs finite tau_s > 0, finite dt > 0, steps in [0, 2147483638], was"
                        + " tau_s=0.01,"
                        + " dt=0.001, steps=2147483647",
                () -> PscFilter.exponentialEuler(0.01, new double[0], new double[0], 1e-3, Integer.MAX_VALUE));
        PublicApiLimitsTest.refuses("PscFilter: grid needs finite dt > 0", () -> PscFilter.grid(Double.NaN, 10));
        PublicApiLimitsTest.refuses("PscFilter: grid needs finite dt > 0", () -> PscFilter.grid(1e-3, -1));
        ProbeLimitsTest.withLimit("1m", () -> {
            PublicApiLimitsTest.refuses(
                    "PscFilter: exponentialEuler of 1000000 steps needs ",
                    () -> PscFilter.exponentialEuler(0.01, new double[0], new double[0], 1e-3, 1_000_000));
            PublicApiLimitsTest.refuses(
                    "PscFilter: grid of 1000000 steps needs ", () -> PscFilter.grid(1e-3, 1_000_000));
            double[] spikes = new double[100_000];
            PublicApiLimitsTest.refuses(
                    "PscFilter: the lags of 1000 samples x 100000 spikes needs ",
                    () -> new PscFilter(1, 0.01).filter(spikes, PscFilter.grid(1e-3, 999)));
        });
    }

    @Test
    @Timeout(20)
    void spikeTrainsAndBinsBeyondAJavaArrayOrTheLimitAreRefused() {
        PublicApiLimitsTest.refuses(
                "SpikeTrains: duration / bin = 1.0E15 bins, expected at most",
                () -> SpikeTrains.binCentres(1e-12, 1e3));
        PublicApiLimitsTest.refuses(
                "SpikeTrains: bins need finite bin > 0 s", () -> SpikeTrains.binCentres(Double.NaN, 1));
        PublicApiLimitsTest.refuses("SpikeTrains: bins need finite bin > 0 s", () -> SpikeTrains.binCentres(-0.01, 1));
        ProbeLimitsTest.withLimit("1m", () -> {
            PublicApiLimitsTest.refuses(
                    "SpikeTrains: duration / bin = 10000000 bins needs ",
                    () -> SpikeTrains.binnedRate(new double[] {0.5}, 1e-7, 1, 1));
            PublicApiLimitsTest.refuses(
                    "SpikeTrains: a train of rate x duration = 1000000 expected spikes needs ",
                    () -> SpikeTrains.regular(1e6, 1, 0));
            PublicApiLimitsTest.refuses(
                    "SpikeTrains: a train of rate x duration = 1000000 expected spikes needs ",
                    () -> SpikeTrains.poisson(1e6, 1, 7));
        });
    }
}
