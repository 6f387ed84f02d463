package org.myelin.kernel;

import java.util.List;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.myelin.Preconditions;
import org.myelin.kernels.CudaLaunchGeometry;
import org.myelin.ops.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link ElementwiseKernels} served by the kernels of {@code cuda-kernels/src/main/cuda/myelin_kernels.cu}: the
 * argument checks, the fallbacks to {@link Nd4jKernels}, the kernel names, the kernel parameters (in
 * {@code cuLaunchKernel}'s form: one pointer per parameter, to its value) and the launch geometry
 * ({@link CudaLaunchGeometry}) are all here, once. A subclass only says where an array's data lives and how a
 * launch runs: {@link CudaKernels} on a GPU through the driver API (built with {@code -Pcuda}); the tests' host
 * emulation on the CPU, so the code that a device would run is checked in every build.
 */
abstract class CudaLaunchedKernels implements ElementwiseKernels {

    /** Every kernel this class launches, by its extern "C" name in myelin_kernels.cu. */
    static final List<String> KERNELS = List.of(
            "myelin_backward_f32",
            "myelin_backward_f64",
            "myelin_backward_from_output_f32",
            "myelin_backward_from_output_f64",
            "myelin_bias_forward_f32",
            "myelin_bias_forward_f64",
            "myelin_backward_bias_f32",
            "myelin_backward_bias_f64",
            "myelin_column_sums_f32",
            "myelin_column_sums_f64",
            "myelin_sgd_f32",
            "myelin_sgd_f64",
            "myelin_adam_f32",
            "myelin_adam_f64",
            "myelin_sgd_plain_f32",
            "myelin_sgd_plain_f64");

    private final Nd4jKernels fallback = Nd4jKernels.INSTANCE;

    /** The arrays of one launch: their kernel addresses, the launch itself, and what happens after it. */
    interface Launch extends AutoCloseable {
        /** The address a kernel reads and writes {@code arr} at (it includes a view's offset). */
        long address(INDArray arr);

        /**
         * Launches {@code function} over {@code geometry} with the kernel parameters {@code params}.
         *
         * @throws IllegalStateException when the launch fails, naming the function and the error
         */
        void run(String function, CudaLaunchGeometry geometry, PointerPointer<Pointer> params);

        /** Marks the written arrays as written (after {@link #run}). */
        @Override
        void close();
    }

    /**
     * Prepares a launch that writes {@code written} (at least one) and reads {@code read}; these are all the
     * arrays the kernel touches.
     */
    abstract Launch prepare(INDArray[] written, INDArray... read);

    @Override
    public INDArray activationBackward(Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out) {
        KernelActivation k = KernelActivation.of(f);
        if (k == null || z == null || gradOut == null) {
            return fallback.activationBackward(f, z, a, gradOut, out);
        }
        String method = "activationBackward[" + f.name() + "]";
        ElementwiseKernels.requireBackwardShapes(method, z, a, gradOut, out);
        INDArray result = out != null ? out : Nd4j.createUninitialized(gradOut.dataType(), gradOut.shape(), 'c');
        long n = gradOut.length();
        if (!NativeLayout.streamable(n, z, gradOut, result)) {
            return fallback.activationBackward(f, z, a, gradOut, out);
        }
        boolean f32 = gradOut.dataType() == DataType.FLOAT;
        try (Launch launch = prepare(new INDArray[] {result}, z, gradOut)) {
            launch(
                    launch,
                    f32 ? "myelin_backward_f32" : "myelin_backward_f64",
                    n,
                    integer(k.id()),
                    real(f32, k.alpha()),
                    address(launch, z),
                    address(launch, gradOut),
                    address(launch, result),
                    integer(n));
        }
        return result;
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
        INDArray result = out != null ? out : Nd4j.createUninitialized(gradOut.dataType(), gradOut.shape(), 'c');
        long n = gradOut.length();
        if (!NativeLayout.streamable(n, a, gradOut, result)) {
            return fallback.activationBackwardFromOutput(f, a, gradOut, out);
        }
        boolean f32 = gradOut.dataType() == DataType.FLOAT;
        try (Launch launch = prepare(new INDArray[] {result}, a, gradOut)) {
            launch(
                    launch,
                    f32 ? "myelin_backward_from_output_f32" : "myelin_backward_from_output_f64",
                    n,
                    integer(KernelActivation.of(f).id()),
                    address(launch, a),
                    address(launch, gradOut),
                    address(launch, result),
                    integer(n));
        }
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
        INDArray result = aOut != null ? aOut : Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        long n = x.length();
        boolean ok = NativeLayout.streamable(n, x, result)
                && NativeLayout.streamable(cols, b)
                && b.dataType() == x.dataType()
                && (zOut == null || NativeLayout.streamable(n, x, zOut));
        if (!ok) {
            return fallback.biasActivationForward(x, b, f, zOut, aOut);
        }
        boolean f32 = x.dataType() == DataType.FLOAT;
        INDArray[] written = zOut == null ? new INDArray[] {result} : new INDArray[] {result, zOut};
        try (Launch launch = prepare(written, x, b)) {
            LongPointer zAddress = zOut == null ? integer(0L) : address(launch, zOut);
            launch(
                    launch,
                    f32 ? "myelin_bias_forward_f32" : "myelin_bias_forward_f64",
                    n,
                    integer(k.id()),
                    real(f32, k.alpha()),
                    address(launch, x),
                    address(launch, b),
                    zAddress,
                    address(launch, result),
                    integer(x.size(0)),
                    integer(cols));
        }
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
        INDArray result = out != null ? out : Nd4j.createUninitialized(gradOut.dataType(), gradOut.shape(), 'c');
        if (!NativeLayout.streamable(gradOut.length(), z, gradOut, result)
                || !NativeLayout.streamable(cols, biasGradOut)) {
            return fallback.activationBackwardWithBiasGradient(f, z, a, gradOut, out, biasGradOut);
        }
        boolean f32 = gradOut.dataType() == DataType.FLOAT;
        try (Launch launch = prepare(new INDArray[] {result, biasGradOut}, z, gradOut)) {
            // One thread per column (each walks down the rows), so the grid covers the columns.
            launch(
                    launch,
                    f32 ? "myelin_backward_bias_f32" : "myelin_backward_bias_f64",
                    cols,
                    integer(k.id()),
                    real(f32, k.alpha()),
                    address(launch, z),
                    address(launch, gradOut),
                    address(launch, result),
                    address(launch, biasGradOut),
                    integer(gradOut.size(0)),
                    integer(cols));
        }
        return result;
    }

    @Override
    public INDArray columnSums(INDArray x, INDArray out) {
        long cols = ElementwiseKernels.requireBiasGradientShape("columnSums", x, out);
        if (!NativeLayout.streamable(x.length(), x) || !NativeLayout.streamable(cols, out)) {
            return fallback.columnSums(x, out);
        }
        boolean f32 = x.dataType() == DataType.FLOAT;
        try (Launch launch = prepare(new INDArray[] {out}, x)) {
            launch(
                    launch,
                    f32 ? "myelin_column_sums_f32" : "myelin_column_sums_f64",
                    cols,
                    address(launch, x),
                    address(launch, out),
                    integer(x.size(0)),
                    integer(cols));
        }
        return out;
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
        boolean f32 = param.dataType() == DataType.FLOAT;
        try (Launch launch = prepare(new INDArray[] {param, velocity}, grad)) {
            launch(
                    launch,
                    f32 ? "myelin_sgd_f32" : "myelin_sgd_f64",
                    n,
                    address(launch, param),
                    address(launch, grad),
                    address(launch, velocity),
                    integer(n),
                    real(f32, lr),
                    real(f32, momentum),
                    real(f32, weightDecay),
                    integer(nesterov ? 1 : 0));
        }
    }

    @Override
    public void sgd(INDArray param, INDArray grad, double lr, double weightDecay) {
        if (param == null || grad == null || !NativeLayout.streamable(param.length(), param, grad)) {
            fallback.sgd(param, grad, lr, weightDecay);
            return;
        }
        Preconditions.requireSameShape("sgd", "grad", grad, "param", param, false);
        long n = param.length();
        boolean f32 = param.dataType() == DataType.FLOAT;
        try (Launch launch = prepare(new INDArray[] {param}, grad)) {
            launch(
                    launch,
                    f32 ? "myelin_sgd_plain_f32" : "myelin_sgd_plain_f64",
                    n,
                    address(launch, param),
                    address(launch, grad),
                    integer(n),
                    real(f32, lr),
                    real(f32, weightDecay));
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
        boolean f32 = param.dataType() == DataType.FLOAT;
        try (Launch launch = prepare(new INDArray[] {param, m, v}, grad)) {
            launch(
                    launch,
                    f32 ? "myelin_adam_f32" : "myelin_adam_f64",
                    n,
                    address(launch, param),
                    address(launch, grad),
                    address(launch, m),
                    address(launch, v),
                    integer(n),
                    real(f32, c.beta1()),
                    real(f32, c.oneMinusBeta1()),
                    real(f32, c.beta2()),
                    real(f32, c.oneMinusBeta2()),
                    real(f32, c.eps()),
                    real(f32, c.weightDecay()),
                    real(f32, c.decay()),
                    real(f32, c.stepSize()),
                    real(f32, c.invSqrtBc2()));
        }
    }

    /** One kernel parameter holding {@code arr}'s kernel address. */
    private static LongPointer address(Launch launch, INDArray arr) {
        return integer(launch.address(arr));
    }

    /** One {@code long long} kernel parameter. */
    private static LongPointer integer(long value) {
        return new LongPointer(1).put(value);
    }

    /** One {@code int} kernel parameter. */
    private static IntPointer integer(int value) {
        return new IntPointer(1).put(value);
    }

    /** One floating-point kernel parameter of the kernel's type. */
    private static Pointer real(boolean f32, double value) {
        return f32 ? new FloatPointer(1).put((float) value) : new DoublePointer(1).put(value);
    }

    /**
     * Launches {@code function} over n elements with {@link CudaLaunchGeometry#forLength}; args (one buffer per
     * kernel parameter, in kernel order) are freed afterwards (a launch copies the values when it starts).
     */
    private static void launch(Launch launch, String function, long n, Pointer... args) {
        PointerPointer<Pointer> params = new PointerPointer<>(args.length);
        try {
            for (int i = 0; i < args.length; i++) {
                params.put(i, args[i]);
            }
            launch.run(function, CudaLaunchGeometry.forLength(n), params);
        } finally {
            params.close();
            for (Pointer arg : args) {
                arg.close();
            }
        }
    }
}
