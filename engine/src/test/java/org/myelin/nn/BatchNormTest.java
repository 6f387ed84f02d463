package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BatchNormTest {
    private static final double TINY_EPS = 1e-12;

    private static void assertClose(INDArray expected, INDArray actual, double tol) {
        assertTrue(expected.equalsWithEps(actual, tol), "expected " + expected + " but was " + actual);
    }

    @Test
    void parametersAndBuffersStartAtOneZeroZeroOne() {
        BatchNorm bn = new BatchNorm(3, DataType.FLOAT);
        assertEquals(List.of("gain", "shift"), List.copyOf(bn.namedParameters().keySet()));
        assertEquals(
                List.of("runningMean", "runningVariance"),
                List.copyOf(bn.namedBuffers().keySet()));
        assertEquals(Nd4j.ones(DataType.FLOAT, 3), bn.gain().value());
        assertEquals(Nd4j.zeros(DataType.FLOAT, 3), bn.shift().value());
        assertEquals(Nd4j.zeros(DataType.FLOAT, 3), bn.runningMean());
        assertEquals(Nd4j.ones(DataType.FLOAT, 3), bn.runningVariance());
    }

    @Test
    void trainingModeStandardisesEachFeatureThenScalesAndShifts() {
        BatchNorm bn = new BatchNorm(2, TINY_EPS, 0.1, DataType.DOUBLE);
        bn.gain().value().assign(Nd4j.createFromArray(2.0, 3.0));
        bn.shift().value().assign(Nd4j.createFromArray(0.5, -1.0));
        // Feature means [2, 4], biased variances [1, 4]: xhat = [[-1, -1], [1, 1]].
        INDArray y = bn.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{1, 2}, {3, 6}})))
                .value();
        assertClose(Nd4j.createFromArray(new double[][] {{-1.5, -4}, {2.5, 2}}), y, 1e-9);
    }

    @Test
    void runningStatisticsFollowTheMomentumFormulaWithUnbiasedVariance() {
        BatchNorm bn = new BatchNorm(2, 1e-5, 0.1, DataType.DOUBLE);
        bn.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{1, 2}, {3, 6}})));
        // mean [2, 4]; unbiased variance [1, 4] * 2/1 = [2, 8].
        assertClose(Nd4j.createFromArray(0.2, 0.4), bn.runningMean(), 1e-12);
        assertClose(Nd4j.createFromArray(0.9 + 0.2, 0.9 + 0.8), bn.runningVariance(), 1e-12);
        bn.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{0, 0}, {2, -2}, {4, 2}})));
        // mean [2, 0]; biased variance [8/3, 8/3], unbiased [4, 4].
        assertClose(Nd4j.createFromArray(0.9 * 0.2 + 0.2, 0.9 * 0.4), bn.runningMean(), 1e-12);
        assertClose(Nd4j.createFromArray(0.9 * 1.1 + 0.4, 0.9 * 1.7 + 0.4), bn.runningVariance(), 1e-12);
    }

    @Test
    void runningStatisticsAreUpdatedUnderNoGradToo() {
        BatchNorm bn = new BatchNorm(2, 1e-5, 0.5, DataType.DOUBLE);
        try (Autograd.NoGradScope scope = Autograd.noGrad()) {
            bn.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{1, 2}, {3, 6}})));
        }
        assertClose(Nd4j.createFromArray(1.0, 2.0), bn.runningMean(), 1e-12);
        assertClose(Nd4j.createFromArray(1.5, 4.5), bn.runningVariance(), 1e-12);
    }

    @Test
    void evalModeUsesRunningStatisticsAndLeavesThemUnchanged() {
        BatchNorm bn = new BatchNorm(2, TINY_EPS, 0.1, DataType.DOUBLE);
        bn.runningMean().assign(Nd4j.createFromArray(1.0, -1.0));
        bn.runningVariance().assign(Nd4j.createFromArray(4.0, 0.25));
        bn.gain().value().assign(Nd4j.createFromArray(2.0, 1.0));
        bn.shift().value().assign(Nd4j.createFromArray(0.0, 1.0));
        bn.eval();
        INDArray y = bn.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{3, 0}, {-1, -1.5}})))
                .value();
        assertClose(Nd4j.createFromArray(new double[][] {{2, 3}, {-2, 0}}), y, 1e-9);
        assertEquals(Nd4j.createFromArray(1.0, -1.0), bn.runningMean());
        assertEquals(Nd4j.createFromArray(4.0, 0.25), bn.runningVariance());
        // A single sample is fine in evaluation mode.
        assertArrayEquals(
                new long[] {1, 2},
                bn.forward(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 1, 2))).shape());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void gradCheckPassesInTrainingAndEvaluationMode(boolean training) {
        BatchNorm bn = new BatchNorm(3, 1e-3, 0.1, DataType.DOUBLE);
        bn.gain().value().assign(Nd4j.createFromArray(1.5, -0.5, 2.0));
        bn.shift().value().assign(Nd4j.createFromArray(0.1, 0.2, -0.3));
        bn.runningMean().assign(Nd4j.createFromArray(0.2, -0.1, 0.0));
        bn.runningVariance().assign(Nd4j.createFromArray(0.8, 1.3, 2.0));
        bn.train(training);
        INDArray x = Nd4j.getRandomFactory()
                .getNewRandomInstance(5)
                .nextGaussian(new long[] {6, 3})
                .castTo(DataType.DOUBLE);
        double err = ModuleGradCheck.worstError(bn, x, 8);
        assertTrue(err < 1e-5, "worst error " + err);
    }

    @Test
    void batchOfOneIsRejectedInTraining() {
        BatchNorm bn = new BatchNorm(4, DataType.FLOAT);
        assertEquals(
                "BatchNorm[4]: training mode needs a batch of at least 2 samples to estimate the variance,"
                        + " was 1 (use eval() for single samples)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> bn.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 1, 4))))
                        .getMessage());
    }

    @Test
    void wrongInputWidthIsRejectedNamingTheLayer() {
        BatchNorm bn = new BatchNorm(4, DataType.FLOAT);
        assertEquals(
                "BatchNorm[4]: input has shape [8, 5], expected [*, 4]",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> bn.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 8, 5))))
                        .getMessage());
    }

    @Test
    void invalidHyperParametersAreRejectedByName() {
        assertEquals(
                "BatchNorm: number of features must be > 0, was 0",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm(0, DataType.FLOAT))
                        .getMessage());
        assertEquals(
                "BatchNorm[3]: eps must be > 0, was 0.0",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm(3, 0.0, 0.1, DataType.FLOAT))
                        .getMessage());
        assertEquals(
                "BatchNorm[3]: momentum must be in [0, 1], was 1.5",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm(3, 1e-5, 1.5, DataType.FLOAT))
                        .getMessage());
        assertEquals(
                "BatchNorm[3]: momentum must be in [0, 1], was -0.1",
                assertThrows(IllegalArgumentException.class, () -> new BatchNorm(3, 1e-5, -0.1, DataType.FLOAT))
                        .getMessage());
    }
}
