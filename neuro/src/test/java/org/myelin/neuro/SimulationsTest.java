package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SimulationsTest {
    @TempDir
    Path dir;

    private static void assertPng(Path png) throws IOException {
        assertTrue(Files.exists(png), png + " missing");
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 5_000, png + " is only " + bytes.length + " bytes");
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals("PNG", new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
        assertTrue(javax.imageio.ImageIO.read(png.toFile()).getWidth() >= 400, png + " does not decode");
    }

    private static List<String> csv(Path file) throws IOException {
        assertTrue(Files.exists(file), file + " missing");
        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.size() > 2, file + " has " + lines.size() + " lines");
        return lines;
    }

    @Test
    void hodgkinHuxleyScenarioWritesTracesAndGateCurves() throws IOException {
        String summary = Simulations.run("hh", dir, Map.of("currents", "0,10", "duration", "30"));
        for (String f : List.of("hh_voltage.png", "hh_gates.png", "hh_tau.png")) {
            assertPng(dir.resolve(f));
        }
        List<String> lines = csv(dir.resolve("hh_voltage.csv"));
        assertEquals("t_ms,V_mV_at_0,V_mV_at_10", lines.get(0));
        assertEquals(3002, lines.size());
        assertEquals(
                "V_mV,n_inf,m_inf,h_inf,tau_n_ms,tau_m_ms,tau_h_ms",
                csv(dir.resolve("hh_gates.csv")).get(0));
        assertTrue(summary.contains("J = 0 uA/cm^2: 0 spikes"), summary);
        assertTrue(summary.contains("J = 10 uA/cm^2"), summary);
    }

    @Test
    void lifScenarioWritesTheVoltageTrace() throws IOException {
        String summary = Simulations.run("lif", dir, Map.of("duration", "0.05", "v_in", "2"));
        assertPng(dir.resolve("lif_voltage.png"));
        assertEquals("t_s,v,v_in", csv(dir.resolve("lif_voltage.csv")).get(0));
        assertTrue(summary.contains("G(v_in) = 63.04 Hz"), summary);
    }

    @Test
    void tuningScenarioWritesSimulatedPointsOverTheAnalyticCurve() throws IOException {
        String summary = Simulations.run("tuning", dir, Map.of("points", "8", "duration", "0.2"));
        assertPng(dir.resolve("lif_tuning.png"));
        List<String> lines = csv(dir.resolve("lif_tuning.csv"));
        assertEquals(9, lines.size());
        assertEquals("v_in,G_analytic_hz,simulated_hz", lines.get(0));
        assertTrue(summary.contains("G(10) = 243.5 Hz"), summary);
    }

    @Test
    void synapseScenarioWritesFilterShapesAndAFilteredTrain() throws IOException {
        String summary = Simulations.run("synapse", dir, Map.of("duration", "0.2", "rate", "40"));
        assertPng(dir.resolve("psc_filters.png"));
        assertPng(dir.resolve("filtered_spike_train.png"));
        assertEquals(
                "t_s,h_n0_tau0.01,h_n0_tau0.05,h_n1_tau0.01,h_n1_tau0.05,h_n2_tau0.01,h_n2_tau0.05",
                csv(dir.resolve("psc_filters.csv")).get(0));
        assertEquals(
                "t_s,conv_n0,conv_n1,conv_n2,euler_ode_n0",
                csv(dir.resolve("filtered_spike_train.csv")).get(0));
        assertTrue(summary.startsWith("PSC filters"), summary);
    }

    @Test
    void networkScenarioWritesRasterAndPopulationRate() throws IOException {
        String summary = Simulations.run(
                "network",
                dir,
                Map.of("inputs", "100", "input_rate", "100", "neurons", "20", "duration", "0.2", "dt", "0.001"));
        assertPng(dir.resolve("network_raster.png"));
        assertPng(dir.resolve("network_rate.png"));
        assertEquals(
                "population,neuron,t_s", csv(dir.resolve("network_spikes.csv")).get(0));
        assertEquals(21, csv(dir.resolve("network_rate.csv")).size());
        assertTrue(summary.contains("100 Poisson inputs at 100 Hz -> 20 LIF neurons"), summary);
    }

    @Test
    void unknownScenarioIsRejectedWithTheChoices() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Simulations.run("izhikevich", dir, Map.of()));
        assertEquals(
                "simulate: unknown scenario 'izhikevich', expected one of [hh, lif, tuning, synapse, network]",
                e.getMessage());
    }

    @Test
    void unknownOptionIsRejectedWithTheAcceptedOnes() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Simulations.run("lif", dir, Map.of("vin", "2")));
        assertEquals("simulate lif: unknown setting 'vin'; did you mean v_in?", e.getMessage());
        IllegalArgumentException far =
                assertThrows(IllegalArgumentException.class, () -> Simulations.run("lif", dir, Map.of("voltage", "2")));
        assertEquals(
                "simulate lif: unknown setting 'voltage'; expected one of [v_in, duration, dt, tau_m, tau_ref]",
                far.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            hh      | curents    | currents
            lif     | tau_mm     | tau_m
            tuning  | point      | points
            synapse | tau_z      | tau_s
            network | input_rat  | input_rate
            """)
    void aMisspeltOptionOfEveryScenarioSuggestsTheClosest(String scenario, String typo, String meant) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Simulations.run(scenario, dir, Map.of(typo, "1")));
        assertEquals(
                "simulate " + scenario + ": unknown setting '" + typo + "'; did you mean " + meant + "?",
                e.getMessage());
    }

    @Test
    void defaultsAreWrittenAsTheCommandLineTakesThem() {
        assertEquals(
                Map.of("v_in", "1.5", "duration", "0.15", "dt", "0.0001", "tau_m", "0.02", "tau_ref", "0.002"),
                Simulations.defaults("lif"));
        assertEquals("0,5,10,20,40", Simulations.defaults("hh").get("currents"));
        assertEquals("42", Simulations.defaults("network").get("seed"));
        assertEquals(
                "simulate network: setting 'neurons' must be a whole number in 1..2147483647, was '0'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Simulations.run("network", dir, Map.of("neurons", "0")))
                        .getMessage());
    }

    @Test
    void summariesCountInTheSingularForOne() throws Exception {
        // "1 spikes" before: a 5 ms run at 5 uA/cm^2 fires once.
        String hh = Simulations.run("hh", dir, Map.of("currents", "5", "duration", "5"));
        assertTrue(hh.contains("J = 5 uA/cm^2: 1 spike, "), hh);
        String network = Simulations.run(
                "network", dir, Map.of("inputs", "1", "neurons", "1", "duration", "0.05", "input_rate", "1"));
        assertTrue(network.contains("Network: 1 Poisson input at 1 Hz -> 1 LIF neuron (tau_s"), network);
        assertEquals("0 spikes", Simulations.count(0, "spike"));
        assertEquals("1 spike", Simulations.count(1, "spike"));
        assertEquals("2 spikes", Simulations.count(2, "spike"));
    }

    @Test
    void malformedOptionValueIsRejectedWithTheKey() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Simulations.run("hh", dir, Map.of("currents", "5,ten")));
        assertEquals(
                "simulate hh: setting 'currents' must be a comma-separated list of numbers, was '5,ten'",
                e.getMessage());
        IllegalArgumentException d = assertThrows(
                IllegalArgumentException.class, () -> Simulations.run("tuning", dir, Map.of("duration", "-1")));
        assertEquals("simulate tuning: setting 'duration' must be > 0, was '-1'", d.getMessage());
    }

    @Test
    void defaultsListEveryScenarioOption() {
        for (String name : Simulations.NAMES) {
            assertTrue(!Simulations.defaults(name).isEmpty(), name);
        }
        assertEquals(
                List.of("currents", "duration", "dt"),
                List.copyOf(Simulations.defaults("hh").keySet()));
    }
}
