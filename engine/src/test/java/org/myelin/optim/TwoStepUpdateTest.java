package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every optimiser against updates computed by hand, for two steps on one float64 parameter
 * {@code w0 = [1, -2]} fed the fixed gradients {@code g1 = [0.3, -0.6]}, then {@code g2 = [0.4, 0.8]}.
 * The expected values are written as the arithmetic of each formula, never by calling the code under test;
 * {@code eps} values are large on purpose, so that where eps enters the formula matters.
 */
class TwoStepUpdateTest {

    static final double TOL = 1e-12;

    /** The parameter after step 1 and after step 2, as {@code {w1, w2}}. */
    static double[][] twoSteps(Function<Map<String, Tensor>, Optimizer> make) {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(1.0, -2.0));
        Optimizer opt = make.apply(Map.of("w", w));
        w.setGrad(Nd4j.createFromArray(0.3, -0.6));
        opt.step();
        double[] w1 = w.value().toDoubleVector();
        w.setGrad(Nd4j.createFromArray(0.4, 0.8));
        opt.step();
        return new double[][] {w1, w.value().toDoubleVector()};
    }

    static void assertSteps(double[] w1, double[] w2, double[][] actual) {
        assertArrayEquals(w1, actual[0], TOL, "after step 1");
        assertArrayEquals(w2, actual[1], TOL, "after step 2");
    }

    @Test
    void sgdSubtractsRateTimesGradient() {
        // w1 = w0 - 0.1 g1 = [1 - 0.03, -2 + 0.06]; w2 = w1 - 0.1 g2 = [0.97 - 0.04, -1.94 - 0.08]
        assertSteps(new double[] {0.97, -1.94}, new double[] {0.93, -2.02}, twoSteps(p -> new Sgd(p, 0.1)));
    }

    @Test
    void heavyBallMomentumAccumulatesGradients() {
        // v1 = g1 = [0.3, -0.6]; w1 = w0 - 0.1 v1 = [0.97, -1.94]
        // v2 = 0.9 v1 + g2 = [0.27 + 0.4, -0.54 + 0.8] = [0.67, 0.26]; w2 = w1 - 0.1 v2 = [0.903, -1.966]
        assertSteps(
                new double[] {0.97, -1.94},
                new double[] {0.903, -1.966},
                twoSteps(p -> new Momentum(p, new Momentum.Hyper(0.1, Momentum.Form.HEAVY_BALL, 0.9))));
    }

    @Test
    void frictionMomentumFollowsCs489() {
        // kappa = 0.1, r = 0.2. V1 = (1 - r) 0 - g1 = [-0.3, 0.6]; W1 = W0 + kappa V1 = [0.97, -1.94]
        // V2 = 0.8 V1 - g2 = [-0.24 - 0.4, 0.48 - 0.8] = [-0.64, -0.32]; W2 = W1 + 0.1 V2 = [0.906, -1.972]
        assertSteps(
                new double[] {0.97, -1.94},
                new double[] {0.906, -1.972},
                twoSteps(p -> new Momentum(p, new Momentum.Hyper(0.1, Momentum.Form.FRICTION, 0.2))));
    }

    @Test
    void convexMomentumFollowsCs489() {
        // kappa = 0.1, beta = 0.9. V1 = 0.9 * 0 - 0.1 g1 = [-0.03, 0.06]; W1 = W0 + 0.1 V1 = [0.997, -1.994]
        // V2 = 0.9 V1 - 0.1 g2 = [-0.027 - 0.04, 0.054 - 0.08] = [-0.067, -0.026]; W2 = W1 + 0.1 V2
        //    = [0.997 - 0.0067, -1.994 - 0.0026] = [0.9903, -1.9966]
        assertSteps(
                new double[] {0.997, -1.994},
                new double[] {0.9903, -1.9966},
                twoSteps(p -> new Momentum(p, new Momentum.Hyper(0.1, Momentum.Form.CONVEX, 0.9))));
    }

    @Test
    void nesterovStepsWithLookAheadGradient() {
        // v1 = g1; w1 = w0 - 0.1 (g1 + 0.9 v1) = w0 - 0.19 g1 = [1 - 0.057, -2 + 0.114] = [0.943, -1.886]
        // v2 = 0.9 v1 + g2 = [0.67, 0.26]; g2 + 0.9 v2 = [0.4 + 0.603, 0.8 + 0.234] = [1.003, 1.034]
        // w2 = w1 - 0.1 [1.003, 1.034] = [0.8427, -1.9894]
        assertSteps(
                new double[] {0.943, -1.886},
                new double[] {0.8427, -1.9894},
                twoSteps(p -> new Nesterov(p, new Nesterov.Hyper(0.1, 0.9))));
    }

    @Test
    void adagradDividesBySqrtOfSummedSquaresPlusEps() {
        // lr = 0.1, eps = 0.5. G1 = g1^2 = [0.09, 0.36], sqrt = [0.3, 0.6], + eps = [0.8, 1.1]
        // w1 = [1 - 0.1 * 0.3 / 0.8, -2 + 0.1 * 0.6 / 1.1] = [0.9625, -2 + 0.06 / 1.1]
        // G2 = G1 + g2^2 = [0.25, 1.0], sqrt = [0.5, 1.0], + eps = [1.0, 1.5]
        // w2 = [0.9625 - 0.1 * 0.4 / 1.0, w1[1] - 0.1 * 0.8 / 1.5] = [0.9225, -2 + 0.06 / 1.1 - 0.08 / 1.5]
        assertSteps(
                new double[] {0.9625, -2 + 0.06 / 1.1},
                new double[] {0.9225, -2 + 0.06 / 1.1 - 0.08 / 1.5},
                twoSteps(p -> new Adagrad(p, new Adagrad.Hyper(0.1, 0.5))));
    }

    @Test
    void rmspropDividesBySqrtOfMovingMeanSquarePlusEps() {
        // lr = 0.1, rho = 0.75, eps = 0.05. s1 = 0.25 g1^2 = [0.0225, 0.09], sqrt = [0.15, 0.3], + eps = [0.2, 0.35]
        // w1 = [1 - 0.1 * 0.3 / 0.2, -2 + 0.1 * 0.6 / 0.35] = [0.85, -2 + 0.06 / 0.35]
        // s2 = 0.75 s1 + 0.25 g2^2 = [0.016875 + 0.04, 0.0675 + 0.16] = [0.056875, 0.2275]
        double w1b = -2 + 0.06 / 0.35;
        assertSteps(
                new double[] {0.85, w1b},
                new double[] {0.85 - 0.04 / (Math.sqrt(0.056875) + 0.05), w1b - 0.08 / (Math.sqrt(0.2275) + 0.05)},
                twoSteps(p -> new RmsProp(p, new RmsProp.Hyper(0.1, 0.75, 0.05))));
    }

    @Test
    void adadeltaScalesByRatioOfRmsUpdateToRmsGradient() {
        // lr = 1, rho = 0.75, eps = 0.01.
        // Eg1 = 0.25 g1^2 = [0.0225, 0.09]; d1 = sqrt(0 + eps) / sqrt(Eg1 + eps) g1 = [0.1 * 0.3 / sqrt(0.0325),
        //   -0.1 * 0.6 / sqrt(0.1)]; w1 = w0 - d1
        // Edx1 = 0.25 d1^2 = [0.25 * 0.0009 / 0.0325, 0.25 * 0.0036 / 0.1] = [0.0009 / 0.13, 0.009]
        // Eg2 = 0.75 Eg1 + 0.25 g2^2 = [0.056875, 0.2275]
        // d2 = sqrt(Edx1 + eps) / sqrt(Eg2 + eps) g2; w2 = w1 - d2
        double[] w1 = {1 - 0.03 / Math.sqrt(0.0325), -2 + 0.06 / Math.sqrt(0.1)};
        double[] w2 = {
            w1[0] - Math.sqrt(0.0009 / 0.13 + 0.01) / Math.sqrt(0.066875) * 0.4,
            w1[1] - Math.sqrt(0.009 + 0.01) / Math.sqrt(0.2375) * 0.8
        };
        assertSteps(w1, w2, twoSteps(p -> new Adadelta(p, new Adadelta.Hyper(1.0, 0.75, 0.01))));
    }

    @Test
    void adamCorrectsBiasOfBothMoments() {
        // lr = 0.1, beta1 = 0.5, beta2 = 0.75, eps = 0.1.
        // t = 1: m1 = 0.5 g1, v1 = 0.25 g1^2; m^ = m1 / 0.5 = g1, v^ = v1 / 0.25 = g1^2, sqrt(v^) = [0.3, 0.6]
        //   w1 = w0 - 0.1 g1 / (|g1| + 0.1) = [1 - 0.03 / 0.4, -2 + 0.06 / 0.7] = [0.925, -2 + 0.06 / 0.7]
        // t = 2: m2 = 0.5 m1 + 0.5 g2 = [0.075 + 0.2, -0.15 + 0.4] = [0.275, 0.25]
        //   v2 = 0.75 v1 + 0.25 g2^2 = [0.056875, 0.2275]; 1 - beta1^2 = 0.75, 1 - beta2^2 = 0.4375
        //   v^ = [0.056875 / 0.4375, 0.2275 / 0.4375] = [0.13, 0.52]; m^ = [0.275 / 0.75, 0.25 / 0.75]
        double w1b = -2 + 0.06 / 0.7;
        assertSteps(
                new double[] {0.925, w1b},
                new double[] {
                    0.925 - 0.1 * (0.275 / 0.75) / (Math.sqrt(0.13) + 0.1),
                    w1b - 0.1 * (0.25 / 0.75) / (Math.sqrt(0.52) + 0.1)
                },
                twoSteps(p -> new Adam(p, new Adam.Hyper(0.1, 0.5, 0.75, 0.1))));
    }

    @Test
    void adamWDecaysWeightsBeforeTheAdamStep() {
        // As Adam above, with weight decay 0.5: each step first multiplies w by (1 - 0.1 * 0.5) = 0.95.
        // t = 1: 0.95 w0 = [0.95, -1.9]; w1 = [0.95 - 0.03 / 0.4, -1.9 + 0.06 / 0.7] = [0.875, -1.9 + 0.06 / 0.7]
        // t = 2: w2 = 0.95 w1 - (the Adam step of t = 2 above)
        double w1b = -1.9 + 0.06 / 0.7;
        assertSteps(
                new double[] {0.875, w1b},
                new double[] {
                    0.95 * 0.875 - 0.1 * (0.275 / 0.75) / (Math.sqrt(0.13) + 0.1),
                    0.95 * w1b - 0.1 * (0.25 / 0.75) / (Math.sqrt(0.52) + 0.1)
                },
                twoSteps(p -> new AdamW(p, new AdamW.Hyper(0.1, 0.5, 0.75, 0.1, 0.5))));
    }
}
