package org.myelin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MYELIN_LOG_LEVEL as the launcher passes it, in a fresh JVM (Logback reads its configuration once, when the first
 * logger is created): a blank value or a level with spaces around it means that level, never Logback's DEBUG
 * fallback. The BLAS choice is logged at DEBUG at start-up, so a DEBUG root level shows.
 */
class LogLevelProcessTest {

    @ParameterizedTest(name = "MYELIN_LOG_LEVEL=''{0}''")
    @ValueSource(strings = {"", " ", " info ", "INFO", "warn"})
    @Timeout(120)
    void aBlankOrPaddedLevelIsNotDebug(String level) throws IOException, InterruptedException {
        String out = runInfo(level);
        assertFalse(out.contains(" DEBUG "), out);
        assertTrue(out.contains("Myelin") || out.contains("myelin"), out);
    }

    @ParameterizedTest(name = "MYELIN_LOG_LEVEL=''{0}''")
    @ValueSource(strings = {"debug", " DEBUG "})
    @Timeout(120)
    void debugStillMeansDebug(String level) throws IOException, InterruptedException {
        assertTrue(runInfo(level).contains(" DEBUG "));
    }

    private static String runInfo(String level) throws IOException, InterruptedException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-Dlogback.configurationFile=myelin-cli-logback.xml",
                        "-cp",
                        classpath,
                        "org.myelin.cli.Main",
                        "info"))
                .redirectErrorStream(true);
        builder.environment().put(Main.LOG_LEVEL, level);
        Process p = builder.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(100, TimeUnit.SECONDS));
        String out = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
