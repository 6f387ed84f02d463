package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSizesExampleTest {
    @Test
    void batchStochasticAndMiniBatchDescentAllReachTheTargetLoss(@TempDir Path dir) throws Exception {
        BatchSizesExample.Result r = new BatchSizesExample().run(dir);
        assertEquals(3, r.runs().size());
        int[] sizes =
                r.runs().stream().mapToInt(BatchSizesExample.Run::batchSize).toArray();
        assertEquals(BatchSizesExample.POINTS, sizes[0]);
        assertEquals(1, sizes[2]);
        for (BatchSizesExample.Run run : r.runs()) {
            assertTrue(run.reached(), run.name() + ": " + r.summary());
            assertTrue(run.loss()[run.loss().length - 1] <= BatchSizesExample.TARGET);
            // A run stops at the first epoch on target: every earlier epoch was above it.
            for (int i = 0; i + 1 < run.loss().length; i++) {
                assertTrue(run.loss()[i] > BatchSizesExample.TARGET);
            }
            assertTrue(run.secondsToTarget() > 0);
        }
        Outputs.assertWritten(r, dir);
    }
}
