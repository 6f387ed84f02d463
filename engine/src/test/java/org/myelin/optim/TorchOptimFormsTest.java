package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.ElementwiseKernels;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pins every optimiser that follows a {@code torch.optim} formula to it: three float64 steps from
 * {@code w0 = [1, -2, 0.5]} fed fixed gradients, against values computed by
 * {@code engine/src/test/python/torch_optim_reference.py} (PyTorch's documented algorithms in plain Python
 * floats, independent of this code base). eps values are large so that where eps enters shows; the optimisers
 * whose update has a native kernel are also checked on both kernel paths explicitly (the optimiser classes use
 * the one {@link Kernels#active()} chose). The notes' momentum forms and the two-step arithmetic are in
 * {@link TwoStepUpdateTest}; the parity table is docs/optimizers.md.
 */
class TorchOptimFormsTest {

    static final double TOL = 1e-14;
    static final double[] W0 = {1.0, -2.0, 0.5};
    static final double[][] G = {{0.3, -0.6, 0.05}, {0.4, 0.8, -0.1}, {-0.2, 0.1, 0.3}};

    /** The parameter after each of three steps through an optimiser class. */
    static double[][] threeSteps(Function<Map<String, Tensor>, Optimizer> make) {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(W0));
        Optimizer opt = make.apply(Map.of("w", w));
        double[][] out = new double[3][];
        for (int t = 0; t < 3; t++) {
            w.setGrad(Nd4j.createFromArray(G[t]));
            opt.step();
            out[t] = w.value().toDoubleVector();
        }
        return out;
    }

    /** One kernel update per step on an explicit implementation; {@code state} holds the slots. */
    interface KernelStep {
        void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] state, long t);
    }

    static double[][] threeKernelSteps(ElementwiseKernels k, KernelStep step) {
        INDArray w = Nd4j.createFromArray(W0);
        INDArray[] state = {Nd4j.zeros(DataType.DOUBLE, 3), Nd4j.zeros(DataType.DOUBLE, 3)};
        double[][] out = new double[3][];
        for (int t = 0; t < 3; t++) {
            step.apply(k, w, Nd4j.createFromArray(G[t]), state, t + 1);
            out[t] = w.toDoubleVector();
        }
        return out;
    }

    static ElementwiseKernels kernels(String path) {
        return path.equals("native") ? Kernels.nativeCpu() : Kernels.nd4j();
    }

    static void assertSteps(double[][] expected, double[][] actual) {
        for (int t = 0; t < 3; t++) {
            assertArrayEquals(expected[t], actual[t], TOL, "after step " + (t + 1));
        }
    }

    // ---- expected values: the output of torch_optim_reference.py ----

    static final double[][] SGD = {
        {0.97, -1.94, 0.495},
        {0.9299999999999999, -2.02, 0.505},
        {0.95, -2.03, 0.475}
    };
    static final double[][] SGD_MOMENTUM = {
        {0.97, -1.94, 0.495},
        {0.903, -1.966, 0.5005},
        {0.8627, -1.9994, 0.47544999999999993}
    };
    static final double[][] SGD_NESTEROV = {
        {0.943, -1.886, 0.4905},
        {0.8426999999999999, -1.9893999999999998, 0.50545},
        {0.8264299999999999, -2.02946, 0.45290499999999995}
    };
    static final double[][] ADAGRAD = {
        {0.9625, -1.9454545454545455, 0.4909090909090909},
        {0.9225, -1.998787878787879, 0.5072542109564597},
        {0.9417582403567252, -2.0054324519735642, 0.4706758133710311}
    };
    static final double[][] RMSPROP = {
        {0.85, -1.8285714285714285, 0.43333333333333335},
        {0.711344514681941, -1.9803828421566634, 0.529039718277513},
        {0.782908675433023, -2.0018382516469098, 0.38428478329697235}
    };
    static final double[][] ADADELTA = {
        {0.8335899411324312, -1.8102633403898973, 0.4514928749927334},
        {0.6323715102234932, -2.0365375103695924, 0.5418500683724761},
        {0.7594970065000499, -2.0767077963672436, 0.36198892367995433}
    };
    static final double[][] ADAM = {
        {0.925, -1.9142857142857144, 0.4666666666666667},
        {0.8453859332497115, -1.9548811557950476, 0.4940826378369912},
        {0.8347195508783997, -1.9857821249409446, 0.44519240443791297}
    };
    static final double[][] ADAM_L2 = {
        {0.9111111111111111, -1.9058823529411764, 0.425},
        {0.8213195665387119, -1.850821659922742, 0.36927065549521154},
        {0.7567565990694476, -1.7807531087423536, 0.2922877272096836}
    };
    static final double[][] ADAMW = {
        {0.875, -1.8142857142857143, 0.44166666666666665},
        {0.7516359332497113, -1.7641668700807618, 0.4469993045036578},
        {0.7033877542159139, -1.7068594957226206, 0.3757591058793967}
    };

    // ---- the optimiser classes ----

    @Test
    void sgdIsTorchSgdWithoutMomentum() {
        assertSteps(SGD, threeSteps(p -> new Sgd(p, 0.1)));
    }

    @Test
    void heavyBallMomentumIsTorchSgdWithMomentumAndNoDampening() {
        assertSteps(
                SGD_MOMENTUM, threeSteps(p -> new Momentum(p, new Momentum.Hyper(0.1, Momentum.Form.HEAVY_BALL, 0.9))));
    }

    @Test
    void nesterovIsTorchSgdWithNesterov() {
        assertSteps(SGD_NESTEROV, threeSteps(p -> new Nesterov(p, new Nesterov.Hyper(0.1, 0.9))));
    }

    @Test
    void adagradIsTorchAdagrad() {
        assertSteps(ADAGRAD, threeSteps(p -> new Adagrad(p, new Adagrad.Hyper(0.1, 0.5))));
    }

    @Test
    void rmspropIsTorchRmspropUncenteredWithoutMomentum() {
        assertSteps(RMSPROP, threeSteps(p -> new RmsProp(p, new RmsProp.Hyper(0.1, 0.75, 0.05))));
    }

    @Test
    void adadeltaIsTorchAdadelta() {
        assertSteps(ADADELTA, threeSteps(p -> new Adadelta(p, new Adadelta.Hyper(1.0, 0.75, 0.01))));
    }

    @Test
    void adamIsTorchAdamWithEpsAfterTheBiasCorrectedRoot() {
        assertSteps(ADAM, threeSteps(p -> new Adam(p, new Adam.Hyper(0.1, 0.5, 0.75, 0.1))));
    }

    @Test
    void adamWIsTorchAdamW() {
        assertSteps(ADAMW, threeSteps(p -> new AdamW(p, new AdamW.Hyper(0.1, 0.5, 0.75, 0.1, 0.5))));
    }

    // ---- the kernels behind them, both paths ----

    @ParameterizedTest
    @ValueSource(strings = {"nd4j", "native"})
    void sgdKernelsFollowTorchSgd(String path) {
        ElementwiseKernels k = kernels(path);
        assertSteps(SGD, threeKernelSteps(k, (kk, w, g, s, t) -> kk.sgdMomentum(w, g, s[0], 0.1, 0, 0, false)));
        assertSteps(SGD, threeKernelSteps(k, (kk, w, g, s, t) -> kk.sgd(w, g, 0.1, 0)));
        assertSteps(
                SGD_MOMENTUM, threeKernelSteps(k, (kk, w, g, s, t) -> kk.sgdMomentum(w, g, s[0], 0.1, 0.9, 0, false)));
        assertSteps(
                SGD_NESTEROV, threeKernelSteps(k, (kk, w, g, s, t) -> kk.sgdMomentum(w, g, s[0], 0.1, 0.9, 0, true)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nd4j", "native"})
    void adamKernelsFollowTorchAdamAndAdamW(String path) {
        ElementwiseKernels k = kernels(path);
        assertSteps(
                ADAM,
                threeKernelSteps(k, (kk, w, g, s, t) -> kk.adam(w, g, s[0], s[1], 0.1, 0.5, 0.75, 0.1, 0, false, t)));
        assertSteps(
                ADAM_L2,
                threeKernelSteps(k, (kk, w, g, s, t) -> kk.adam(w, g, s[0], s[1], 0.1, 0.5, 0.75, 0.1, 0.5, false, t)));
        assertSteps(
                ADAMW,
                threeKernelSteps(k, (kk, w, g, s, t) -> kk.adam(w, g, s[0], s[1], 0.1, 0.5, 0.75, 0.1, 0.5, true, t)));
    }
}
