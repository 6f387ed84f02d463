package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FiniteDifferenceExampleTest {
    @Test
    void centralDifferencesAgreeWithBackpropAndShowTheTruncationRoundOffTradeOff(@TempDir Path dir) throws Exception {
        FiniteDifferenceExample.Result r = new FiniteDifferenceExample().run(dir);
        assertTrue(r.defaultStepError() <= 1e-6, r.summary());
        double best = Arrays.stream(r.worstErrors()).min().orElseThrow();
        assertTrue(best <= 1e-8, r.summary());
        // Truncation: the error of a central difference falls like h^2, so 10x smaller h gives ~100x less error.
        assertTrue(r.errorAt(1e-2) < r.errorAt(1e-1) / 30, r.summary());
        assertTrue(r.errorAt(1e-1) > 100 * best, r.summary());
        // Round-off: below the best step the error grows again, like eps / h.
        assertTrue(r.errorAt(1e-13) > 100 * best, r.summary());
        assertTrue(r.errorAt(1e-13) > r.errorAt(1e-10), r.summary());
        assertTrue(r.bestStep() > 1e-8 && r.bestStep() < 1e-2, "best step " + r.bestStep());
        Outputs.assertWritten(r, dir);
    }
}
