package org.myelin.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code myelin train --spark} checks the launcher's settings before anything runs, as {@code myelin}'s own main does
 * (it selected the BLAS only, so a bad {@code MYELIN_KERNELS} or {@code MYELIN_LOG_LEVEL} was accepted): a one-line
 * usage error, exit status 2, no Spark context and no output directory.
 */
class SparkTrainMainSettingsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({
        "MYELIN_KERNELS, foo, 'myelin: MYELIN_KERNELS must be auto or nd4j, was ''foo'''",
        "MYELIN_LOG_LEVEL, LOUD, 'myelin: MYELIN_LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, ALL,"
                + " was ''LOUD'''"
    })
    void aBadSettingIsAUsageErrorBeforeAnythingRuns(String variable, String value, String message) throws Exception {
        Path out = dir.resolve("out");
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        SparkTrainMain.class.getName(),
                        "train",
                        "--spark",
                        "local[1]",
                        "--data",
                        "synthetic:moons",
                        "--out",
                        out.toString())
                .redirectErrorStream(true);
        pb.environment().put(variable, value);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "SparkTrainMain did not finish");
        assertEquals(2, p.exitValue(), output);
        assertEquals(message, output.strip());
        assertTrue(Files.notExists(out), "the output directory was created");
    }
}
