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

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void nativeLossWithGradientEqualsTheNd4jFormulationOnOddShapesAndLargeLogits(DataType type) {
        ElementwiseKernels nativeCpu = Kernels.nativeCpu();
        for (long[] shape : new long[][] {{1, 2}, {7, 3}, {128, 10}, {33, 101}}) {
            for (double logitScale : new double[] {1.0, 300.0}) {
                INDArray y = Nd4j.getRandomFactory()
                        .getNewRandomInstance(9)
                        .nextGaussian(shape)
                        .muli(logitScale)
                        .castTo(type);
                INDArray t = Nd4j.zeros(type, shape);
                for (int r = 0; r < shape[0]; r++) {
                    t.putScalar(r, (r * 7) % shape[1], 1.0);
                }
                double scale = 1.0 / shape[0];
                INDArray expected = Nd4j.create(type, shape);
                double expectedTotal = Nd4jKernels.INSTANCE.softmaxCrossEntropyWithGradient(y, t, expected, scale);
                INDArray actual = Nd4j.create(type, shape);
                double total = nativeCpu.softmaxCrossEntropyWithGradient(y, t, actual, scale);
                double tol = type == DataType.FLOAT ? 1e-6 : 1e-13;
                String what = type + " " + java.util.Arrays.toString(shape) + " logits x" + logitScale;
                assertEquals(expectedTotal, total, tol * (1 + Math.abs(expectedTotal)) * shape[0], what + " total");
                double d = actual.sub(expected).amaxNumber().doubleValue();
                assertTrue(d <= tol * scale * 2, what + ": gradient difference " + d);
                // The same through an f-order copy of the logits, which the native path hands to ND4J.
                INDArray viaFallback = Nd4j.create(type, shape);
                nativeCpu.softmaxCrossEntropyWithGradient(y.dup('f'), t, viaFallback, scale);
                assertTrue(viaFallback.equalsWithEps(expected, tol), what + ": f-order fallback");
            }
        }
    }

    @Test
    void anUpstreamGradientOtherThanOneScalesThePrecomputedGradient() {
        INDArray t = oneHot(DataType.DOUBLE, 0, 3, 1, 2, 3);
        Tensor y1 = Tensor.parameter(logits(DataType.DOUBLE, 2.0));
        Tensor y2 = Tensor.parameter(logits(DataType.DOUBLE, 2.0));
        Autograd.apply(new FusedSoftmaxCrossEntropy(Reduction.MEAN), y1, Tensor.constant(t))
                .backward();
        Tensor scaled = org.myelin.ops.Ops.mul(
                Autograd.apply(new FusedSoftmaxCrossEntropy(Reduction.MEAN), y2, Tensor.constant(t)),
                Tensor.constant(Nd4j.scalar(DataType.DOUBLE, 2.5)));
        scaled.backward();
        double d = y2.grad().sub(y1.grad().mul(2.5)).amaxNumber().doubleValue();
        assertTrue(d <= 1e-15, "difference " + d);
        GradCheck.Result res = GradCheck.check(
                y -> org.myelin.ops.Ops.mul(
                        Autograd.apply(new FusedSoftmaxCrossEntropy(Reduction.SUM), y[0], Tensor.constant(t)),
                        Tensor.constant(Nd4j.scalar(DataType.DOUBLE, -1.5))),
                logits(DataType.DOUBLE, 2.0));
        assertTrue(res.passed(1e-6), res.toString());
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
    void nonFiniteLogitsGiveANanLossOnTheNativeAndNd4jPaths(DataType type) {
        // A NaN row whose target row is all 0, and a logit of -inf where the target is 0: the ND4J formulation adds
        // 0 * log p = NaN; the native kernel skipped terms with t = 0 and returned a finite loss.
        double[][][] cases = {
            {{Double.NaN, 0.5, 1}, {0.2, 0.3, 0.1}},
            {{Double.NEGATIVE_INFINITY, 0.5, 1}, {0.2, 0.3, 0.1}},
        };
        double[][][] targets = {
            {{0, 0, 0}, {1, 0, 0}},
            {{0, 1, 0}, {1, 0, 0}},
        };
        for (int i = 0; i < cases.length; i++) {
            INDArray y = Nd4j.createFromArray(cases[i]).castTo(type);
            INDArray t = Nd4j.createFromArray(targets[i]).castTo(type);
            String what = type + " case " + i;
            double nd4j = Nd4jKernels.INSTANCE.softmaxCrossEntropyWithGradient(y, t, Nd4j.create(type, 2, 3), 0.5);
            assertTrue(Double.isNaN(nd4j), what + ": ND4J " + nd4j);
            double nd4jP = Nd4jKernels.INSTANCE.softmaxCrossEntropy(y, t, Nd4j.create(type, 2, 3));
            assertTrue(Double.isNaN(nd4jP), what + ": ND4J " + nd4jP);
            if (org.myelin.kernels.NativeKernels.available()) {
                double nat = new NativeCpuKernels().softmaxCrossEntropyWithGradient(y, t, Nd4j.create(type, 2, 3), 0.5);
                assertTrue(Double.isNaN(nat), what + ": native " + nat);
                double natP = new NativeCpuKernels().softmaxCrossEntropy(y, t, Nd4j.create(type, 2, 3));
                assertTrue(Double.isNaN(natP), what + ": native " + natP);
            }
        }
    }
}
