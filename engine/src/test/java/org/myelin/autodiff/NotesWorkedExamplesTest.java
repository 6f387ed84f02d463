package org.myelin.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.ops.Ops.add;
import static org.myelin.ops.Ops.biasAdd;
import static org.myelin.ops.Ops.logistic;
import static org.myelin.ops.Ops.loss;
import static org.myelin.ops.Ops.matmul;
import static org.myelin.ops.Ops.mul;
import static org.myelin.ops.Ops.reciprocal;

import org.junit.jupiter.api.Test;
import org.myelin.ops.BinaryCrossEntropy;
import org.myelin.ops.BinaryCrossEntropyWithLogits;
import org.myelin.ops.Ops;
import org.myelin.ops.Reduction;
import org.myelin.ops.SquaredError;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The worked numbers of the notes (CS 489, Duke slides, Oxford ML, CS 479; see docs/notes.md), each pinned through the
 * public API. Expected values are the notes' own, to the digits the notes print; where the notes round, the test says
 * how.
 */
class NotesWorkedExamplesTest {

    /** The vector of CS 489 Example 6.1/6.2 and CS 479 §1.5 (see docs/notes.md). */
    private static final double[] Z = {0.6, 3.4, -1.2, 0.05};

    private static Tensor row(double... v) {
        return Tensor.constant(Nd4j.create(v, new long[] {1, v.length}, 'c'));
    }

    /** One logistic unit at z, and backward's dy/dz (CS 489 §13.1; see docs/notes.md). */
    private static double[] logisticAndSlope(double z) {
        Tensor zt = Tensor.parameter(Nd4j.create(new double[] {z}, new long[] {1, 1}, 'c'));
        Tensor y = logistic(zt);
        double value = y.item();
        y.backward();
        return new double[] {value, zt.grad().getDouble(0)};
    }

    @Test
    void reciprocalOfLinearMatchesDukeSlides() {
        // f = 1 / (w0 x0 + w1) at w0 = -2, x0 = 3, w1 = 4: f = 1/(-2) = -0.5.
        Tensor w0 = Tensor.parameter(Nd4j.scalar(-2.0).reshape(1, 1));
        Tensor x0 = Tensor.parameter(Nd4j.scalar(3.0).reshape(1, 1));
        Tensor w1 = Tensor.parameter(Nd4j.scalar(4.0).reshape(1, 1));
        Tensor f = reciprocal(add(matmul(w0, x0), w1));
        assertEquals(-0.5, f.item(), 1e-15);
        f.backward();
        assertEquals(-0.75, w0.grad().getDouble(0), 1e-15);
        assertEquals(0.5, x0.grad().getDouble(0), 1e-15);
        assertEquals(-0.25, w1.grad().getDouble(0), 1e-15);
    }

    @Test
    void sumRuleAddsBothPathsOfDukeSlides() {
        // y = 2 a1 + a2 with a1 = 3x and a2 = -x: dy/dx = 2*3 + (-1) = 5.
        Tensor x = Tensor.parameter(Nd4j.scalar(0.7));
        Tensor a1 = mul(Tensor.scalar(3.0), x);
        Tensor a2 = mul(Tensor.scalar(-1.0), x);
        Tensor y = add(mul(Tensor.scalar(2.0), a1), a2);
        y.backward();
        assertEquals(5.0, x.grad().getDouble(0), 1e-15);
    }

    @Test
    void softmaxMatchesNotesExample61() {
        INDArray y = Ops.softmax(row(Z)).value();
        // The notes print (0.06, 0.9, 0.009, 0.031); each is within one unit of its last printed digit (the
        // first is 0.05498, which the notes round up to 0.06).
        double[] notes = {0.06, 0.9, 0.009, 0.031};
        double[] unit = {0.01, 0.1, 0.001, 0.001};
        double sum = 0;
        for (double z : Z) {
            sum += Math.exp(z);
        }
        for (int j = 0; j < Z.length; j++) {
            assertEquals(notes[j], y.getDouble(0, j), unit[j], "softmax component " + j);
            assertEquals(Math.exp(Z[j]) / sum, y.getDouble(0, j), 1e-15, "exact softmax component " + j);
        }
        assertEquals(1, Nd4j.argMax(y, 1).getInt(0), "the largest entry wins");
    }

    @Test
    void oneHotMatchesNotesExample62() {
        INDArray y = Ops.oneHot(row(Z)).value();
        assertEquals(Nd4j.create(new double[] {0, 1, 0, 0}, new long[] {1, 4}, 'c'), y);
    }

    @Test
    void logisticSlopeAtFiveIs0066() {
        double[] ys = logisticAndSlope(5);
        assertEquals(0.9933, ys[0], 0.00005);
        assertEquals(0.0066, ys[1], 0.00005);
    }

    @Test
    void logisticSlopeAtFourIs0177() {
        double[] ys = logisticAndSlope(4);
        assertEquals(0.982, ys[0], 0.0005);
        assertEquals(0.0177, ys[1], 0.00005);
    }

