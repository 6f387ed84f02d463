package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaturationExampleTest {
    @Test
    void squaredLossBarelyMovesWhileCrossEntropyFixesTheSaturatedUnit(@TempDir Path dir) throws Exception {
        SaturationExample.Result r = new SaturationExample().run(dir);
        // Start: both patterns wrong with |z| = 5, (a - y)^2 = sigma(5)^2.
        double s5 = 1 / (1 + Math.exp(-5));
        assertEquals(s5 * s5, r.squaredRunStart(), 1e-12);
        assertTrue(r.squaredRunEnd() >= 0.9 * r.squaredRunStart(), r.summary());
        assertEquals(0, r.squaredRunCorrect(), r.summary());
        assertEquals(2, r.crossEntropyRunCorrect(), r.summary());
        assertTrue(r.crossEntropyRunEnd() < 0.01, r.summary());
        Outputs.assertWritten(r, dir);
    }
}
