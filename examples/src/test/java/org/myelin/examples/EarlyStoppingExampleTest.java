package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EarlyStoppingExampleTest {
    @Test
    void trainingStopsAfterThePatienceWithTheBestValidationWeightsRestored(@TempDir Path dir) throws Exception {
        EarlyStoppingExample.Result r = new EarlyStoppingExample().run(dir);
        assertTrue(r.epochsRun() < EarlyStoppingExample.MAX_EPOCHS, "did not stop early: " + r.summary());
        assertEquals(r.bestEpoch() + EarlyStoppingExample.PATIENCE, r.epochsRun(), r.summary());
        double min = Arrays.stream(r.validationLosses()).min().orElseThrow();
        assertEquals(min, r.bestValidationLoss(), 0.0);
        assertEquals(min, r.validationLosses()[r.bestEpoch() - 1], 0.0);
        // Trained past its best: the last epoch is worse, and the restored weights are the best epoch's again.
        assertTrue(r.lastValidationLoss() > r.bestValidationLoss(), r.summary());
        assertEquals(r.bestValidationLoss(), r.restoredValidationLoss(), 1e-12, r.summary());
        Outputs.assertWritten(r, dir);
    }
}
