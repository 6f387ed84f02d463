package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
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
import org.nd4j.linalg.ops.transforms.Transforms;

/** The fused-backward activation op: a gradient check, and equality with the pure-ND4J {@code Activate}. */
class FusedActivateTest {

    static Stream<Activation> activations() {
        return Stream.of(
                Activations.LOGISTIC,
                Activations.TANH,
                Activations.ARCTAN,
                Activations.RELU,
                Activations.leakyRelu(0.1),
                Activations.IDENTITY,
                Activations.SOFTMAX);
    }

    /** Inputs kept away from 0 so ReLU and leaky ReLU are differentiable at every point. */
    private static INDArray input(DataType type) {
        INDArray z = Nd4j.getRandomFactory()
                .getNewRandomInstance(11)
                .nextGaussian(new long[] {5, 7})
                .castTo(type);
        // |z| + 0.05 with z's sign: nothing within 0.05 of 0.
        return Transforms.abs(z, true)
                .addi(0.05)
                .muli(z.gte(0.0).castTo(type).muli(2).subi(1));
    }

    @ParameterizedTest
    @MethodSource("activations")
    void gradientMatchesCentralDifferences(Activation f) {
        GradCheck.Result r = GradCheck.check(x -> Autograd.apply(new FusedActivate(f), x[0]), input(DataType.DOUBLE));
        assertTrue(r.passed(1e-6), f.name() + ": " + r);
    }

    @ParameterizedTest
    @MethodSource("activations")
    void equalsThePureNd4jActivateInFloat32(Activation f) {
        INDArray z = input(DataType.FLOAT);
        INDArray g = Nd4j.rand(DataType.FLOAT, 5, 7).subi(0.5);
        Tensor x1 = Tensor.parameter(z.dup());
        Autograd.apply(new FusedActivate(f), x1).backward(g);
        Tensor x2 = Tensor.parameter(z.dup());
        Ops.activate(x2, f).backward(g);
        double diff = x1.grad().sub(x2.grad()).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-6, f.name() + ": max difference " + diff);
        assertEquals(0, x1.value().sub(x2.value()).amaxNumber().doubleValue());
    }
}
