package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.optim.Optimizers;

class OptimizersExampleTest {
    @Test
    void momentumNeedsFewerStepsThanPlainDescentOnTheNarrowValley(@TempDir Path dir) throws Exception {
        OptimizersExample.Result r = new OptimizersExample().run(dir);
        Map<String, Integer> steps = r.stepsToTarget();
        assertEquals(7, steps.size(), "every optimiser but AdamW (Adam with decay) should run: " + steps);
        assertTrue(Optimizers.NAMES.containsAll(steps.keySet()));
        int momentum = steps.get("momentum");
        int sgd = steps.get("sgd") < 0 ? Integer.MAX_VALUE : steps.get("sgd");
        assertTrue(momentum > 0 && momentum < sgd, r.summary());
        // On the network every optimiser makes progress from the initial loss of about ln 2.
        r.networkLoss().forEach((name, loss) -> assertTrue(loss < 0.6, name + ": " + r.summary()));
        Outputs.assertWritten(r, dir);
    }
}
