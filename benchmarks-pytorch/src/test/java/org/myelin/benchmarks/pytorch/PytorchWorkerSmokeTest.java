package org.myelin.benchmarks.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * The PyTorch worker's main in tiny mode on its own classpath (libtorch offline from the native jar): gradients
 * against the float64 reference, refusal of disagreeing gradients, one timed call.
 */
class PytorchWorkerSmokeTest {

    @TempDir
    Path tmp;

    Path exchange;

    @BeforeEach
    void writeReference() throws Exception {
        exchange = tmp.resolve("exchange");
        Files.createDirectories(exchange);
        ReferenceMlp.writeExchange(new Exchange(exchange), Workload.tiny("adam").sizes(), 5, 1);
    }

    private Result run(String workload) throws Exception {
        Path out = tmp.resolve(workload + ".csv");
        int status = PytorchWorker.run(new String[] {
            "--engine",
            "pytorch",
            "--workload",
            workload,
            "--mode",
            "tiny",
            "--exchange",
            exchange.toString(),
            "--result",
            out.toString(),
            "--env",
            tmp.resolve("env").toString()
        });
        Result r = Result.readAll(out).get(0);
        assertEquals(r.status().equals("refused") ? 3 : 0, status, r.note());
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny-adam", "tiny-sgd", "tiny-infer"})
    void gradientsMatchTheReferenceAndTheStepIsTimed(String workload) throws Exception {
        Result r = run(workload);
        assertEquals("ok", r.status(), r.note());
        assertTrue(r.gradError() <= Exchange.TOLERANCE, "gradient error " + r.gradError());
        if (!workload.equals("tiny-infer")) {
            // 20 steps of DJL's optimiser against the float64 run of its form (Adam: eps-hat).
            assertTrue(r.trajectoryError() <= Trajectory.TOLERANCE, "trajectory " + r.trajectoryError());
        }
        assertTrue(r.msMedian() > 0);
        assertTrue(Files.readString(tmp.resolve("env")).contains("libtorch=2.7.1"));
    }

    /**
     * The tiny CNN against the exchange Myelin's worker wrote for it (committed under
     * {@code src/test/resources/tiny-cnn-exchange}: this module never sees the engine): same weights, same
     * gradients within the tolerance, and a timed step.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tiny-cnn-adam", "tiny-cnn-infer"})
    void cnnGradientsMatchMyelinsAndTheStepIsTimed(String workload) throws Exception {
        Path fixture = Path.of(
                        getClass().getResource("/tiny-cnn-exchange/x.npy").toURI())
                .getParent();
        exchange = Files.createDirectories(tmp.resolve("cnn"));
        try (var files = Files.list(fixture)) {
            for (Path f : files.toList()) {
                Files.copy(f, exchange.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Result r = run(workload);
        assertEquals("ok", r.status(), r.note());
        assertTrue(r.gradError() <= Exchange.TOLERANCE, "gradient error " + r.gradError());
        assertTrue(r.msMedian() > 0);
        // A wrong conv gradient is refused.
        Path gw = new Exchange(exchange).weightGrad(0);
        NpyFloats.Array g = NpyFloats.read(gw);
        g.data()[0] += 1f;
        NpyFloats.write(gw, g);
        assertEquals("refused", run(workload).status());
    }

    @Test
    void refusedWhenItsGradientsDisagree() throws Exception {
        Path gb = new Exchange(exchange).biasGrad(0);
        NpyFloats.Array g = NpyFloats.read(gb);
        g.data()[0] += 1f;
        NpyFloats.write(gb, g);
        Result r = run("tiny-adam");
        assertEquals("refused", r.status());
        assertFalse(r.hasFigures());
    }
}
