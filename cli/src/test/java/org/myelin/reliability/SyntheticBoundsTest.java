package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.ConfigurationException;
import org.myelin.Settings;
import org.myelin.job.TrainingJob;

/**
 * A synthetic set's settings are refused, naming the key, before they make the engine allocate beyond the memory
 * limit ({@code "samples": 400000000} was an {@code OutOfMemoryError}), leave no training samples
 * ({@code "test_fraction": 0.9999} was ND4J's "rsub on empty array") or overflow the values ({@code "noise": 1e308}
 * was "features: row 0 column 0 is +Infinity").
 */
@Tag("reliability")
class SyntheticBoundsTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    private String refusal(Map<String, Object> data) {
        Map<String, Object> raw = new LinkedHashMap<>();
        Map<String, Object> d = new LinkedHashMap<>(Map.of("source", "synthetic", "name", "moons"));
        d.putAll(data);
        raw.put("data", d);
        raw.put("training", Map.of("epochs", 1, "batch_size", 32));
        raw.put("output", dir.resolve("out").toString());
        return assertThrows(ConfigurationException.class, () -> new TrainingJob(raw).setup())
                .getMessage();
    }

    @Test
    void samplesBeyondTheMemoryLimitAreRefused() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        String m = refusal(Map.of("samples", 100_000));
        assertTrue(
                m.startsWith("data.samples: 100000 samples of moons needs 1.53 MiB (1600000 bytes) for its 400,000"
                        + " values, more than the limit of 1.00 MiB"),
                m);
    }

    @Test
    void aTestFractionThatLeavesNoTrainingSamplesIsRefused() {
        assertEquals(
                "data.test_fraction: 0.9999 of 400 samples leaves no training samples; lower it or raise data.samples",
                refusal(Map.of("test_fraction", 0.9999)));
    }

    @Test
    void aValidationFractionThatLeavesAnEmptyPartIsRefused() {
        // Either part empty failed inside ND4J: "Cannot perform operation rsub on empty array with datatype FLOAT".
        assertEquals(
                "data.validation_fraction: 0.99 of 4 samples leaves no training samples; choose another fraction or"
                        + " use more samples",
                refusal(Map.of("name", "xor", "validation_fraction", 0.99)));
        assertEquals(
                "data.validation_fraction: 0.01 of 4 samples leaves no validation samples; choose another fraction or"
                        + " use more samples",
                refusal(Map.of("name", "xor", "validation_fraction", 0.01)));
    }

    @Test
    void noiseThatWouldOverflowIsRefusedNamingTheKey() {
        assertEquals(
                "data.noise: must be a standard deviation in 0.." + 1e6 + ", was 1.0E308",
                refusal(Map.of("noise", 1e308)));
    }
}
