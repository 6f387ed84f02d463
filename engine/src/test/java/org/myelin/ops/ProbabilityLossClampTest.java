package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.GradCheck;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The probability losses clamp y (binary cross-entropy to [eps, 1 - eps], categorical below at eps); their gradient
 * is the derivative of that clamped loss: the interior formula at and inside the bounds, 0 outside. It was the
 * interior formula at the clamped value everywhere (up to 1 / eps), which no central difference reproduces.
 */
class ProbabilityLossClampTest {
    private static final double EPS = 0.1; // a wide clamp, so that points near it are far from it in steps of 1e-5

    private static INDArray row(double... v) {
        return Nd4j.createFromArray(new double[][] {v});
    }

    private static GradCheck.Result check(Supplier<LossOp> loss, INDArray y, INDArray t) {
        return GradCheck.check(p -> Autograd.apply(loss.get(), p[0], Tensor.constant(t)), y);
    }

    @Test
    void binaryCrossEntropyGradientIsTheDerivativeOfTheClampedLossNearTheClamp() {
        // Outside, just inside and well inside both bounds, with both targets.
        INDArray y = row(0.01, 0.0999, 0.1001, 0.5, 0.8999, 0.9001, 0.99, 0.3);
        INDArray t = row(1, 1, 1, 0, 0, 0, 0, 0.25);
        GradCheck.Result r = check(() -> new BinaryCrossEntropy(Reduction.SUM, EPS), y, t);
        assertTrue(r.passed(1e-6), r.toString());
        GradCheck.Result other =
                check(() -> new BinaryCrossEntropy(Reduction.SUM, EPS), y, row(0, 0, 0, 1, 1, 1, 1, 1));
        assertTrue(other.passed(1e-6), other.toString());
    }

    @Test
    void binaryCrossEntropyGradientAtTheBoundsIsTheInsideDerivative() {
        // At a bound the loss has a kink: the convention (torch.clamp's) is the derivative from inside, which a
        // one-sided difference from inside reproduces.
        for (double bound : new double[] {EPS, 1 - EPS}) {
            for (double target : new double[] {0, 1}) {
                Tensor y = Tensor.parameter(row(bound));
                Autograd.apply(new BinaryCrossEntropy(Reduction.SUM, EPS), y, Tensor.constant(row(target)))
                        .backward();
                double h = 1e-7 * (bound < 0.5 ? 1 : -1); // towards the inside
                double inside = (bce(bound + h, target) - bce(bound, target)) / h;
                assertEquals((bound - target) / (bound * (1 - bound)), y.grad().getDouble(0), 1e-12);
                assertEquals(inside, y.grad().getDouble(0), 1e-5, "y = " + bound + ", t = " + target);
            }
        }
    }

    private static double bce(double y, double t) {
        return Autograd.apply(
                        new BinaryCrossEntropy(Reduction.SUM, EPS), Tensor.constant(row(y)), Tensor.constant(row(t)))
                .item();
    }

    @Test
    void binaryCrossEntropyGivesNoGradientWhereTheClampMakesItConstant() {
        Tensor y = Tensor.parameter(row(0.0, 1e-9, 1 - 1e-9, 1.0));
        Autograd.apply(new BinaryCrossEntropy(Reduction.SUM), y, Tensor.constant(row(1, 1, 0, 0)))
                .backward();
        // Was -1e7, -1e7, 1e7, 1e7: the derivative at the clamped value of a loss that is constant there.
        assertEquals(0.0, y.grad().amaxNumber().doubleValue(), 0.0, y.grad().toString());
    }

    @Test
    void categoricalCrossEntropyGradientIsTheDerivativeOfTheClampedLossNearTheClamp() {
        INDArray y = row(0.05, 0.0999, 0.1001, 0.7);
        GradCheck.Result r =
                check(() -> new CategoricalCrossEntropy(Reduction.SUM, EPS), y, row(0.25, 0.25, 0.25, 0.25));
        assertTrue(r.passed(1e-6), r.toString());
        Tensor at = Tensor.parameter(row(EPS, 0.01, 0.89));
        Autograd.apply(new CategoricalCrossEntropy(Reduction.SUM, EPS), at, Tensor.constant(row(0.5, 0.5, 0)))
                .backward();
        assertEquals(-0.5 / EPS, at.grad().getDouble(0), 1e-12, "at the bound: the inside derivative");
        assertEquals(0.0, at.grad().getDouble(1), 0.0, "below the bound: constant loss");
    }

    @Test
    void binaryCrossEntropyRefusesFinitePredictionsOutsideZeroToOne() {
        INDArray t = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
        for (double bad : new double[] {1.5, -0.25, 3.0}) {
            INDArray y = Nd4j.createFromArray(new double[][] {{0.9, 0.2}, {bad, 0.7}});
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class,
                    () -> Ops.loss(new BinaryCrossEntropy(Reduction.MEAN), Tensor.constant(y), Tensor.constant(t)));
            assertEquals(
                    "binary_cross_entropy: predictions must be probabilities in [0, 1] (for raw scores use"
                            + " binary_cross_entropy_with_logits), row 1 column 0 is " + bad,
                    e.getMessage());
        }
        // The bounds themselves are probabilities.
        INDArray edges = Nd4j.createFromArray(new double[][] {{1, 0}, {0, 1}});
        double loss = Ops.loss(new BinaryCrossEntropy(Reduction.MEAN), Tensor.constant(edges), Tensor.constant(t))
                .item();
        assertTrue(loss < 1e-6, "loss at the bounds " + loss);
    }
}