    @Test
    void logisticAtPointOneIs0525WithSlope0249AlmostFortyTimesTheSlopeAtFive() {
        double[] ys = logisticAndSlope(0.1);
        assertEquals(0.525, ys[0], 0.0005);
        assertEquals(0.249, ys[1], 0.0005);
        double ratio = ys[1] / logisticAndSlope(5)[1];
        assertTrue(ratio > 35 && ratio < 40, "\"almost 40 times larger\": " + ratio);
    }

    @Test
    void chainOfFiveLogisticUnitsWithWeightEightAndBiasMinusFourAmplifiesTheGradientSixteenTimes() {
        // CS 489 §13.2 (see docs/notes.md): x = 1/2 feeds five logistic units in a chain, each z(k) = 8 a(k-1) - 4
        // (a(0) = x), so every z is 0, where sigma' = 1/4: each unit back multiplies the gradient by 8 * 1/4 = 2, and
        // four of them by 16. dE/dz(k) is read off as the gradient of unit k's bias, since z(k) = w a + b.
        Tensor a = Tensor.constant(Nd4j.create(new double[] {0.5}, new long[] {1, 1}, 'c'));
        Tensor[] biases = new Tensor[5];
        for (int k = 0; k < 5; k++) {
            Tensor w = Tensor.parameter("w" + (k + 1), Nd4j.create(new double[] {8}, new long[] {1, 1}, 'c'));
            biases[k] = Tensor.parameter("b" + (k + 1), Nd4j.create(new double[] {-4}, new long[] {1}, 'c'));
            a = logistic(biasAdd(matmul(a, w), biases[k]));
        }
        assertEquals(0.5, a.item(), 0.0, "every z is 0");
        loss(SquaredError.half(Reduction.SUM), a, row(1.0)).backward();
        double dz5 = biases[4].grad().getDouble(0);
        assertEquals((0.5 - 1.0) * 0.25, dz5, 0.0);
        for (int k = 0; k < 4; k++) {
            assertEquals(Math.pow(2, 4 - k) * dz5, biases[k].grad().getDouble(0), 0.0, "dE/dz(" + (k + 1) + ")");
        }
        assertEquals(16 * dz5, biases[0].grad().getDouble(0), 0.0);
    }

    @Test
    void logisticOutputWithCrossEntropyGivesDlDzEqualToAMinusY() {
        // Oxford ML §3.1.1 (see docs/notes.md): for cross-entropy after a logistic unit dl/dz = a - y. (Oxford ML eq.
        // 23 prints y - a, a sign slip: eq. 21 times eq. 22 gives a - y.)
        double[][] z = {{-5}, {-0.7}, {0.3}, {2.5}};
        double[][] y = {{1}, {0}, {1}, {0}};
        INDArray zv = Nd4j.create(z);
        INDArray a = Nd4j.create(new double[][] {{sig(-5)}, {sig(-0.7)}, {sig(0.3)}, {sig(2.5)}});
        INDArray expected = a.sub(Nd4j.create(y));

        Tensor fused = Tensor.parameter(zv.dup());
        loss(new BinaryCrossEntropyWithLogits(Reduction.SUM), fused, Tensor.constant(Nd4j.create(y)))
                .backward();
        assertEquals(0.0, fused.grad().sub(expected).amaxNumber().doubleValue(), 1e-15, "fused with logits");

        Tensor composed = Tensor.parameter(zv.dup());
        loss(new BinaryCrossEntropy(Reduction.SUM), logistic(composed), Tensor.constant(Nd4j.create(y)))
                .backward();
        assertEquals(
                0.0,
                composed.grad().sub(expected).amaxNumber().doubleValue(),
                1e-12,
                "logistic then BinaryCrossEntropy");
    }

    @Test
    void crossEntropyDoesNotStallOnASaturatedUnitWhereSquaredErrorDoes() {
        // Oxford ML §3.1.1 (see docs/notes.md): a unit saturated at z = -5 with target 1. Squared loss (a - y)^2 gives
        // dl/dz = 2 (a - y) sigma'(z), about -0.013; cross-entropy gives a - y, about -0.993.
        Tensor target = row(1.0);
        Tensor zs = Tensor.parameter(Nd4j.create(new double[] {-5}, new long[] {1, 1}, 'c'));
        loss(SquaredError.mse(), logistic(zs), target).backward();
        Tensor zc = Tensor.parameter(Nd4j.create(new double[] {-5}, new long[] {1, 1}, 'c'));
        loss(new BinaryCrossEntropyWithLogits(Reduction.SUM), zc, target).backward();
        double a = sig(-5);
        assertEquals(2 * (a - 1) * a * (1 - a), zs.grad().getDouble(0), 1e-15);
        assertEquals(a - 1, zc.grad().getDouble(0), 1e-15);
        assertTrue(Math.abs(zc.grad().getDouble(0)) > 70 * Math.abs(zs.grad().getDouble(0)));
    }

    private static double sig(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
