package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.ops.TestArrays.gaussian;

import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Bad shapes and invalid hyper-parameters fail at once, naming the op, the expected and the actual value. */
class OpErrorTest {

    private static Tensor p(long... shape) {
        return Tensor.parameter(gaussian(1, shape));
    }

    private static void assertRejected(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should contain '" + part + "'");
        }
    }

    @Test
    void matmulShapeMismatchNamesOpAndBothShapes() {
        assertRejected(() -> Ops.matmul(p(2, 3), p(4, 5)), "MatMul", "[2, 3]", "[4, 5]");
    }

    @Test
    void matmulOfANonMatrixNamesItsRank() {
        assertRejected(() -> Ops.matmul(p(3), p(3, 2)), "MatMul", "[3]", "rank 2");
    }

    @Test
    void biasAddShapeMismatchNamesOpAndBothShapes() {
        assertRejected(() -> Ops.biasAdd(p(2, 3), p(4)), "BiasAdd", "[4]", "[2, 3]");
        assertRejected(() -> Ops.biasAdd(p(2, 3), p(2, 3)), "BiasAdd", "[2, 3]", "[1, 3]");
    }

    static Stream<Arguments> binaryOps() {
        return Stream.of(
                Arguments.of("Add", (BiFunction<Tensor, Tensor, Tensor>) Ops::add),
                Arguments.of("Sub", (BiFunction<Tensor, Tensor, Tensor>) Ops::sub),
                Arguments.of("Mul", (BiFunction<Tensor, Tensor, Tensor>) Ops::mul),
                Arguments.of("Div", (BiFunction<Tensor, Tensor, Tensor>) Ops::div));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("binaryOps")
    void broadcastFailureNamesOpAndBothShapes(String name, BiFunction<Tensor, Tensor, Tensor> op) {
        assertRejected(() -> op.apply(p(2, 3), p(4, 3)), name, "[2, 3]", "[4, 3]", "do not broadcast");
        assertRejected(() -> op.apply(p(2, 3), p(2)), name, "[2, 3]", "[2]");
    }

    static Stream<Arguments> losses() {
        return Stream.of(
                Arguments.of("SquaredError", (Supplier<LossOp>) () -> SquaredError.half(Reduction.SUM)),
                Arguments.of("MSE", (Supplier<LossOp>) SquaredError::mse),
                Arguments.of("AbsoluteError", (Supplier<LossOp>) () -> new AbsoluteError(Reduction.MEAN)),
                Arguments.of("BinaryCrossEntropy", (Supplier<LossOp>) () -> new BinaryCrossEntropy(Reduction.MEAN)),
                Arguments.of("BinaryCrossEntropyWithLogits", (Supplier<LossOp>)
                        () -> new BinaryCrossEntropyWithLogits(Reduction.MEAN)),
                Arguments.of("CategoricalCrossEntropy", (Supplier<LossOp>)
                        () -> new CategoricalCrossEntropy(Reduction.MEAN)),
                Arguments.of("SoftmaxCrossEntropy", (Supplier<LossOp>) () -> new SoftmaxCrossEntropy(Reduction.MEAN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void lossTargetShapeMismatchNamesLossAndBothShapes(String name, Supplier<LossOp> loss) {
        assertRejected(
                () -> Ops.loss(loss.get(), p(4, 3), Tensor.constant(gaussian(2, 3, 4))),
                name,
                "target",
                "[3, 4]",
                "[4, 3]");
        assertRejected(() -> Ops.loss(loss.get(), p(4), Tensor.constant(gaussian(2, 4))), name, "prediction", "[4]");
    }

    @Test
    void lossWithoutReductionIsRejected() {
        assertRejected(() -> new AbsoluteError(null), "AbsoluteError", "reduction");
    }

    @Test
    void normalisationGainAndShiftShapesAreChecked() {
        assertRejected(() -> Ops.batchNorm(p(4, 3), p(4), p(3), 1e-5), "BatchNorm", "gain G", "[4]", "[4, 3]");
        assertRejected(() -> Ops.layerNorm(p(4, 3), p(3), p(3, 1), 1e-5), "LayerNorm", "shift B", "[3, 1]");
        assertRejected(() -> Ops.layerNorm(p(2, 4, 3), p(3), p(3), 1e-5), "LayerNorm", "input", "[2, 4, 3]");
    }

    @Test
    void batchNormRunningStatisticsAreChecked() {
        INDArray three = Nd4j.ones(3);
        assertRejected(() -> new BatchNormOp(1e-5, three, null), "BatchNorm", "running variance", "only the mean");
        assertRejected(
                () -> org.myelin.autodiff.Autograd.apply(
                        new BatchNormOp(1e-5, Nd4j.zeros(4), three), p(2, 3), p(3), p(3)),
                "BatchNorm",
                "running mean",
                "[4]",
                "[2, 3]");
        assertRejected(
                () -> org.myelin.autodiff.Autograd.apply(
                        new BatchNormOp(1e-5, three, Nd4j.ones(3, 1)), p(2, 3), p(3), p(3)),
                "BatchNorm",
                "running variance",
                "[3, 1]");
    }

    @Test
    void reshapeToADifferentElementCountNamesBothShapes() {
        assertRejected(() -> Ops.reshape(p(3, 4), 5, 2), "Reshape", "[3, 4]", "[5, 2]", "12", "10");
    }

    @Test
    void reductionAxisOutOfRangeIsRejected() {
        assertRejected(() -> Ops.sum(p(3, 4), 2), "Sum", "axis 2", "[3, 4]");
        assertRejected(() -> Ops.mean(p(3, 4), -1), "Mean", "axis -1", "[3, 4]");
    }

    @Test
    void transposeAndSoftmaxNeedMatrices() {
        assertRejected(() -> Ops.transpose(p(2, 3, 4)), "Transpose", "[2, 3, 4]");
        assertRejected(() -> Ops.softmax(p(4)), "Softmax", "[4]");
    }

    @Test
    void invalidHyperParametersAreRejectedWithTheirName() {
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(1);
        assertRejected(() -> new DropoutOp(1.0, rng), "Dropout", "rate", "1.0");
        assertRejected(() -> new DropoutOp(-0.1, rng), "Dropout", "rate", "-0.1");
        assertRejected(() -> new DropoutOp(Double.NaN, rng), "Dropout", "rate", "NaN");
        assertRejected(() -> Activations.leakyRelu(1.5), "leaky_relu", "slope", "1.5");
        assertRejected(() -> new BatchNormOp(0), "BatchNorm", "eps", "0.0");
        assertRejected(() -> new LayerNormOp(-1), "LayerNorm", "eps", "-1.0");
        // +Infinity was accepted by the ops (the layers refused it) and normalised every output to 0 / NaN.
        assertRejected(() -> new BatchNormOp(Double.POSITIVE_INFINITY), "BatchNorm", "eps", "finite", "Infinity");
        assertRejected(() -> new LayerNormOp(Double.POSITIVE_INFINITY), "LayerNorm", "eps", "finite", "Infinity");
        // A null stream was accepted and failed at the first forward pass with a NullPointerException.
        assertRejected(() -> new DropoutOp(0.5, null), "Dropout", "random stream", "null");
        assertRejected(() -> new Pow(Double.POSITIVE_INFINITY), "Pow", "exponent", "Infinity");
        assertRejected(() -> new BinaryCrossEntropy(Reduction.SUM, 0.5), "BinaryCrossEntropy", "eps", "0.5");
        assertRejected(() -> new CategoricalCrossEntropy(Reduction.SUM, 0), "CategoricalCrossEntropy", "eps");
    }

    @Test
    void unknownActivationNameListsTheKnownOnes() {
        assertRejected(() -> Activations.byName("swish"), "swish", "relu", "softmax");
        assertRejected(() -> Activations.byName("leaky_relu(x)"), "leaky_relu(x)", "x");
    }

    @Test
    void activationNamesParseBack() {
        for (Activation a : OpCases.differentiableActivations()) {
            assertTrue(Activations.byName(a.name()).name().equals(a.name()), a.name());
        }
        INDArray z = gaussian(3, 2, 2);
        assertTrue(Activations.byName("one_hot").forward(z).equals(Activations.ONE_HOT.forward(z)));
    }
}
