package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExplodingExampleTest {
    @Test
    void firstLayerGradientIsSixteenTimesTheLastAndClippingKeepsTrainingFinite(@TempDir Path dir) throws Exception {
        ExplodingExample.Result r = new ExplodingExample().run(dir);
        assertEquals(16.0, r.firstToLastRatio(), 1e-9, r.summary());
        double[] g = r.chainGradients();
        for (int l = 1; l < g.length; l++) {
            assertEquals(2.0, g[l - 1] / g[l], 1e-9, "w sigma'(0) = 8 / 4 per layer");
        }
        assertTrue(r.plainDiverged(), "plain descent should diverge: " + r.summary());
        assertTrue(r.plainSteps() < ExplodingExample.STEPS, r.summary());
        double[] clipped = r.clippedLosses();
        assertEquals(ExplodingExample.STEPS, clipped.length);
        assertTrue(Arrays.stream(clipped).allMatch(Double::isFinite), r.summary());
        assertTrue(clipped[clipped.length - 1] < clipped[0] / 1000, r.summary());
        Outputs.assertWritten(r, dir);
    }
}
