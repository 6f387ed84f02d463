package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.ops.TestArrays.assertClose;
import static org.myelin.ops.TestArrays.gaussian;

import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalisation standardises each column over the batch, layer normalisation each row over its
 * features, before the gain G and shift B (MIT 6.390 §6.8.3; see docs/notes.md). References are computed here with
 * plain loops.
 */
class NormalizationTest {

    private static final double EPS = 1e-5;

    /** Columns with different means and spreads, so a per-column standardisation is visible. */
    private static INDArray data(int rows, int cols) {
        INDArray x = gaussian(11, rows, cols);
        for (int j = 0; j < cols; j++) {
            x.getColumn(j).muli(j + 1).addi(3 * j - 2);
        }
        return x;
    }

    /** {@code (x - mean) / sqrt(var + eps)} along {@code axis} (0: columns, 1: rows), biased variance. */
    private static double[][] standardised(INDArray x, int axis, double eps) {
        int rows = (int) x.size(0);
        int cols = (int) x.size(1);
        double[][] out = new double[rows][cols];
        int groups = axis == 0 ? cols : rows;
        int m = axis == 0 ? rows : cols;
        for (int g = 0; g < groups; g++) {
            double mean = 0;
            for (int k = 0; k < m; k++) {
                mean += axis == 0 ? x.getDouble(k, g) : x.getDouble(g, k);
            }
            mean /= m;
            double var = 0;
            for (int k = 0; k < m; k++) {
                double d = (axis == 0 ? x.getDouble(k, g) : x.getDouble(g, k)) - mean;
                var += d * d;
            }
            var /= m;
            for (int k = 0; k < m; k++) {
                int i = axis == 0 ? k : g;
                int j = axis == 0 ? g : k;
                out[i][j] = (x.getDouble(i, j) - mean) / Math.sqrt(var + eps);
            }
        }
        return out;
    }

    @Test
    void batchNormNormalisesColumnsToMeanZeroVarianceOneBeforeGainAndShift() {
        INDArray x = data(32, 4);
        Tensor y = Ops.batchNorm(
                Tensor.constant(x),
                Tensor.constant(Nd4j.ones(DataType.DOUBLE, 4)),
                Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 4)),
                EPS);
        INDArray mean = y.value().mean(0);
        INDArray var = y.value().var(false, 0);
        assertClose(Nd4j.zeros(DataType.DOUBLE, 4), mean, 1e-12, "column means");
        // var(xhat) = v / (v + eps), within eps / v of 1.
        assertClose(Nd4j.ones(DataType.DOUBLE, 4), var, 1e-4, "column variances");
        assertClose(Nd4j.create(standardised(x, 0, EPS)), y.value(), 1e-12, "against the reference");
    }

    @Test
    void batchNormAppliesGainThenShiftPerFeature() {
        INDArray x = data(10, 3);
        INDArray g = Nd4j.create(new double[] {2, -0.5, 3});
        INDArray b = Nd4j.create(new double[] {1, 0, -4});
        Tensor y = Ops.batchNorm(Tensor.constant(x), Tensor.constant(g), Tensor.constant(b), EPS);
        INDArray expected = Nd4j.create(standardised(x, 0, EPS))
                .mulRowVector(g.reshape(1, 3))
                .addRowVector(b.reshape(1, 3));
        assertClose(expected, y.value(), 1e-12, "G xhat + B");
    }

    @Test
    void batchNormExposesTheBiasedBatchStatistics() {
        INDArray x = data(8, 3);
        BatchNormOp op = new BatchNormOp(EPS);
        Autograd.apply(
                op,
                Tensor.constant(x),
                Tensor.constant(Nd4j.ones(DataType.DOUBLE, 3)),
                Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 3)));
        assertClose(x.mean(true, 0), op.batchMean(), 1e-12, "batch mean");
        assertClose(x.var(false, 0).reshape(1, 3), op.batchVariance(), 1e-12, "biased batch variance");
    }

    @Test
    void batchStatisticsSurviveTheReleaseOfTheGraph() {
        INDArray x = data(8, 3);
        BatchNormOp op = new BatchNormOp(EPS);
        Tensor y = Autograd.apply(
                op,
                Tensor.parameter(x),
                Tensor.parameter(Nd4j.ones(DataType.DOUBLE, 3)),
                Tensor.parameter(Nd4j.zeros(DataType.DOUBLE, 3)));
        Ops.sum(Ops.mul(y, y)).backward();
        assertClose(x.mean(true, 0), op.batchMean(), 1e-12, "batch mean after backward");
    }

    @Test
    void batchStatisticsOfAnEvalModeOpAreRefusedClearly() {
        BatchNormOp op = new BatchNormOp(EPS, Nd4j.zeros(DataType.DOUBLE, 3), Nd4j.ones(DataType.DOUBLE, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, op::batchMean);
        assertTrue(e.getMessage().contains("evaluation mode"), e.getMessage());
        assertThrows(IllegalStateException.class, new BatchNormOp(EPS)::batchVariance);
    }

    @Test
    void batchNormEvalModeUsesTheRunningStatisticsNotTheBatch() {
        INDArray rm = Nd4j.create(new double[] {0.5, -1, 2});
        INDArray rv = Nd4j.create(new double[] {4, 0.25, 1});
        INDArray g = Nd4j.create(new double[] {1, 2, 3});
        INDArray b = Nd4j.create(new double[] {0, 1, -1});
        // One row: batch statistics would be degenerate; the running ones are used.
        INDArray x = Nd4j.create(new double[][] {{2.5, 0, 1}});
        Tensor y = Autograd.apply(
                new BatchNormOp(EPS, rm, rv), Tensor.constant(x), Tensor.constant(g), Tensor.constant(b));
        double[] expected = new double[3];
        for (int j = 0; j < 3; j++) {
            expected[j] = g.getDouble(j) * (x.getDouble(0, j) - rm.getDouble(j)) / Math.sqrt(rv.getDouble(j) + EPS)
                    + b.getDouble(j);
        }
        assertClose(Nd4j.create(new double[][] {expected}), y.value(), 1e-12, "eval-mode output");
    }

    @Test
    void layerNormNormalisesEachRow() {
        INDArray x = data(6, 5);
        Tensor y = Ops.layerNorm(
                Tensor.constant(x),
                Tensor.constant(Nd4j.ones(DataType.DOUBLE, 5)),
                Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 5)),
                EPS);
        assertClose(Nd4j.zeros(DataType.DOUBLE, 6), y.value().mean(1), 1e-12, "row means");
        assertClose(Nd4j.ones(DataType.DOUBLE, 6), y.value().var(false, 1), 1e-4, "row variances");
        assertClose(Nd4j.create(standardised(x, 1, EPS)), y.value(), 1e-12, "against the reference");
    }

    @Test
    void layerNormOfARowDoesNotDependOnTheOtherRows() {
        INDArray x = data(6, 5);
        INDArray g = gaussian(3, 5);
        INDArray b = gaussian(4, 5);
        INDArray all = Ops.layerNorm(Tensor.constant(x), Tensor.constant(g), Tensor.constant(b), EPS)
                .value();
        INDArray one = Ops.layerNorm(
                        Tensor.constant(x.getRow(2, true).dup()), Tensor.constant(g), Tensor.constant(b), EPS)
                .value();
        assertClose(all.getRow(2, true), one, 1e-12, "row 2 alone and in the batch");
        assertEquals(1, one.size(0));
    }
}
