package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VanishingExampleTest {
    @Test
    void logisticGradientNormsShrinkTowardsTheInputUnlikeReluOrBatchNorm(@TempDir Path dir) throws Exception {
        VanishingExample.Result r = new VanishingExample().run(dir);
        double[] n = r.logistic().firstEpochNorms();
        for (int l = 1; l < n.length; l++) {
            assertTrue(
                    n[l - 1] < n[l],
                    "layer " + l + " norm " + n[l - 1] + " is not below layer " + (l + 1) + "'s " + n[l] + ": "
                            + Arrays.toString(n));
        }
        // Each logistic layer multiplies by sigma' <= 1/4 (times the weights); five layers lose orders of magnitude.
        assertTrue(r.logistic().inputToOutputRatio() < 1e-2, r.summary());
        assertTrue(r.relu().inputToOutputRatio() > 0.1, r.summary());
        assertTrue(r.batchNorm().inputToOutputRatio() > 0.1, r.summary());
        // Over training the logistic network's input layer keeps the smallest gradient.
        double[][] byEpoch = r.logistic().normsByEpoch();
        for (int e = 0; e < byEpoch[0].length; e++) {
            assertTrue(byEpoch[0][e] < byEpoch[byEpoch.length - 1][e], "epoch " + (e + 1));
        }
        Outputs.assertWritten(r, dir);
    }
}
