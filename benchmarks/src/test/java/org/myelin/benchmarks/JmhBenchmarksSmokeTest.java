package org.myelin.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.kernel.Kernels;
import org.myelin.train.History;

/**
 * One invocation of each JMH benchmark method on small shapes, called directly (no JMH run), so the benchmark code
 * cannot rot. Timing is not checked.
 */
class JmhBenchmarksSmokeTest {

    @Test
    void trainingStepBenchmarkTrainsOneEpoch() {
        TrainingStepBenchmark.Mlp mlp = new TrainingStepBenchmark.Mlp();
        mlp.setUp();
        History h = new TrainingStepBenchmark.Native().step(mlp);
        assertEquals(1, h.epochs().size());
        assertTrue(Double.isFinite(h.epochs().get(0).trainLoss()));
    }

    @ParameterizedTest
    @CsvSource({"relu,nd4j", "tanh_from_output,nd4j", "logistic,native"})
    void backwardKernelBenchmarkRunsOnce(String kernel, String path) {
        if (path.equals("native") && !Kernels.nativeCpuAvailable()) {
            path = "nd4j";
        }
        BackwardKernelBenchmark b = new BackwardKernelBenchmark();
        b.kernel = kernel;
        b.n = 1000;
        b.path = path;
        b.setUp();
        assertEquals(1000, b.backward().length());
    }

    @Test
    void copyBenchmarkCopiesOnce() {
        CopyBenchmark b = new CopyBenchmark();
        b.n = 1000;
        b.setUp();
        assertNotNull(b.memcpy());
    }

    @Test
    void spikingNetworkBenchmarkStepsOnce() {
        SpikingNetworkBenchmark b = new SpikingNetworkBenchmark();
        b.dt = 0.001;
        b.setUp();
        long before = b.step().steps();
        assertEquals(before + 1, b.step().steps());
    }

    @Test
    void conv2dBenchmarkRunsBothPathsOnce() {
        for (String path : new String[] {"im2col", "nd4j"}) {
            Conv2dBenchmark b = new Conv2dBenchmark();
            b.layer = "lenet2";
            b.path = path;
            b.setUp();
            assertNotNull(b.forwardBackward());
            assertNotNull(b.forward());
        }
    }
}
