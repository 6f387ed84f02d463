package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.GradCheck;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Reduction;
import org.myelin.ops.SoftmaxCrossEntropy;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The trainer's softmax cross-entropy: a gradient check, and equality with the pure-ND4J op and kernel paths. */
class FusedSoftmaxCrossEntropyTest {

    private static INDArray oneHot(DataType type, int... classes) {
        INDArray t = Nd4j.zeros(type, classes.length, 4);
        for (int r = 0; r < classes.length; r++) {
            t.putScalar(r, classes[r], 1.0);
        }
        return t;
    }

    private static INDArray logits(DataType type, double scale) {
        return Nd4j.getRandomFactory()
                .getNewRandomInstance(5)
                .nextGaussian(new long[] {5, 4})
                .muli(scale)
                .castTo(type);
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void gradientMatchesCentralDifferences(Reduction r) {
        INDArray t = oneHot(DataType.DOUBLE, 0, 3, 1, 2, 3);
        GradCheck.Result res = GradCheck.check(
                y -> Autograd.apply(new FusedSoftmaxCrossEntropy(r), y[0], Tensor.constant(t)),
                logits(DataType.DOUBLE, 2.0));
        assertTrue(res.passed(1e-6), res.toString());
    }

    @ParameterizedTest
    @EnumSource(Reduction.class)
    void equalsTheNd4jOpInValueAndGradientEvenForLargeLogits(Reduction r) {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            for (double scale : new double[] {1.0, 500.0}) {
                INDArray t = oneHot(type, 2, 0, 1, 3, 3);
                Tensor y1 = Tensor.parameter(logits(type, scale));
                Tensor y2 = Tensor.parameter(logits(type, scale));
                Tensor l1 = Autograd.apply(new FusedSoftmaxCrossEntropy(r), y1, Tensor.constant(t));
                Tensor l2 = Autograd.apply(new SoftmaxCrossEntropy(r), y2, Tensor.constant(t));
                double tol = type == DataType.FLOAT ? 1e-5 : 1e-12;
                String what = r + " " + type + " scale " + scale;
                assertEquals(l2.item(), l1.item(), tol * (1 + Math.abs(l2.item())), what);
                assertTrue(Double.isFinite(l1.item()), what);
                l1.backward();
                l2.backward();
                double d = y1.grad().sub(y2.grad()).amaxNumber().doubleValue();
                assertTrue(d <= tol, what + ": gradient difference " + d);
            }
        }
    }

    @Test
    void nativeAndNd4jKernelsAgreeAlsoOnNonContiguousInputs() {
        INDArray y = logits(DataType.FLOAT, 3.0);
        INDArray t = oneHot(DataType.FLOAT, 1, 1, 0, 2, 3);
        INDArray pNd4j = Nd4j.create(DataType.FLOAT, 5, 4);
        double expected = Nd4jKernels.INSTANCE.softmaxCrossEntropy(y, t, pNd4j);
        if (org.myelin.kernels.NativeKernels.available()) {
            INDArray p = Nd4j.create(DataType.FLOAT, 5, 4);
            assertEquals(expected, new NativeCpuKernels().softmaxCrossEntropy(y, t, p), 1e-5);
            assertTrue(p.equalsWithEps(pNd4j, 1e-6));
            // An f-order copy is not streamable: the native implementation hands it to ND4J with the same result.
            INDArray pf = Nd4j.create(DataType.FLOAT, 5, 4);
            assertEquals(expected, new NativeCpuKernels().softmaxCrossEntropy(y.dup('f'), t, pf), 1e-5);
            assertTrue(pf.equalsWithEps(pNd4j, 1e-6));
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Kernels.active().softmaxCrossEntropy(y, t, Nd4j.create(DataType.FLOAT, 5, 3)));
        assertTrue(e.getMessage().contains("probabilities"), e.getMessage());
    }
}
