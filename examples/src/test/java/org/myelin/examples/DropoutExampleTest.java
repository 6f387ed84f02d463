package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DropoutExampleTest {
    @Test
    void dropoutNarrowsTheGapBetweenTrainingAndValidationLoss(@TempDir Path dir) throws Exception {
        // The synthetic data set, so the test neither depends on the MNIST cache nor spends seconds loading it.
        DropoutExample.Result r = new DropoutExample(null).run(dir);
        assertTrue(r.data().startsWith("synthetic"), r.data());
        assertTrue(r.plainGap() > 0, "without dropout the network should fit its training set: " + r.summary());
        assertTrue(r.dropoutGap() < r.plainGap(), r.summary());
        Outputs.assertWritten(r, dir);
    }
}
