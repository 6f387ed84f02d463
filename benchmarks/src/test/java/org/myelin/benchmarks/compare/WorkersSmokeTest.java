package org.myelin.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.benchmarks.harness.Exchange;
import org.myelin.benchmarks.harness.NpyFloats;
import org.myelin.benchmarks.harness.ReferenceMlp;
import org.myelin.benchmarks.harness.Result;
import org.myelin.benchmarks.harness.Trajectory;
import org.myelin.benchmarks.harness.Workload;

/**
 * Each ND4J-based worker's main in tiny mode, in this JVM: the gradient check against the float64 reference
 * (so Myelin's and DL4J's gradients are both checked against an independent implementation), the refusal of
 * disagreeing gradients, and one timed call.
 */
class WorkersSmokeTest {

    @TempDir
    Path tmp;

    Path exchange;

    @BeforeEach
    void writeReference() throws Exception {
        exchange = tmp.resolve("exchange");
        Files.createDirectories(exchange);
        ReferenceMlp.writeExchange(new Exchange(exchange), Workload.tiny("adam").sizes(), 5, 1);
    }

    private Result run(String engine, String workload, boolean withExchange) throws Exception {
        Path out = tmp.resolve(engine + "-" + workload + ".csv");
        List<String> args = new java.util.ArrayList<>(List.of(
                "--engine",
                engine,
                "--workload",
                workload,
                "--mode",
                "tiny",
                "--result",
                out.toString(),
                "--env",
                tmp.resolve(engine + ".env").toString()));
        if (withExchange) {
            args.addAll(List.of("--exchange", exchange.toString()));
        }
        String[] a = args.toArray(String[]::new);
        int status = switch (engine) {
            case "dl4j" -> Dl4jWorker.run(a);
            case "gemm" -> GemmRoofline.run(a);
            default -> MyelinWorker.run(a);
        };
        Result r = Result.readAll(out).get(0);
        assertEquals(r.status().equals("refused") ? 3 : 0, status, r.note());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-adam", "tiny-sgd", "tiny-infer"})
    void myelinAndDl4jGradientsMatchTheReferenceAndAreTimed(String workload) throws Exception {
        for (String engine : List.of("myelin-native", "myelin-api", "dl4j")) {
            Result r = run(engine, workload, true);
            assertEquals("ok", r.status(), engine + ": " + r.note());
            assertTrue(r.gradError() <= Exchange.TOLERANCE, engine + " gradient error " + r.gradError());
            if (!workload.equals("tiny-infer")) {
                // 20 float32 steps against the float64 run of the engine's own Adam form (DL4J: eps-hat).
                assertTrue(r.trajectoryError() <= Trajectory.TOLERANCE, engine + " trajectory " + r.trajectoryError());
            }
            assertTrue(r.msMedian() > 0);
        }
    }

    @Test
    void dl4jIsRefusedWhenItsGradientsDisagree() throws Exception {
        Path gw = new Exchange(exchange).weightGrad(1);
        NpyFloats.Array g = NpyFloats.read(gw);
        g.data()[0] += 1f;
        NpyFloats.write(gw, g);
        Result r = run("dl4j", "tiny-adam", true);
        assertEquals("refused", r.status());
        assertFalse(r.hasFigures());
    }

    @Test
    void myelinWritesTheExchangeWhenItIsEmpty() throws Exception {
        exchange = tmp.resolve("fresh");
        run("myelin-native", "tiny-adam", true);
        Exchange ex = new Exchange(exchange);
        assertEquals(3, ex.layers());
        assertEquals(5, ex.labelIndices().length);
        // A peer then agrees with what Myelin wrote.
        Result dl4j = run("dl4j", "tiny-adam", true);
        assertTrue(dl4j.gradError() <= Exchange.TOLERANCE, "dl4j vs Myelin " + dl4j.gradError());
    }

    @ParameterizedTest
    @ValueSource(strings = {"myelin-forward", "myelin-backward", "myelin-manual", "myelin-loss"})
    void myelinPhasesRun(String phase) throws Exception {
        assertEquals("ok", run(phase, "tiny-adam", false).status());
    }

    @Test
    void gemmRooflineReportsGflops() throws Exception {
        Result r = run("gemm", "tiny-adam", false);
        assertEquals("ok", r.status());
        assertTrue(r.extra() > 0, "GFLOP/s " + r.extra());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-cnn-adam", "tiny-cnn-infer"})
    void cnnGradientsOfMyelinsTwoPathsAndDl4jAgreeAndAreTimed(String workload) throws Exception {
        exchange = tmp.resolve("cnn");
        assertEquals("ok", run("myelin-native", workload, true).status());
        // Myelin wrote [out, in, kh, kw] conv weights and [in, out] dense weights: conv, conv, dense.
        Exchange ex = new Exchange(exchange);
        assertEquals(3, ex.layers());
        assertArrayEquals(new long[] {3, 1, 3, 3}, NpyFloats.read(ex.weight(0)).shape());
        assertArrayEquals(new long[] {16, 3}, NpyFloats.read(ex.weight(2)).shape());
        assertArrayEquals(new long[] {5, 1, 8, 8}, NpyFloats.read(ex.features()).shape());
        for (String engine : List.of("myelin-nd4j", "myelin-api", "dl4j")) {
            Result r = run(engine, workload, true);
            assertEquals("ok", r.status(), engine + ": " + r.note());
            assertTrue(r.gradError() <= Exchange.TOLERANCE, engine + " gradient error " + r.gradError());
            assertTrue(r.msMedian() > 0);
        }
        Result gemm = run("gemm", workload, false);
        assertEquals("ok", gemm.status());
        assertTrue(gemm.extra() > 0, "GFLOP/s " + gemm.extra());
    }

    @Test
    void dl4jCnnIsRefusedWhenItsConvGradientsDisagree() throws Exception {
        exchange = tmp.resolve("cnn");
        run("myelin-native", "tiny-cnn-adam", true);
        Path gw = new Exchange(exchange).weightGrad(1);
        NpyFloats.Array g = NpyFloats.read(gw);
        g.data()[0] += 1f;
        NpyFloats.write(gw, g);
        assertEquals("refused", run("dl4j", "tiny-cnn-adam", true).status());
    }

    @Test
    void myelinCnnPhasesRun() throws Exception {
        for (String phase : List.of("myelin-forward", "myelin-backward", "myelin-manual")) {
            assertEquals("ok", run(phase, "tiny-cnn-adam", false).status(), phase);
        }
    }

    @Test
    void spikingWorkloadRunsInTinyMode() throws Exception {
        Result r = run("myelin-native", "spiking-10k", false);
        assertEquals("ok", r.status());
        assertTrue(r.extra() > 0, "simulated seconds per wall second " + r.extra());
    }
}
