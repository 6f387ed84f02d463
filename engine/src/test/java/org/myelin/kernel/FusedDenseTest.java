package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.GradCheck;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused dense-and-activation op: gradient checks, and equality with MatMul, BiasAdd and Activate in turn. */
class FusedDenseTest {

    static Stream<Activation> activations() {
        return Stream.of(
                Activations.LOGISTIC,
                Activations.TANH,
                Activations.ARCTAN,
                Activations.RELU,
                Activations.leakyRelu(0.1),
                Activations.IDENTITY,
                Activations.THRESHOLD);
    }

    private static INDArray gaussian(long seed, DataType type, long... shape) {
        return Nd4j.getRandomFactory()
                .getNewRandomInstance(seed)
                .nextGaussian(shape)
                .castTo(type);
    }

    @ParameterizedTest
    @MethodSource("activations")
    void gradientsOfInputWeightAndBiasMatchCentralDifferences(Activation f) {
        GradCheck.Result r = GradCheck.check(
                t -> Autograd.apply(new FusedDense(f), t[0], t[1], t[2]),
                gaussian(1, DataType.DOUBLE, 4, 6),
                gaussian(2, DataType.DOUBLE, 6, 5),
                gaussian(3, DataType.DOUBLE, 5));
        assertTrue(r.passed(1e-6), f.name() + ": " + r);
    }

    @ParameterizedTest
    @MethodSource("activations")
    void equalsMatMulThenBiasAddThenActivateInFloat32(Activation f) {
        INDArray x = gaussian(4, DataType.FLOAT, 16, 33);
        INDArray w = gaussian(5, DataType.FLOAT, 33, 9);
        INDArray b = gaussian(6, DataType.FLOAT, 1, 9);
        INDArray g = gaussian(7, DataType.FLOAT, 16, 9);

        Tensor[] fused = {Tensor.parameter(x.dup()), Tensor.parameter(w.dup()), Tensor.parameter(b.dup())};
        Tensor a1 = Autograd.apply(new FusedDense(f), fused);
        Tensor[] plain = {Tensor.parameter(x.dup()), Tensor.parameter(w.dup()), Tensor.parameter(b.dup())};
        Tensor a2 = Ops.activate(Ops.biasAdd(Ops.matmul(plain[0], plain[1]), plain[2]), f);
        assertTrue(maxDiff(a1.value(), a2.value()) <= 1e-5, f.name() + " forward: " + maxDiff(a1.value(), a2.value()));

        a1.backward(g);
        a2.backward(g);
        for (int i = 0; i < 3; i++) {
            double d = maxDiff(fused[i].grad(), plain[i].grad());
            assertTrue(d <= 1e-4, f.name() + " gradient of input " + i + ": max difference " + d);
            assertEquals(plain[i].value(), fused[i].value(), "the op must not change its inputs");
        }
    }

    @ParameterizedTest
    @MethodSource("activations")
    void aPredictionWithoutGradientsEqualsTheRecordedForwardAndLeavesItsInputsAlone(Activation f) {
        INDArray x = gaussian(11, DataType.FLOAT, 16, 33);
        INDArray w = gaussian(12, DataType.FLOAT, 33, 9);
        INDArray b = gaussian(13, DataType.FLOAT, 1, 9);
        Tensor recorded = Autograd.apply(
                new FusedDense(f), Tensor.parameter(x.dup()), Tensor.parameter(w.dup()), Tensor.parameter(b.dup()));
        Tensor[] inputs = {Tensor.parameter(x.dup()), Tensor.parameter(w.dup()), Tensor.parameter(b.dup())};
        Tensor predicted;
        try (var scope = Autograd.noGrad()) {
            predicted = Autograd.apply(new FusedDense(f), inputs);
        }
        Tensor constants = Autograd.apply(
                new FusedDense(f), Tensor.constant(x.dup()), Tensor.constant(w.dup()), Tensor.constant(b.dup()));
        assertEquals(recorded.value(), predicted.value(), f.name() + " under noGrad");
        assertEquals(recorded.value(), constants.value(), f.name() + " with constant inputs");
        assertEquals(x, inputs[0].value(), "the op must not change its inputs");
        assertEquals(w, inputs[1].value(), "the op must not change its inputs");
        assertEquals(b, inputs[2].value(), "the op must not change its inputs");
    }

    @Test
    void aConstantInputGetsNoGradientAndTheBiasGradientKeepsTheBiasShape() {
        Tensor x = Tensor.constant(gaussian(8, DataType.DOUBLE, 3, 4));
        Tensor w = Tensor.parameter(gaussian(9, DataType.DOUBLE, 4, 2));
        Tensor b = Tensor.parameter(gaussian(10, DataType.DOUBLE, 2));
        Ops.sum(Autograd.apply(new FusedDense(Activations.TANH), x, w, b)).backward();
        assertNull(x.grad());
        assertEquals(2, b.grad().rank() == 1 ? b.grad().length() : -1);
        assertEquals(4 * 2, w.grad().length());
    }

    @Test
    void nonElementwiseActivationsAreRefusedByName() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new FusedDense(Activations.SOFTMAX));
        assertTrue(e.getMessage().contains("was softmax"), e.getMessage());
    }

    private static double maxDiff(INDArray p, INDArray q) {
        return p.castTo(DataType.DOUBLE)
                .sub(q.castTo(DataType.DOUBLE))
                .amaxNumber()
                .doubleValue();
    }
}
