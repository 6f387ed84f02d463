package org.myelin.ops;

import static org.myelin.ops.Ops.activate;
import static org.myelin.ops.Ops.biasAdd;
import static org.myelin.ops.Ops.loss;
import static org.myelin.ops.Ops.matmul;
import static org.myelin.ops.TestArrays.binary;
import static org.myelin.ops.TestArrays.gaussian;
import static org.myelin.ops.TestArrays.oneHotRows;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.GradCheckLedger;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient checks of two-layer networks {@code loss(out(f(X W1 + b1) W2 + b2), T)} for every hidden activation
 * and every loss, each loss with the output transform it expects: identity for the regression losses, logistic
 * before Bernoulli cross-entropy, softmax before categorical cross-entropy, raw logits for the fused losses.
 * Checked with respect to X, W1, b1, W2 and b2.
 *
 * <p>Every differentiable activation is a hidden layer here. Threshold is left out: no gradient passes it, so
 * the first layer's check would be trivially zero (its own zero-gradient check is in {@link OpGradientTest}).
 */
@ExtendWith(GradCheckLedger.class)
class NetworkGradientTest {

    private static final int BATCH = 3;
    private static final int IN = 2;
    private static final int HIDDEN = 3;
    private static final int OUT = 3;

    /** A loss with the output transform it expects and a matching target. */
    record LossSpec(String name, UnaryOperator<Tensor> output, Supplier<LossOp> loss, INDArray target) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<LossSpec> losses() {
        UnaryOperator<Tensor> raw = z -> z;
        UnaryOperator<Tensor> logistic = Ops::logistic;
        UnaryOperator<Tensor> softmax = Ops::softmax;
        INDArray regression = gaussian(200, BATCH, OUT);
        List<LossSpec> l = new ArrayList<>();
        l.add(new LossSpec(
                "identity + SquaredError.half(SUM)", raw, () -> SquaredError.half(Reduction.SUM), regression));
        l.add(new LossSpec("identity + SquaredError.mse()", raw, SquaredError::mse, regression));
        l.add(new LossSpec("identity + AbsoluteError(MEAN)", raw, () -> new AbsoluteError(Reduction.MEAN), regression));
        l.add(new LossSpec(
                "logistic + BinaryCrossEntropy(MEAN)",
                logistic,
                () -> new BinaryCrossEntropy(Reduction.MEAN),
                binary(201, BATCH, OUT)));
        l.add(new LossSpec(
                "logits + BinaryCrossEntropyWithLogits(SUM)",
                raw,
                () -> new BinaryCrossEntropyWithLogits(Reduction.SUM),
                binary(202, BATCH, OUT)));
        l.add(new LossSpec(
                "softmax + CategoricalCrossEntropy(MEAN)",
                softmax,
                () -> new CategoricalCrossEntropy(Reduction.MEAN),
                oneHotRows(203, BATCH, OUT)));
        l.add(new LossSpec(
                "logits + SoftmaxCrossEntropy(MEAN)",
                raw,
                () -> new SoftmaxCrossEntropy(Reduction.MEAN),
                oneHotRows(204, BATCH, OUT)));
        return l;
    }

    static Stream<Arguments> networks() {
        List<Arguments> a = new ArrayList<>();
        for (Activation hidden : List.of(
                Activations.LOGISTIC,
                Activations.TANH,
                Activations.ARCTAN,
                Activations.RELU,
                Activations.leakyRelu(0.1),
                Activations.IDENTITY,
                Activations.SOFTMAX)) {
            for (LossSpec loss : losses()) {
                a.add(Arguments.of(hidden, loss));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "hidden {0}, output {1}")
    @MethodSource("networks")
    void twoLayerNetworkGradientMatchesCentralDifferences(Activation hidden, LossSpec spec) {
        INDArray x = gaussian(210, BATCH, IN);
        INDArray w1 = gaussian(211, IN, HIDDEN).muli(0.8);
        INDArray b1 = gaussian(212, HIDDEN).muli(0.3);
        INDArray w2 = gaussian(213, HIDDEN, OUT).muli(0.8);
        INDArray b2 = gaussian(214, 1, OUT).muli(0.3);
        Tensor target = Tensor.constant(spec.target());
        GradCheckLedger.assertGradientsMatch(
                "network " + hidden.name() + " / " + spec.name(),
                p -> {
                    Tensor h = activate(biasAdd(matmul(p[0], p[1]), p[2]), hidden);
                    Tensor out = spec.output().apply(biasAdd(matmul(h, p[3]), p[4]));
                    return loss(spec.loss().get(), out, target);
                },
                x,
                w1,
                b1,
                w2,
                b2);
    }
}
