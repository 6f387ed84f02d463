package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.GradCheck;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Ops;
import org.myelin.ops.Reduction;
import org.myelin.ops.SoftmaxCrossEntropy;
import org.myelin.train.LossFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Softmax cross-entropy with target rows that do not sum to 1 (a multi-hot row, an all-zero row, a partial row): the
 * gradient must be the derivative of the loss, {@code (softmax(Z) s - T) / B} with {@code s} the row's target sum, as
 * PyTorch differentiates {@code CrossEntropyLoss} with probability targets. Every path gave {@code (softmax(Z) - T) / B},
 * which is that only for {@code s = 1}: the all-zero row below had a loss of 0 and a gradient of {@code softmax / B}.
 *
 * <p>The expected numbers are PyTorch 2.7.1's (libtorch through DJL 0.35.0, float64):
 * {@code loss = -(t * z.log_softmax(1)).sum(1).mean()}, {@code loss.backward()}, {@code z.grad}, the composition
 * {@code torch.nn.functional.cross_entropy} computes for probability targets (reduction 'mean': over the batch).
 */
class SoftmaxCrossEntropyTargetSumTest {

    private static final double[] LOGITS = {-3, -1.5, -0.5, 0, 0.25, 1, 2.5, 4};

    /** Targets {@code [[1, 1, 0, 0], [0, 0, 0, 0]]}: a multi-hot row (sum 2) and an all-zero row (sum 0). */
    private static final double[] MULTI_HOT_AND_ZERO = {1, 1, 0, 0, 0, 0, 0, 0};

    private static final double TORCH_LOSS_MULTI_HOT_AND_ZERO = 2.8809780572365025;
    private static final double[] TORCH_GRAD_MULTI_HOT_AND_ZERO = {
        -0.47350973725864776, -0.38127887900169790, 0.32271746586397220, 0.53207115039637340, 0, 0, 0, 0
    };

    /** Targets {@code [[0.5, 0.5, 0.5, 0], [0.2, 0, 0, 0]]}: row sums 1.5 and 0.2. */
    private static final double[] PARTIAL = {0.5, 0.5, 0.5, 0, 0.2, 0, 0, 0};

    private static final double TORCH_LOSS_PARTIAL = 2.1241953599266940;
    private static final double[] TORCH_GRAD_PARTIAL = {
        -0.23013230294398580,
        -0.16095915925127340,
        -0.0079619006020208440,
        0.39905336279728010,
        -0.098185967956673210,
        0.0038403058658587500,
        0.017211056825774323,
        0.077134605265040120
    };

    private static INDArray matrix(double[] v) {
        return Nd4j.create(v, new long[] {2, 4}, DataType.DOUBLE);
    }

    private static void assertClose(double[] expected, INDArray actual, String what) {
        double[] a = actual.dup('c').data().asDouble();
        assertEquals(expected.length, a.length, what);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], 1e-15, what + " [" + i + "]");
        }
    }

    private static void check(double[] targets, double loss, double[] grad) {
        INDArray t = matrix(targets);
        // The trainer's loss (the fused op on the active kernels) and the pure-ND4J op.
        for (String path : new String[] {"softmax_cross_entropy", "Ops.softmaxCrossEntropy"}) {
            Tensor z = Tensor.parameter(matrix(LOGITS));
            Tensor l = path.startsWith("Ops")
                    ? Ops.softmaxCrossEntropy(z, Tensor.constant(t))
                    : LossFunction.SOFTMAX_CROSS_ENTROPY.apply(z, Tensor.constant(t));
            assertEquals(loss, l.item(), 1e-15, path + " loss");
            l.backward();
            assertClose(grad, z.grad(), path + " gradient");
        }
        // Both kernel implementations, directly (mean over the 2 rows).
        ElementwiseKernels[] kernels = {Nd4jKernels.INSTANCE, Kernels.nativeCpu()};
        for (ElementwiseKernels k : kernels) {
            INDArray g = Nd4j.create(DataType.DOUBLE, 2, 4);
            double total = k.softmaxCrossEntropyWithGradient(matrix(LOGITS), t, g, 0.5);
            assertEquals(loss, total * 0.5, 1e-15, k.getClass().getSimpleName() + " loss");
            assertClose(grad, g, k.getClass().getSimpleName() + " gradient");
        }
    }

    @Test
    void multiHotAndAllZeroTargetRowsGetTheGradientOfTheirLossAsInPytorch() {
        check(MULTI_HOT_AND_ZERO, TORCH_LOSS_MULTI_HOT_AND_ZERO, TORCH_GRAD_MULTI_HOT_AND_ZERO);
    }

    @Test
    void targetRowsSummingToOtherThanOneGetTheGradientOfTheirLossAsInPytorch() {
        check(PARTIAL, TORCH_LOSS_PARTIAL, TORCH_GRAD_PARTIAL);
    }

    @Test
    void gradientMatchesCentralDifferencesForUnnormalisedTargets() {
        for (double[] targets : new double[][] {MULTI_HOT_AND_ZERO, PARTIAL}) {
            INDArray t = matrix(targets);
            for (Reduction r : Reduction.values()) {
                GradCheck.Result fused = GradCheck.check(
                        y -> Autograd.apply(new FusedSoftmaxCrossEntropy(r), y[0], Tensor.constant(t)), matrix(LOGITS));
                assertTrue(fused.passed(1e-6), "fused " + r + ": " + fused);
                GradCheck.Result op = GradCheck.check(
                        y -> Autograd.apply(new SoftmaxCrossEntropy(r), y[0], Tensor.constant(t)), matrix(LOGITS));
                assertTrue(op.passed(1e-6), "op " + r + ": " + op);
            }
        }
    }
}
