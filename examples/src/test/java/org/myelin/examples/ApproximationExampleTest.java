package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApproximationExampleTest {
    @Test
    void maximumErrorFallsAsHiddenUnitsAreAdded(@TempDir Path dir) throws Exception {
        ApproximationExample.Result r = new ApproximationExample().run(dir);
        assertTrue(Arrays.equals(new int[] {2, 8, 32}, r.units()));
        double[] e = r.maxErrors();
        for (int k = 1; k < e.length; k++) {
            assertTrue(e[k] < e[k - 1], r.summary());
        }
        Outputs.assertWritten(r, dir);
    }
}
