package org.myelin.benchmarks.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.Profiler;
import org.myelin.benchmarks.harness.Workload;

/** The MLP step profile's bookkeeping; its run needs a JVM with the profiler on (see docs/benchmarks.md). */
class TrainerStepProfileTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "gemm dW (128x784)^T * 128x512 | gemm",
                "native adam update | native passes",
                "bias gradient dz.sum(0) (ND4J) [128, 512] | ND4J calls",
                "result arrays (StepArrays: new, or kept from the last step) | ND4J calls",
                "accuracy (Evaluation.correct) | ND4J calls",
                "workspace close | workspace open/close",
                "batch gathering (Batches) | batch gathering",
                "native row gather [128, 784] | batch gathering",
                "native arg-max of rows [128, 10] | native passes",
                "op forward FusedDense | Java"
            })
    void phasesAreSummedByKind(String label, String kindPrefix) {
        assertTrue(TrainerStepProfile.kind(label).startsWith(kindPrefix), TrainerStepProfile.kind(label));
    }

    @Test
    void medianOfEvenAndOddCounts() {
        assertEquals(2.0, TrainerStepProfile.median(new double[] {3, 1, 2}));
        assertEquals(2.5, TrainerStepProfile.median(new double[] {4, 1, 3, 2}));
    }

    /**
     * A JVM with the profiler on prints a table of the phases that ends in the measured step, for both kinds and for
     * the calls of both the benchmark's own row and the library API's row.
     */
    @ParameterizedTest
    @CsvSource({
        "tiny-adam, fit() calls of, native, myelin-native",
        "tiny-infer, forward passes, native, myelin-native",
        "tiny-adam, fit() calls of, api, myelin-api",
        "tiny-infer, forward passes, api, myelin-api"
    })
    void profilesTrainingAndInferenceInAJvmWithTheProfilerOn(String workload, String unit, String mode, String row)
            throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Dmyelin.profile=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StepProfile.class.getName(),
                        workload,
                        "3",
                        mode)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "StepProfile did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains(workload + " (as " + row + "), batch ") && out.contains("3 " + unit), out);
        assertTrue(out.contains("| gemm forward "), out);
        assertTrue(out.contains("| **step (measured)** |"), out);
    }

    @Test
    void refusesToRunWithTheProfilerOff() {
        assumeFalse(Profiler.ENABLED, "this JVM was started with the profiler on");
        IllegalStateException e = assertThrows(
                IllegalStateException.class, () -> TrainerStepProfile.run(Workload.byName("mlp-adam-128"), 3, false));
        assertTrue(e.getMessage().contains("-Dmyelin.profile=true"), e.getMessage());
    }
}
