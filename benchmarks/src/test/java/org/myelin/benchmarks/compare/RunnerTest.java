package org.myelin.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.benchmarks.harness.Workload;

/** Each worker's environment: its engine's own OpenMP wait policy. */
class RunnerTest {

    /** What scripts/native-env exports into the runner's environment. */
    private static Map<String, String> launcherEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("OMP_WAIT_POLICY", "PASSIVE");
        env.put("KMP_BLOCKTIME", "200");
        return env;
    }

    @Test
    void pytorchRunsWithLibtorchsDefaultAndTheNd4jWorkersPassive() {
        Map<String, String> torch = launcherEnvironment();
        Runner.applyEnvironment(torch, "pytorch", "2", Runner.defaultWaitPolicy("pytorch"));
        assertFalse(torch.containsKey("OMP_WAIT_POLICY"), torch.toString());
        assertFalse(torch.containsKey("KMP_BLOCKTIME"), torch.toString());
        assertEquals("2", torch.get("OMP_NUM_THREADS"));
        for (String engine : new String[] {"myelin-native", "myelin-nd4j", "dl4j", "gemm"}) {
            Map<String, String> env = new HashMap<>();
            Runner.applyEnvironment(env, engine, "2", Runner.defaultWaitPolicy(engine));
            assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"), engine);
            assertEquals("200", env.get("KMP_BLOCKTIME"), engine);
            assertEquals("2", env.get("MKL_NUM_THREADS"), engine);
        }
    }

    @Test
    void breakdownPhaseRunsTakeMyelinsWaitPolicy() {
        // The phase engines are not in ENGINES; the breakdown of a missed target used to fail on their null policy.
        Runner.Options o = Runner.Options.parse(new String[] {"--tiny", "--wait-policy", "myelin-native=active"});
        for (String phase : Breakdown.PHASES) {
            assertEquals("active", o.waitPolicy(phase), phase);
        }
        assertEquals("passive", Runner.Options.parse(new String[] {"--tiny"}).waitPolicy("myelin-loss"));
        assertEquals("default", o.waitPolicy("pytorch"));
    }

    @Test
    void theLibraryApiRowRunsByDefaultNextToMyelinNativeAndNotOnSpikingWorkloads() {
        Runner r = new Runner(Runner.Options.parse(new String[] {"--quick"}));
        assertTrue(Runner.ENGINES.contains(Report.MYELIN_API));
        for (String workload : List.of("mlp-adam-128", "infer-128", "cnn-adam-64")) {
            assertEquals(
                    List.of(Report.MYELIN, Report.MYELIN_API),
                    r.enginesFor(Workload.byName(workload)).subList(0, 2),
                    workload);
        }
        assertFalse(r.enginesFor(Workload.byName("spiking-10k")).contains(Report.MYELIN_API));
        assertEquals("passive", Runner.defaultWaitPolicy(Report.MYELIN_API));
    }

    @Test
    void brian2RunsOneThreadUnderItsRuntimesDefault() {
        Map<String, String> env = launcherEnvironment();
        Runner.applyEnvironment(env, "brian2-cpp", "1", Runner.defaultWaitPolicy("brian2-cpp"));
        assertFalse(env.containsKey("OMP_WAIT_POLICY"), env.toString());
        assertEquals("1", env.get("OMP_NUM_THREADS"));
    }

    @Test
    void theBrian2WorkerWritesTheResultFormat() throws java.io.IOException {
        // Run from the module directory by Maven; the runner starts the script from the repository root.
        java.nio.file.Path script = java.nio.file.Path.of("..").resolve(Runner.BRIAN2_SCRIPT);
        String text = java.nio.file.Files.readString(script);
        int start = text.indexOf("HEADER = (") + "HEADER = (".length();
        String header = text.substring(start, text.indexOf(")", start))
                .replaceAll("\"\\s*\"", "")
                .replace("\"", "")
                .trim();
        assertEquals(org.myelin.benchmarks.harness.Result.HEADER, header);
    }

    @Test
    void waitPolicyCanBeOverriddenPerEngine() {
        Runner.Options o =
                Runner.Options.parse(new String[] {"--tiny", "--wait-policy", "pytorch=passive,dl4j=default"});
        assertEquals("passive", o.waitPolicies().get("pytorch"));
        assertEquals("default", o.waitPolicies().get("dl4j"));
        assertEquals("passive", o.waitPolicies().get("myelin-native"));
        Map<String, String> env = launcherEnvironment();
        Runner.applyEnvironment(env, "pytorch", "2", "active");
        assertEquals("ACTIVE", env.get("OMP_WAIT_POLICY"));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Runner.Options.parse(new String[] {"--wait-policy", "pytorch=sleepy"}));
        assertEquals(true, e.getMessage().contains("pytorch=sleepy"), e.getMessage());
    }

    @Test
    void roundsAreAWholeNumberFromOneTo99AndOneByDefault() {
        assertEquals(1, Runner.Options.parse(new String[] {"--tiny"}).rounds());
        assertEquals(
                3,
                Runner.Options.parse(new String[] {"--tiny", "--rounds", "3"}).rounds());
        for (String bad : new String[] {"0", "-1", "100", "two", "2.5", ""}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> Runner.Options.parse(new String[] {"--rounds", bad}), bad);
            assertTrue(e.getMessage().contains("--rounds") && e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Runner.Options.parse(new String[] {"--threads", "x"}));
    }

    @Test
    void laterRoundsRotateTheEngineOrderAndTheFirstKeepsMyelinFirst() {
        List<String> engines = List.of("myelin-native", "myelin-api", "pytorch", "gemm");
        assertEquals(engines, Runner.roundOrder(engines, 1));
        assertEquals(List.of("myelin-api", "pytorch", "gemm", "myelin-native"), Runner.roundOrder(engines, 2));
        assertEquals(List.of("gemm", "myelin-native", "myelin-api", "pytorch"), Runner.roundOrder(engines, 4));
        assertEquals(engines, Runner.roundOrder(engines, 5));
        assertEquals(List.of(), Runner.roundOrder(List.of(), 3));
    }
}
