package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchNormExampleTest {
    @Test
    void batchNormReachesTheTargetLossInFewerEpochs(@TempDir Path dir) throws Exception {
        BatchNormExample.Result r = new BatchNormExample().run(dir);
        assertTrue(r.batchNormEpochs() > 0, "batch norm run did not reach the target: " + r.summary());
        assertTrue(r.plainEpochs() < 0 || r.plainEpochs() > r.batchNormEpochs(), r.summary());
        Outputs.assertWritten(r, dir);
    }
}
