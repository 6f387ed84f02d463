package org.myelin.kernel;

import org.myelin.Preconditions;
import org.myelin.Profiler;
import org.myelin.ops.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The elementwise work of a training step, behind one interface so that a fused native implementation can
 * replace the pure-ND4J one: the activation-derivative Hadamard product of backprop, the fused bias add and
 * activation of a dense layer's forward pass, and the in-place optimiser updates.
 *
 * <p>Implementations: {@link Nd4jKernels} (ND4J ops, any layout, any activation) and the native ones that
 * {@link Kernels#active()} picks (fused C++ on the CPU backend, CUDA under {@code -Pcuda}). A native
 * implementation serves a call itself only when every array qualifies (float32 or float64, one data type,
 * c-order with default strides, equal lengths, i.e. contiguous; row-block views of a larger matrix qualify,
 * column views and transposes do not) and the activation is elementwise; otherwise it hands the call to the
 * ND4J implementation. Both give the same result within rounding (tested: |difference| <= 1e-6 |gradOut|
 * for float32, 1e-12 |gradOut| for float64).
 *
 * <p>Arrays passed as outputs ({@code out}, {@code zOut}, {@code aOut}) and optimiser state are written; they
 * may be the same array as an input of the same call (in place) but must not partially overlap one. Inputs are
 * never modified, except the parameter and state arrays of the optimiser updates, which are updated in place.
 */
public interface ElementwiseKernels {

    /** A short name of this implementation: {@code "nd4j"}, {@code "native-cpu"} or {@code "cuda"}. */
    String name();

    /**
     * The vector-Jacobian product of an activation: {@code out = gradOut (.) f'(z)} (CS 479 §3.2,
     * {@code grad_z = sigma'(z) (.) grad_a}; see docs/notes.md).
     *
     * <p>The native kernels compute {@code f'} from {@code z} in numerically stable form (logistic:
     * {@code e / (1 + e)^2} with {@code e = exp(-|z|)}; tanh: {@code 4e / (1 + e)^2} with
     * {@code e = exp(-2|z|)}; arctan {@code 1 / (1 + z^2)}; ReLU {@code step(z)}, 1 at {@code z = 0};
     * leaky ReLU {@code 1 or slope}; identity 1; threshold 0). Softmax, one-hot and any other activation go to
     * {@link Activation#backward} on ND4J.
     *
     * <p>Shapes: z, gradOut and out the same shape.
     *
     * @param f the activation applied in the forward pass
     * @param z its input
     * @param a its output {@code f(z)}, or null (the ND4J path of logistic/tanh/softmax then recomputes it)
     * @param gradOut {@code dL/dA}
     * @param out where to write {@code dL/dZ}, or null for a fresh array; may be {@code gradOut} (in place)
     * @return {@code out}, or the fresh array
     */
    INDArray activationBackward(Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out);

    /**
     * A dense layer's activation backward and bias gradient in one pass: {@code dZ = gradOut (.) f'(z)} as
     * {@link #activationBackward} computes it, and {@code db = column sums of dZ} ({@code db[c] = sum_r dZ[r, c]}),
     * written into {@code biasGradOut}. The native kernels sum in float64 and round once; this default runs the two
     * steps one after the other ({@link #activationBackward}, then {@link #columnSums}).
     *
     * <p>Shapes: z, gradOut and out {@code [B, n]}; biasGradOut {@code [n]} or {@code [1, n]}.
     *
     * @param out where to write dZ, or null for a fresh array; may be {@code gradOut} (in place)
     * @param biasGradOut where to write db; must not overlap any other argument
     * @return {@code out}, or the fresh array
     */
    default INDArray activationBackwardWithBiasGradient(
            Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out, INDArray biasGradOut) {
        requireBiasGradientShape("activationBackwardWithBiasGradient", gradOut, biasGradOut);
        INDArray dz = activationBackward(f, z, a, gradOut, out);
        columnSums(dz, biasGradOut);
        return dz;
    }

    /**
     * Column sums of a matrix, {@code out[c] = sum_r x[r, c]}: the bias gradient of a dense layer from its
     * {@code dZ}. This default is an ND4J reduction; the native kernels sum in float64 and round once.
     *
     * <p>Shapes: x {@code [B, n]}, out {@code [n]} or {@code [1, n]}.
     *
     * @return {@code out}
     */
    default INDArray columnSums(INDArray x, INDArray out) {
        requireBiasGradientShape("columnSums", x, out);
        if (x.isEmpty()) {
            return out.assign(0);
        }
        try (Profiler.Scope s = Profiler.scope("bias gradient column sums (ND4J)", x)) {
            return out.assign(x.sum(0).reshape(out.shape()));
        }
    }

    /**
     * Checks the arrays of an activation-backward call: {@code z} (required) and {@code a}, {@code out} (when given)
     * shaped like {@code gradOut}. Used by every implementation of {@link #activationBackward} and
     * {@link #activationBackwardWithBiasGradient}.
     */
    static void requireBackwardShapes(String method, INDArray z, INDArray a, INDArray gradOut, INDArray out) {
        Preconditions.requireSameShape(method, "z", z, "gradOut", gradOut, false);
        Preconditions.requireSameShape(method, "a", a, "gradOut", gradOut, true);
        Preconditions.requireSameShape(method, "out", out, "gradOut", gradOut, true);
    }

    /**
     * Checks {@code x [B, n]} and its column-sum array {@code out [n]} or {@code [1, n]}; returns n. Used by the
     * implementations of {@link #columnSums} and {@link #activationBackwardWithBiasGradient}.
     */
    static long requireBiasGradientShape(String method, INDArray x, INDArray out) {
        Preconditions.requireNonNull(method, "x", x);
        Preconditions.requireNonNull(method, "out", out);
        if (x.rank() != 2) {
            throw new IllegalArgumentException(
                    method + ": x has shape " + java.util.Arrays.toString(x.shape()) + ", expected rank 2 [B, n]");
        }
        long n = x.size(1);
        if (out.length() != n || out.rank() > 2 || (out.rank() == 2 && out.size(0) != 1)) {
            throw new IllegalArgumentException(method + ": the column-sum array has shape "
                    + java.util.Arrays.toString(out.shape()) + ", expected [" + n + "] or [1, " + n
                    + "] for x of shape "
                    + java.util.Arrays.toString(x.shape()));
        }
        if (out.dataType() != x.dataType()) {
            throw new IllegalArgumentException(method + ": the column-sum array has data type " + out.dataType()
                    + ", expected " + x.dataType() + " (the type of x)");
        }
        return n;
    }

    /**
     * {@code out = gradOut (.) f'} from the saved activation {@code a = f(z)}, for logistic ({@code a (1 - a)})
     * and tanh ({@code (1 - a)(1 + a)}) only. Cheaper than {@link #activationBackward} (no exponential) but,
     * being computed from {@code a}, loses relative accuracy where {@code f'} is tiny (|z| above ~9 in float32).
     *
     * <p>Shapes: a, gradOut and out the same shape.
     *
     * @throws IllegalArgumentException for an activation other than logistic or tanh
     */
    INDArray activationBackwardFromOutput(Activation f, INDArray a, INDArray gradOut, INDArray out);

    /**
     * A dense layer's bias add and activation in one pass: {@code Z = X + b} (b broadcast over rows),
     * {@code A = f(Z)}.
     *
     * <p>Shapes: x {@code [B, n]}, b {@code [n]} or {@code [1, n]}, zOut and aOut {@code [B, n]}.
     *
     * @param zOut where to write Z (needed by backward for every activation but identity and, when backward
     *     uses {@link #activationBackwardFromOutput}, logistic and tanh), or null to skip writing it
     * @param aOut where to write A, or null for a fresh array
     * @return {@code aOut}, or the fresh array
     */
    INDArray biasActivationForward(INDArray x, INDArray b, Activation f, INDArray zOut, INDArray aOut);

    /**
     * SGD with momentum in place, PyTorch's form without dampening (MIT 6.390 §6.7.2 momentum, written with the
     * learning rate outside the velocity; see docs/notes.md): {@code g' = g + weightDecay w; v = momentum v + g'}; then
     * {@code w -= lr v}, or Nesterov {@code w -= lr (g' + momentum v)}. {@code momentum = 0} is plain SGD.
     *
     * <p>Shapes: param, grad and velocity the same shape.
     */
    void sgdMomentum(
            INDArray param,
            INDArray grad,
            INDArray velocity,
            double lr,
            double momentum,
            double weightDecay,
            boolean nesterov);

    /**
     * Plain SGD in place: {@code w -= lr (g + weightDecay w)}, the same update as {@link #sgdMomentum} with
     * momentum 0 (up to rounding) without a velocity buffer to read and write.
     *
     * <p>Shapes: param and grad the same shape.
     */
    void sgd(INDArray param, INDArray grad, double lr, double weightDecay);

    /**
     * Adam (Kingma and Ba; MIT 6.390 adaptive step size; see docs/notes.md) or AdamW in place, PyTorch's formulation,
     * one pass over parameter, gradient and state: Adam {@code g' = g + weightDecay w}, AdamW ({@code decoupled})
     * {@code w *= 1 - lr weightDecay} and {@code g' = g}; then {@code m = beta1 m + (1 - beta1) g'},
     * {@code v = beta2 v + (1 - beta2) g'^2},
     * {@code w -= lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)}.
     *
     * <p>Every implementation computes the scalar coefficients ({@code 1 - beta1}, {@code 1 - beta2},
     * {@code lr / (1 - beta1^t)}, {@code 1 / sqrt(1 - beta2^t)}, {@code 1 - lr weightDecay}) in float64 and rounds each
     * once to the parameters' type; one derived in float32 would bias every step the same way (docs/optimizers.md).
     *
     * <p>Shapes: param, grad, m and v the same shape.
     *
     * @param step t, the 1-based number of this update (the optimiser's {@code steps()} inside {@code update})
     */
    void adam(
            INDArray param,
            INDArray grad,
            INDArray m,
            INDArray v,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            boolean decoupled,
            long step);

    /**
     * {@code sum_i x_i^2}, the squared L2 norm of a gradient, accumulated in float64; NaN or infinite when an
     * element is. The trainer takes every parameter's gradient norm each step (the diagnostics of vanishing and
     * exploding gradients, and its non-finite check before the update). This default is an ND4J reduction.
     */
    default double sumOfSquares(INDArray x) {
        if (x == null) {
            throw new IllegalArgumentException("sumOfSquares: x must not be null");
        }
        if (x.isEmpty()) {
            return 0.0;
        }
        // A float32 reduction loses ~1e-4 relative over a million elements: reduce a float64 copy.
        double norm = (x.dataType() == DataType.DOUBLE ? x : x.castTo(DataType.DOUBLE))
                .norm2Number()
                .doubleValue();
        return norm * norm;
    }

    /**
     * The column of each row's maximum, {@code argmax_c x[r, c]} (the first such column on ties): the predicted class
     * of each sample, for the trainer's running accuracy. This default is ND4J's arg-max; the native CPU kernels
     * scan one copy of the host buffer in Java (an arg-max, a cast and a copy out cost ~30 us each per step on ND4J,
     * the scan of a [128, 10] batch ~2 us).
     *
     * <p>Shapes: x {@code [B, C]}, the result {@code [B]}.
     */
    default int[] argMaxRows(INDArray x) {
        Preconditions.requireNonNull("argMaxRows", "x", x);
        if (x.rank() != 2) {
            throw new IllegalArgumentException(
                    "argMaxRows: x has shape " + java.util.Arrays.toString(x.shape()) + ", expected rank 2 [B, C]");
        }
        if (x.isEmpty()) {
            return new int[(int) x.size(0)];
        }
        return Nd4j.argMax(x, 1).toIntVector();
    }

    /**
     * Softmax cross-entropy with its gradient instead of the probabilities: returns the total of
     * {@link #softmaxCrossEntropy} and writes {@code gradient = (softmax(Y) s - T) scale}, {@code s} the row's target
     * sum, the loss's gradient with the reduction's scale ({@code 1 / B} for a mean) already applied, so the backward
     * pass has nothing left to do. {@code s} is 1 for one-hot rows and distributions, where this is the familiar
     * {@code softmax(Y) - T}; for other rows (multi-hot, all zero) it keeps the gradient the derivative of the loss,
     * as PyTorch's {@code CrossEntropyLoss} with probability targets differentiates it. The native kernel computes
     * each element in float64 and rounds it once; this default runs {@link #softmaxCrossEntropy} and four ND4J ops.
     *
     * <p>Shapes: Y, T and gradient {@code [B, C]}; gradient must not alias Y or T.
     */
    default double softmaxCrossEntropyWithGradient(INDArray logits, INDArray targets, INDArray gradient, double scale) {
        double total = softmaxCrossEntropy(logits, targets, gradient);
        if (!gradient.isEmpty()) {
            try (Profiler.Scope s = Profiler.scope("loss gradient (p s - t) scale (ND4J sum, muli, subi, muli)")) {
                // p s - t, s = sum of the row's targets: d/dY of -sum T log softmax(Y). softmax(Y) - T alone assumed
                // rows that sum to 1 (a multi-hot or all-zero row got a gradient that is not its loss's).
                gradient.muliColumnVector(targets.sum(1).reshape(logits.size(0), 1))
                        .subi(targets)
                        .muli(scale);
            }
        }
        return total;
    }

    /**
     * Softmax cross-entropy of a batch (Oxford ML §2.1; see docs/notes.md): writes {@code P = softmax(Y)} row by row
     * into {@code probabilities} and returns {@code -sum_{r,c} T[r,c] log P[r,c]} over the whole batch, from the
     * shifted logits {@code Y - max(Y)} so that large logits stay finite. Shapes: Y, T and P {@code [B, C]}; P must not
     * alias Y or T. This default is the ND4J formulation ({@link org.myelin.ops.SoftmaxCrossEntropy}).
     */
    default double softmaxCrossEntropy(INDArray logits, INDArray targets, INDArray probabilities) {
        String method = "softmaxCrossEntropy";
        Preconditions.requireNonNull(method, "logits", logits);
        Preconditions.requireSameShape(method, "targets", targets, "logits", logits, false);
        Preconditions.requireSameShape(method, "probabilities", probabilities, "logits", logits, false);
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(method + ": logits have shape "
                    + java.util.Arrays.toString(logits.shape()) + ", expected rank 2 [B, C]");
        }
        if (logits.isEmpty()) {
            return 0.0;
        }
        long b = logits.size(0);
        INDArray shifted = logits.subColumnVector(logits.max(1).reshape(b, 1));
        INDArray e = Transforms.exp(shifted, true);
        INDArray sum = e.sum(1).reshape(b, 1);
        probabilities.assign(e.diviColumnVector(sum));
        INDArray logSoftmax = shifted.subiColumnVector(Transforms.log(sum, false));
        return -targets.mul(logSoftmax).sumNumber().doubleValue();
    }
}
