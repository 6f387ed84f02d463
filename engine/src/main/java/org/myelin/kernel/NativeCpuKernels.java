package org.myelin.kernel;

import java.lang.ref.Reference;
import org.myelin.Preconditions;
import org.myelin.Profiler;
import org.myelin.autodiff.StepArrays;
import org.myelin.kernels.NativeKernels;
import org.myelin.ops.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link ElementwiseKernels} with the fused C++ kernels of {@code cuda-kernels} on ND4J's CPU backend: one pass
 * over the buffers per call, no temporaries; the elementwise passes split a large call over two threads as
 * {@link KernelSplit} decides (same results). Calls whose arrays do not qualify (see
 * {@link ElementwiseKernels}) or whose activation is not elementwise go to {@link Nd4jKernels}.
 *
 * <p>Only valid on the CPU backend, where an array's host buffer is its data and ND4J runs ops synchronously;
 * {@link Kernels} creates it only there, and only when {@link NativeKernels#available()}.
 */
final class NativeCpuKernels implements ElementwiseKernels {

    private final Nd4jKernels fallback = Nd4jKernels.INSTANCE;
    private final KernelSplit.Setting split;

    /** Applies the process's {@link KernelSplit#configured()} setting to the native library. */
    NativeCpuKernels() {
        split = KernelSplit.configured();
        KernelSplit.apply(split);
    }

    /** The threads the elementwise passes split over (1 or 2), as applied to the native library. */
    int threads() {
        return split.threads();
    }

    /** How the elementwise passes use threads, for {@link Kernels#describe()}. */
    String threading() {
        return split.description();
    }

    @Override
    public String name() {
        return "native-cpu";
    }

    @Override
    public INDArray activationBackward(Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out) {
        KernelActivation k = KernelActivation.of(f);
        if (k == null || z == null || gradOut == null) {
            return fallback.activationBackward(f, z, a, gradOut, out);
        }
        String method = "activationBackward[" + f.name() + "]";
        ElementwiseKernels.requireBackwardShapes(method, z, a, gradOut, out);
        INDArray result = out != null ? out : fresh(gradOut);
        long n = gradOut.length();
        if (!NativeLayout.streamable(n, z, gradOut, result)) {
            return fallback.activationBackward(f, z, a, gradOut, out);
        }
        int rc;
        try (Profiler.Scope s = Profiler.scope("native activation backward", gradOut)) {
            if (gradOut.dataType() == DataType.FLOAT) {
                rc = NativeKernels.backwardF32(
                        k.id(),
                        (float) k.alpha(),
                        NativeAddress.of(z),
                        NativeAddress.of(gradOut),
                        NativeAddress.of(result),
                        n);
            } else {
                rc = NativeKernels.backwardF64(
                        k.id(), k.alpha(), NativeAddress.of(z), NativeAddress.of(gradOut), NativeAddress.of(result), n);
            }
        }
        Reference.reachabilityFence(z);
        Reference.reachabilityFence(gradOut);
        Reference.reachabilityFence(result);
        requireOk(method, rc);
        return result;
    }

    @Override
    public INDArray activationBackwardWithBiasGradient(
            Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out, INDArray biasGradOut) {
        KernelActivation k = KernelActivation.of(f);
        if (k == null || z == null || gradOut == null) {
            return fallback.activationBackwardWithBiasGradient(f, z, a, gradOut, out, biasGradOut);
        }
        String method = "activationBackwardWithBiasGradient[" + f.name() + "]";
        ElementwiseKernels.requireBackwardShapes(method, z, a, gradOut, out);
        long cols = ElementwiseKernels.requireBiasGradientShape(method, gradOut, biasGradOut);
        INDArray result = out != null ? out : fresh(gradOut);
        long n = gradOut.length();
        if (!NativeLayout.streamable(n, z, gradOut, result) || !NativeLayout.streamable(cols, biasGradOut)) {
            return fallback.activationBackwardWithBiasGradient(f, z, a, gradOut, out, biasGradOut);
        }
        long rows = gradOut.size(0);
        int rc;
        try (Profiler.Scope s = Profiler.scope("native activation backward + bias gradient", gradOut)) {
            rc = backwardBias(k, z, gradOut, result, biasGradOut, rows, cols);
        }
        Reference.reachabilityFence(z);
        Reference.reachabilityFence(gradOut);
        Reference.reachabilityFence(result);
        Reference.reachabilityFence(biasGradOut);
        requireOk(method, rc);
        return result;
    }

    private static int backwardBias(
            KernelActivation k,
            INDArray z,
            INDArray gradOut,
            INDArray result,
            INDArray biasGradOut,
            long rows,
            long cols) {
        int rc;
        if (gradOut.dataType() == DataType.FLOAT) {
            rc = NativeKernels.backwardBiasF32(
                    k.id(),
                    (float) k.alpha(),
                    NativeAddress.of(z),
                    NativeAddress.of(gradOut),
                    NativeAddress.of(result),
                    NativeAddress.of(biasGradOut),
                    rows,
                    cols);
        } else {
            rc = NativeKernels.backwardBiasF64(
                    k.id(),
                    k.alpha(),
                    NativeAddress.of(z),
                    NativeAddress.of(gradOut),
                    NativeAddress.of(result),
                    NativeAddress.of(biasGradOut),
                    rows,
                    cols);
        }
        return rc;
    }

    @Override
    public INDArray columnSums(INDArray x, INDArray out) {
        long cols = ElementwiseKernels.requireBiasGradientShape("columnSums", x, out);
        if (!NativeLayout.streamable(x.length(), x) || !NativeLayout.streamable(cols, out)) {
            return fallback.columnSums(x, out);
        }
        long rows = x.size(0);
        try (Profiler.Scope s = Profiler.scope("native column sums (bias gradient)", rows, cols)) {
            if (x.dataType() == DataType.FLOAT) {
                NativeKernels.columnSumsF32(NativeAddress.of(x), NativeAddress.of(out), rows, cols);
            } else {
                NativeKernels.columnSumsF64(NativeAddress.of(x), NativeAddress.of(out), rows, cols);
            }
        }
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(out);
        return out;
    }

    @Override
    public double softmaxCrossEntropyWithGradient(INDArray logits, INDArray targets, INDArray gradient, double scale) {
        if (logits == null
                || targets == null
                || gradient == null
                || logits.rank() != 2
                || gradient == logits
                || gradient == targets
                || !NativeLayout.streamable(logits.length(), logits, targets, gradient)) {
            return fallback.softmaxCrossEntropyWithGradient(logits, targets, gradient, scale);
        }
        String method = "softmaxCrossEntropyWithGradient";
        Preconditions.requireSameShape(method, "targets", targets, "logits", logits, false);
        Preconditions.requireSameShape(method, "gradient", gradient, "logits", logits, false);
        long rows = logits.size(0);
        long cols = logits.size(1);
        double total;
        try (Profiler.Scope s = Profiler.scope("native softmax cross-entropy + gradient", rows, cols)) {
            total = logits.dataType() == DataType.FLOAT
                    ? NativeKernels.softmaxXentGradF32(
                            NativeAddress.of(logits),
                            NativeAddress.of(targets),
                            NativeAddress.of(gradient),
                            rows,
                            cols,
                            scale)
                    : NativeKernels.softmaxXentGradF64(
                            NativeAddress.of(logits),
                            NativeAddress.of(targets),
                            NativeAddress.of(gradient),
                            rows,
                            cols,
                            scale);
        }
        Reference.reachabilityFence(logits);
        Reference.reachabilityFence(targets);
        Reference.reachabilityFence(gradient);
        return total;
    }

    @Override
    public int[] argMaxRows(INDArray x) {
        if (x == null || x.rank() != 2 || x.length() > Integer.MAX_VALUE || !NativeLayout.streamable(x.length(), x)) {
            return fallback.argMaxRows(x);
        }
        int rows = (int) x.size(0);
        long cols = x.size(1); // at least 1: streamable() refuses empty arrays
        // One native scan of the host buffer: ND4J's arg-max op, or a copy to the Java heap, costs more than the work.
        int[] classes = new int[rows];
        try (Profiler.Scope s = Profiler.scope("native arg-max of rows", rows, cols)) {
            if (x.dataType() == DataType.FLOAT) {
                NativeKernels.argMaxRowsF32(NativeAddress.of(x), rows, cols, classes);
            } else {
                NativeKernels.argMaxRowsF64(NativeAddress.of(x), rows, cols, classes);
            }
        }
        Reference.reachabilityFence(x);
        return classes;
    }

    @Override
    public double sumOfSquares(INDArray x) {
        if (x == null || !NativeLayout.streamable(x.length(), x)) {
            return fallback.sumOfSquares(x);
        }
        double s;
        try (Profiler.Scope p = Profiler.scope("native sum of squares")) {
            s = x.dataType() == DataType.FLOAT
                    ? NativeKernels.sumSquaresF32(NativeAddress.of(x), x.length())
                    : NativeKernels.sumSquaresF64(NativeAddress.of(x), x.length());
        }
        Reference.reachabilityFence(x);
        return s;
    }

    @Override
    public double softmaxCrossEntropy(INDArray logits, INDArray targets, INDArray probabilities) {
        if (logits == null
                || targets == null
                || probabilities == null
                || logits.rank() != 2
                || probabilities == logits
                || probabilities == targets
                || !NativeLayout.streamable(logits.length(), logits, targets, probabilities)) {
            return fallback.softmaxCrossEntropy(logits, targets, probabilities);
        }
        Preconditions.requireSameShape("softmaxCrossEntropy", "targets", targets, "logits", logits, false);
        Preconditions.requireSameShape("softmaxCrossEntropy", "probabilities", probabilities, "logits", logits, false);
        long rows = logits.size(0);
        long cols = logits.size(1);
        double total;
        try (Profiler.Scope s = Profiler.scope("native softmax cross-entropy", rows, cols)) {
            total = logits.dataType() == DataType.FLOAT
                    ? NativeKernels.softmaxXentF32(
                            NativeAddress.of(logits),
                            NativeAddress.of(targets),
                            NativeAddress.of(probabilities),
                            rows,
                            cols)
                    : NativeKernels.softmaxXentF64(
                            NativeAddress.of(logits),
                            NativeAddress.of(targets),
                            NativeAddress.of(probabilities),
                            rows,
                            cols);
        }
        Reference.reachabilityFence(logits);
        Reference.reachabilityFence(targets);
        Reference.reachabilityFence(probabilities);
        return total;
    }

    @Override
    public INDArray activationBackwardFromOutput(Activation f, INDArray a, INDArray gradOut, INDArray out) {
        String method = "activationBackwardFromOutput[" + (f == null ? "null" : f.name()) + "]";
        Nd4jKernels.requireFromOutputForm(method, f);
        if (a == null || gradOut == null) {
            return fallback.activationBackwardFromOutput(f, a, gradOut, out);
        }
        Preconditions.requireSameShape(method, "a", a, "gradOut", gradOut, false);
        Preconditions.requireSameShape(method, "out", out, "gradOut", gradOut, true);
        INDArray result = out != null ? out : fresh(gradOut);
        long n = gradOut.length();
        if (!NativeLayout.streamable(n, a, gradOut, result)) {
            return fallback.activationBackwardFromOutput(f, a, gradOut, out);
        }
        int id = KernelActivation.of(f).id();
        int rc;
        try (Profiler.Scope s = Profiler.scope("native activation backward from output", gradOut)) {
            if (gradOut.dataType() == DataType.FLOAT) {
                rc = NativeKernels.backwardFromOutputF32(
                        id, NativeAddress.of(a), NativeAddress.of(gradOut), NativeAddress.of(result), n);
            } else {
                rc = NativeKernels.backwardFromOutputF64(
                        id, NativeAddress.of(a), NativeAddress.of(gradOut), NativeAddress.of(result), n);
            }
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(gradOut);
        Reference.reachabilityFence(result);
        requireOk(method, rc);
        return result;
    }

    @Override
    public INDArray biasActivationForward(INDArray x, INDArray b, Activation f, INDArray zOut, INDArray aOut) {
        KernelActivation k = KernelActivation.of(f);
        if (k == null) {
            return fallback.biasActivationForward(x, b, f, zOut, aOut);
        }
        String method = "biasActivationForward[" + f.name() + "]";
        long cols = Preconditions.requireBiasShapes(method, x, b);
        Preconditions.requireSameShape(method, "zOut", zOut, "x", x, true);
        Preconditions.requireSameShape(method, "aOut", aOut, "x", x, true);
        INDArray result = aOut != null ? aOut : fresh(x);
        long n = x.length();
        boolean ok = NativeLayout.streamable(n, x, result)
                && NativeLayout.streamable(cols, b)
                && b.dataType() == x.dataType()
                && (zOut == null || NativeLayout.streamable(n, x, zOut));
        if (!ok) {
            return fallback.biasActivationForward(x, b, f, zOut, aOut);
        }
        long rows = x.size(0);
        long zAddress = zOut == null ? 0L : NativeAddress.of(zOut);
        int rc;
        try (Profiler.Scope s = Profiler.scope("native bias + activation forward", rows, cols)) {
            if (x.dataType() == DataType.FLOAT) {
                rc = NativeKernels.biasForwardF32(
                        k.id(),
                        (float) k.alpha(),
                        NativeAddress.of(x),
                        NativeAddress.of(b),
                        zAddress,
                        NativeAddress.of(result),
                        rows,
                        cols);
            } else {
                rc = NativeKernels.biasForwardF64(
                        k.id(),
                        k.alpha(),
                        NativeAddress.of(x),
                        NativeAddress.of(b),
                        zAddress,
                        NativeAddress.of(result),
                        rows,
                        cols);
            }
        }
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(zOut);
        Reference.reachabilityFence(result);
        requireOk(method, rc);
        return result;
    }

    @Override
    public void sgdMomentum(
            INDArray param,
            INDArray grad,
            INDArray velocity,
            double lr,
            double momentum,
            double weightDecay,
            boolean nesterov) {
        if (param == null
                || grad == null
                || velocity == null
                || !NativeLayout.streamable(param.length(), param, grad, velocity)) {
            fallback.sgdMomentum(param, grad, velocity, lr, momentum, weightDecay, nesterov);
            return;
        }
        Preconditions.requireSameShape("sgdMomentum", "grad", grad, "param", param, false);
        Preconditions.requireSameShape("sgdMomentum", "velocity", velocity, "param", param, false);
        long n = param.length();
        int nest = nesterov ? 1 : 0;
        try (Profiler.Scope s = Profiler.scope("native sgd momentum update")) {
            sgdNative(param, grad, velocity, n, lr, momentum, weightDecay, nest);
        }
        Reference.reachabilityFence(param);
        Reference.reachabilityFence(grad);
        Reference.reachabilityFence(velocity);
    }

    @Override
    public void sgd(INDArray param, INDArray grad, double lr, double weightDecay) {
        if (param == null || grad == null || !NativeLayout.streamable(param.length(), param, grad)) {
            fallback.sgd(param, grad, lr, weightDecay);
            return;
        }
        Preconditions.requireSameShape("sgd", "grad", grad, "param", param, false);
        long n = param.length();
        try (Profiler.Scope s = Profiler.scope("native sgd update")) {
            if (param.dataType() == DataType.FLOAT) {
                NativeKernels.sgdPlainF32(
                        NativeAddress.of(param), NativeAddress.of(grad), n, (float) lr, (float) weightDecay);
            } else {
                NativeKernels.sgdPlainF64(NativeAddress.of(param), NativeAddress.of(grad), n, lr, weightDecay);
            }
        }
        Reference.reachabilityFence(param);
        Reference.reachabilityFence(grad);
    }

    private static void sgdNative(
            INDArray param,
            INDArray grad,
            INDArray velocity,
            long n,
            double lr,
            double momentum,
            double weightDecay,
            int nest) {
        if (param.dataType() == DataType.FLOAT) {
            NativeKernels.sgdF32(
                    NativeAddress.of(param),
                    NativeAddress.of(grad),
                    NativeAddress.of(velocity),
                    n,
                    (float) lr,
                    (float) momentum,
                    (float) weightDecay,
                    nest);
        } else {
            NativeKernels.sgdF64(
                    NativeAddress.of(param),
                    NativeAddress.of(grad),
                    NativeAddress.of(velocity),
                    n,
                    lr,
                    momentum,
                    weightDecay,
                    nest);
        }
    }

    @Override
    public void adam(
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
            long step) {
        if (param == null
                || grad == null
                || m == null
                || v == null
                || !NativeLayout.streamable(param.length(), param, grad, m, v)) {
            fallback.adam(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
            return;
        }
        String method = decoupled ? "adamW" : "adam";
        Preconditions.requireSameShape(method, "grad", grad, "param", param, false);
        Preconditions.requireSameShape(method, "m", m, "param", param, false);
        Preconditions.requireSameShape(method, "v", v, "param", param, false);
        Preconditions.requireStep(method, step);
        AdamCoefficients c = AdamCoefficients.of(lr, beta1, beta2, eps, weightDecay, decoupled, step, param.dataType());
        long n = param.length();
        try (Profiler.Scope s = Profiler.scope("native adam update")) {
            adamNative(param, grad, m, v, c, n);
        }
        Reference.reachabilityFence(param);
        Reference.reachabilityFence(grad);
        Reference.reachabilityFence(m);
        Reference.reachabilityFence(v);
    }

    private static void adamNative(INDArray param, INDArray grad, INDArray m, INDArray v, AdamCoefficients c, long n) {
        if (param.dataType() == DataType.FLOAT) {
            NativeKernels.adamF32(
                    NativeAddress.of(param),
                    NativeAddress.of(grad),
                    NativeAddress.of(m),
                    NativeAddress.of(v),
                    n,
                    (float) c.beta1(),
                    (float) c.oneMinusBeta1(),
                    (float) c.beta2(),
                    (float) c.oneMinusBeta2(),
                    (float) c.eps(),
                    (float) c.weightDecay(),
                    (float) c.decay(),
                    (float) c.stepSize(),
                    (float) c.invSqrtBc2());
        } else {
            NativeKernels.adamF64(
                    NativeAddress.of(param),
                    NativeAddress.of(grad),
                    NativeAddress.of(m),
                    NativeAddress.of(v),
                    n,
                    c.beta1(),
                    c.oneMinusBeta1(),
                    c.beta2(),
                    c.oneMinusBeta2(),
                    c.eps(),
                    c.weightDecay(),
                    c.decay(),
                    c.stepSize(),
                    c.invSqrtBc2());
        }
    }

    private static INDArray fresh(INDArray like) {
        return StepArrays.uninitialized(like.dataType(), like.shape());
    }

    private static void requireOk(String method, int rc) {
        if (rc != 0) {
            throw new IllegalStateException(method + ": native kernel rejected the activation id (rc " + rc
                    + "); the Java and C++ activation ids are out of sync");
        }
    }
}
