package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpiralsExampleTest {
    @Test
    void logisticRegressionStaysNearChanceWhileTheMlpSeparatesTheSpirals(@TempDir Path dir) throws Exception {
        SpiralsExample.Result r = new SpiralsExample().run(dir);
        assertTrue(r.logisticAccuracy() <= 0.65, "a line should do little better than chance: " + r.summary());
        assertTrue(r.mlpAccuracy() >= 0.95, r.summary());
        // The hidden-layer picture is the output unit's own view: its z = 0 line classifies exactly as the MLP does.
        assertEquals(r.mlpAccuracy(), r.hiddenSeparation(), 1e-12, r.summary());
        Outputs.assertWritten(r, dir);
    }
}
