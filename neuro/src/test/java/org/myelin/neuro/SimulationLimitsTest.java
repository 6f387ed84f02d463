package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Settings whose runs would claim gigabytes, wrap a step count or run for hours are refused from the settings alone,
 * before anything is allocated, in one line naming the quantity, its value and the bound.
 */
class SimulationLimitsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource(delimiter = '|', textBlock = """
            hh      | duration | 1e12        | simulate hh: duration / dt = 1.0e14 time steps, expected at most 1.0e8
            hh      | duration | 1e300       | simulate hh: duration / dt = 1.0e302 time steps, expected at most 1.0e8
            hh      | duration | 21474836.47 | simulate hh: duration / dt = 2.1e9 time steps, expected at most 1.0e8
            hh      | duration | 40000       | simulate hh: currents x steps x 10000 = 2.0e11 units of work
            lif     | duration | 1e12        | simulate lif: duration / dt = 1.0e16 time steps, expected at most 1.0e8
            lif     | dt       | 1e-300      | simulate lif: duration / dt = 1.5e299 time steps, expected at most 1.0e8
            synapse | duration | 1e12        | simulate synapse: duration / dt = 1.0e16 time steps, expected at most 1.0e8
            synapse | dt       | 1e-300      | simulate synapse: duration / dt = 5.0e299 time steps, expected at most 1.0e8
            synapse | rate     | 1e12        | simulate synapse: 200 x (orders x (steps + 1) x spikes
            tuning  | points   | 2147483647  | simulate tuning: steps x (2000 + points) + spikes + points x 20000 = 5.5e13 units of work
            tuning  | duration | 1e9         | simulate tuning: duration / dt = 5.0e12 time steps, expected at most 1.0e8
            tuning  | dt       | 1e-300      | simulate tuning: duration / dt = 1.0e300 time steps, expected at most 1.0e8
            network | inputs   | 2000000000  | simulate network: neurons x inputs = 4.0e11 weights, expected at most 1.0e8 (8.0e8 bytes); lower neurons or inputs
            network | neurons  | 2147483647  | simulate network: neurons x inputs = 2.1e12 weights, expected at most 1.0e8
            network | duration | 1e12        | simulate network: duration / dt = 2.0e15 time steps, expected at most 1.0e8
            network | dt       | 1e-300      | simulate network: duration / dt = 1.0e300 time steps, expected at most 1.0e8
            lif     | duration | 1000        | simulate lif: steps x 60000 + spikes x 20000 = 6.0e11 units of work
            network | duration | 40000       | simulate network: steps x (2000 + inputs + neurons)
            """)
    void oversizedRunsAreRefusedBeforeAnythingIsAllocated(String scenario, String key, String value, String message)
            throws Exception {
        Map<String, String> settings = Map.of(key, value);
        IllegalArgumentException checked =
                assertThrows(IllegalArgumentException.class, () -> Simulations.check(scenario, settings));
        assertTrue(checked.getMessage().startsWith(message), checked.getMessage());
        assertFalse(checked.getMessage().contains("\n"), checked.getMessage());
        IllegalArgumentException ran =
                assertThrows(IllegalArgumentException.class, () -> Simulations.run(scenario, dir, settings));
        assertEquals(checked.getMessage(), ran.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count(), "nothing written");
        }
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource(delimiter = '|', textBlock = """
            hh      | dt         | 0.1   | simulate hh: setting 'dt' must be in [0.0, 0.05], was '0.1'
            lif     | tau_ref    | -1    | simulate lif: setting 'tau_ref' must be >= 0, was '-1'
            tuning  | points     | 1     | simulate tuning: setting 'points' must be a whole number in 2..2147483647, was '1'
            tuning  | points     | 2.5   | simulate tuning: setting 'points' must be a whole number in 2..2147483647, was '2.5'
            network | inputs     | 0     | simulate network: setting 'inputs' must be a whole number in 1..2147483647, was '0'
            network | seed       | 0.5   | simulate network: setting 'seed' must be a whole number in -9223372036854775808..9223372036854775807, was '0.5'
            synapse | rate       | -1    | simulate synapse: setting 'rate' must be >= 0, was '-1'
            synapse | tau_s      | 0.01,-1 | simulate synapse: setting 'tau_s' must be > 0, was -1.0
            synapse | orders     | 21    | simulate synapse: setting 'orders' must list whole numbers in 0..20, had 21
            synapse | orders     | -1    | simulate synapse: setting 'orders' must list whole numbers in 0..20, had -1
            synapse | orders     | 1.5   | simulate synapse: setting 'orders' must list whole numbers in 0..20, had 1.5
            synapse | orders     | 1e10  | simulate synapse: setting 'orders' must list whole numbers in 0..20, had 1e+10
            network | input_rate | 0     | simulate network: setting 'input_rate' must be > 0, was '0'
            network | mean_input | 1e308 | simulate network: setting 'mean_input' must be in -1.0E300..1.0E300, was 1.0E308
            hh      | currents   | 1,,2  | simulate hh: setting 'currents' must be a comma-separated list of numbers, item 2 of '1,,2' is empty
            hh      | currents   | 1,2,  | simulate hh: setting 'currents' must be a comma-separated list of numbers, item 3 of '1,2,' is empty
            lif     | dt         | 1     | simulate lif: settings 'duration' = 0.15 s and 'dt' = 1 s, expected a duration longer than dt
            lif     | duration   | 0.0001 | simulate lif: settings 'duration' = 0.0001 s and 'dt' = 0.0001 s, expected a duration
            tuning  | duration   | 0.0002 | simulate tuning: settings 'duration' = 0.0002 s and 'dt' = 0.0002 s, expected a duration
            hh      | currents   | 5,5   | simulate hh: setting 'currents' lists 5 twice (items 1 and 2), expected values that differ
            hh      | currents   | 5.00001,5.00002 | simulate hh: setting 'currents' lists 5 twice (items 1 and 2)
            synapse | orders     | 0,1,0 | simulate synapse: setting 'orders' lists 0 twice (items 1 and 3)
            synapse | tau_s      | 0.00005 | simulate synapse: setting 'dt' = 1.0E-4 s, expected at most the first tau_s = 5.0E-5 s
            synapse | tau_s      | 1e308 | simulate synapse: setting 'tau_s' must list values in 1.0E-6..1000.0 s, had 1.0E308
            synapse | tau_s      | 4.9e-324 | simulate synapse: setting 'tau_s' must list values in 1.0E-6..1000.0 s, had 4.9E-324
            synapse | tau_s      | 0.01,1e-300 | simulate synapse: setting 'tau_s' must list values in 1.0E-6..1000.0 s, had 1.0E-300
            network | input_rate | 4.9e-324 | simulate network: setting 'input_rate' = 4.9E-324 Hz is too small for mean_input = 2.0
            """)
    void outOfRangeSettingsAreRefusedWithTheirKey(String scenario, String key, String value, String message) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Simulations.check(scenario, Map.of(key, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void runsBeyondTheMemoryLimitAreRefused() {
        String key = org.myelin.Settings.MAX_PARAMETER_BYTES;
        String before = System.getProperty(key);
        System.setProperty(key, "100000");
        try {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Simulations.check("hh", Map.of()));
            assertEquals(
                    "simulate hh: the traces (8 bytes x (steps + 1) x (6 + 2 x currents)) need about 1.3e6 bytes,"
                            + " expected at most the memory limit of 1.0e5 bytes (-Dmyelin.maxParameterBytes); lower"
                            + " duration or the number of currents, or raise dt, or raise the limit with"
                            + " -Dmyelin.maxParameterBytes=SIZE (for scripts/myelin in MYELIN_JAVA_OPTS) on a machine"
                            + " with the memory for it",
                    e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }

    @Test
    void moreCurrentsOrFilterShapesThanAPlotShowsAreRefused() {
        // A 109 KB command line of 20,000 currents drew 20,000 series for minutes and 6 GB after its check passed.
        String currents = java.util.stream.IntStream.rangeClosed(0, 100)
                .mapToObj(String::valueOf)
                .collect(java.util.stream.Collectors.joining(","));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Simulations.check("hh", Map.of("currents", currents)));
        assertEquals(
                "simulate hh: setting 'currents' lists 101 currents, expected at most 100 (one plotted series and CSV"
                        + " column each)",
                e.getMessage());
        String taus = java.util.stream.IntStream.rangeClosed(1, 40)
                .mapToObj(i -> String.valueOf(i * 0.001))
                .collect(java.util.stream.Collectors.joining(","));
        IllegalArgumentException shapes = assertThrows(
                IllegalArgumentException.class,
                () -> Simulations.check("synapse", Map.of("orders", "0,1,2", "tau_s", taus)));
        assertTrue(
                shapes.getMessage()
                        .startsWith("simulate synapse: settings 'orders' x 'tau_s' make 3 x 40 filter"
                                + " shapes, expected at most 100"),
                shapes.getMessage());
    }

    @Test
    void anOutputThatIsASymbolicLinkIsRefusedBeforeTheSimulationRuns() throws Exception {
        Path elsewhere = Files.createTempFile("elsewhere", ".csv");
        Path link = Files.createSymbolicLink(dir.resolve("lif_voltage.csv"), elsewhere);
        java.io.IOException e =
                assertThrows(java.io.IOException.class, () -> Simulations.run("lif", dir, Map.of("duration", "10")));
        assertTrue(e.getMessage().startsWith(link + " is a symbolic link"), e.getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the link");
        }
        assertEquals(0, Files.size(elsewhere));
        Files.delete(elsewhere);
    }

    @Test
    void theDefaultsOfEveryScenarioPass() {
        for (String name : Simulations.NAMES) {
            Simulations.check(name, Map.of());
        }
    }

    @Test
    void stepCountsThatWouldWrapAreRefusedByTheModelsThemselves() {
        HodgkinHuxley hh = HodgkinHuxley.squidAxon();
        HodgkinHuxley.State rest = HodgkinHuxley.State.atRest(-65);
        for (double duration : new double[] {1e300, 21474836.47, Double.POSITIVE_INFINITY}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> hh.simulate(rest, t -> 0, duration, 0.01));
            assertTrue(
                    e.getMessage().startsWith("HodgkinHuxley: durationMs / dtMs = ")
                            && e.getMessage().contains("steps, expected at most 2147483638"),
                    e.getMessage());
        }
        for (double[] times : new double[][] {{214748.3647, 0.0001}, {0.15, 1e-300}}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> LifNeuron.simulate(Lif.CORTICAL, t -> 1.5, times[0], times[1]));
            assertTrue(
                    e.getMessage().startsWith("LifNeuron: duration / dt = ")
                            && e.getMessage().contains("steps, expected at most 2147483638"),
                    e.getMessage());
        }
        IllegalArgumentException poisson =
                assertThrows(IllegalArgumentException.class, () -> SpikeTrains.poisson(1e12, 0.5, 1));
        assertEquals(
                "SpikeTrains: rate x duration = 5.0E11 expected spikes, expected at most 1073741823;"
                        + " lower rateHz or duration",
                poisson.getMessage());
    }

    @Test
    void longTracesAreDrawnAsTheirEnvelope() {
        int n = 100_001;
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.01;
            y[i] = i == 54_321 ? 40 : Math.sin(i * 1e-3);
        }
        double[][] shown = Simulations.decimated(x, y);
        assertEquals(Simulations.PLOT_POINTS, shown[0].length);
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < shown[0].length; i++) {
            max = Math.max(max, shown[1][i]);
            assertTrue(i == 0 || shown[0][i] > shown[0][i - 1], "x ascending at " + i);
        }
        assertEquals(40, max, "the spike's peak is kept");
        double[] small = {1, 2, 3};
        assertTrue(Simulations.decimated(small, small)[0] == small, "short series are drawn as they are");
    }
}
