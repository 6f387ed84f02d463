package org.myelin.kernel;

import static org.bytedeco.cuda.global.cudart.CUDA_SUCCESS;
import static org.bytedeco.cuda.global.cudart.cuCtxGetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cuDevicePrimaryCtxRetain;
import static org.bytedeco.cuda.global.cudart.cuGetErrorName;
import static org.bytedeco.cuda.global.cudart.cuLaunchKernel;
import static org.bytedeco.cuda.global.cudart.cuModuleGetFunction;
import static org.bytedeco.cuda.global.cudart.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.myelin.ops.Activation;
import org.nd4j.jita.allocator.impl.AtomicAllocator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.jcublas.context.CudaContext;

/**
 * {@link ElementwiseKernels} with the CUDA kernels of {@code cuda-kernels/src/main/cuda/myelin_kernels.cu} on
 * ND4J's CUDA backend (compiled only under {@code -Pcuda}; {@link Kernels} finds it reflectively).
 *
 * <p>Why the driver API: nd4j-cuda-11.6 already brings CUDA 11.6's runtime into the process, and the nvcc 13 on
 * the build machine cannot produce code for a second runtime that could share it safely. So the fat binary the
 * profile builds (no host code) is loaded with {@code cuModuleLoadData} into the device's primary context, the
 * one ND4J's runtime uses, and each kernel is launched with {@code cuLaunchKernel} on ND4J's own stream for the
 * arrays ({@code CudaContext.getCublasStream()}), between {@code prepareAction} (moves inputs to the device) and
 * {@code registerAction} (marks the output written on the device). Later ND4J ops on the same thread use the
 * same stream, so nothing is synchronised or copied. The driver functions come from the JavaCPP {@code cuda}
 * preset (org.bytedeco:cuda:11.6-8.3-1.5.7) that nd4j-cuda depends on.
 *
 * <p>Arrays that do not qualify (see {@link ElementwiseKernels}) and non-elementwise activations go to
 * {@link Nd4jKernels}, which runs on the CUDA backend like any ND4J code.
 *
 * <p>Verified on the build machine: this class compiles against nd4j-cuda-11.6 1.0.0-M2.1 and the fat binary
 * builds with nvcc 13. Not verified (no GPU there): that it loads and runs, that its results match the CPU path,
 * and the driver version the nvcc-13 cubins/PTX need (R580+ expected; an older driver makes the constructor
 * fail with the CUDA error name, and the engine then uses the ND4J path).
 */
public final class CudaKernels implements ElementwiseKernels {

    private static final String FATBIN = "/org/myelin/kernels/cuda/myelin_kernels.fatbin";
    private static final int THREADS = 256;
    private static final long MAX_BLOCKS = 65_535;
    private static final String[] FUNCTIONS = {"myelin_backward_f32", "myelin_backward_f64",
        "myelin_backward_from_output_f32", "myelin_backward_from_output_f64", "myelin_bias_forward_f32",
        "myelin_bias_forward_f64", "myelin_sgd_f32", "myelin_sgd_f64", "myelin_adam_f32", "myelin_adam_f64"};

    private final Nd4jKernels fallback = Nd4jKernels.INSTANCE;
    private final BytePointer image;
    private final Map<Integer, Device> devices = new ConcurrentHashMap<>();

    /** The module and functions loaded into one device's primary context. */
    private record Device(CUctx_st context, CUmod_st module, Map<String, CUfunc_st> functions) {
    }

    /**
     * Loads the fat binary into the current device's primary context.
     *
     * @throws IllegalStateException when the fat binary is not in the jar or the driver rejects it
     */
    public CudaKernels() {
        byte[] bytes;
        try (InputStream in = CudaKernels.class.getResourceAsStream(FATBIN)) {
            if (in == null) {
                throw new IllegalStateException("CUDA fat binary " + FATBIN + " is not on the class path"
                        + " (cuda-kernels built without -Pcuda)");
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + FATBIN + ": " + e.getMessage(), e);
        }
        image = new BytePointer(bytes.length).put(bytes);
        device(AtomicAllocator.getInstance().getDeviceId());
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String toString() {
        return "driver API, fat binary sm_80/sm_90 + compute_80 PTX, devices loaded " + devices.keySet();
    }

    @Override
    public INDArray activationBackward(Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out) {
        KernelActivation k = KernelActivation.of(f);
        if (k == null || z == null || gradOut == null) {
            return fallback.activationBackward(f, z, a, gradOut, out);
        }
        String method = "activationBackward[" + f.name() + "]";
        Checks.requireSameShape(method, "z", z, "gradOut", gradOut, false);
        Checks.requireSameShape(method, "a", a, "gradOut", gradOut, true);
        Checks.requireSameShape(method, "out", out, "gradOut", gradOut, true);
        INDArray result = out != null ? out : Nd4j.createUninitialized(gradOut.dataType(), gradOut.shape(), 'c');
        long n = gradOut.length();
        if (!Checks.streamable(n, z, gradOut, result)) {
            return fallback.activationBackward(f, z, a, gradOut, out);
        }
        boolean f32 = gradOut.dataType() == DataType.FLOAT;
        AtomicAllocator allocator = AtomicAllocator.getInstance();
        CudaContext ctx = allocator.getFlowController().prepareAction(result, z, gradOut);
        launch(ctx, f32 ? "myelin_backward_f32" : "myelin_backward_f64", n, new IntPointer(1).put(k.id()),
                scalar(f32, k.alpha()), address(allocator, z, ctx), address(allocator, gradOut, ctx),
                address(allocator, result, ctx), new LongPointer(1).put(n));
        allocator.registerAction(ctx, result, z, gradOut);
        return result;
    }

    @Override
    public INDArray activationBackwardFromOutput(Activation f, INDArray a, INDArray gradOut, INDArray out) {
        String method = "activationBackwardFromOutput[" + (f == null ? "null" : f.name()) + "]";
        Nd4jKernels.requireFromOutputForm(method, f);
        if (a == null || gradOut == null) {
            return fallback.activationBackwardFromOutput(f, a, gradOut, out);
        }
        Checks.requireSameShape(method, "a", a, "gradOut", gradOut, false);
        Checks.requireSameShape(method, "out", out, "gradOut", gradOut, true);
        INDArray result = out != null ? out : Nd4j.createUninitialized(gradOut.dataType(), gradOut.shape(), 'c');
        long n = gradOut.length();
        if (!Checks.streamable(n, a, gradOut, result)) {
            return fallback.activationBackwardFromOutput(f, a, gradOut, out);
        }
        boolean f32 = gradOut.dataType() == DataType.FLOAT;
        AtomicAllocator allocator = AtomicAllocator.getInstance();
        CudaContext ctx = allocator.getFlowController().prepareAction(result, a, gradOut);
        launch(ctx, f32 ? "myelin_backward_from_output_f32" : "myelin_backward_from_output_f64", n,
                new IntPointer(1).put(KernelActivation.of(f).id()), address(allocator, a, ctx),
                address(allocator, gradOut, ctx), address(allocator, result, ctx), new LongPointer(1).put(n));
        allocator.registerAction(ctx, result, a, gradOut);
        return result;
    }

    @Override
    public INDArray biasActivationForward(INDArray x, INDArray b, Activation f, INDArray zOut, INDArray aOut) {
        KernelActivation k = KernelActivation.of(f);
        if (k == null) {
            return fallback.biasActivationForward(x, b, f, zOut, aOut);
        }
        String method = "biasActivationForward[" + f.name() + "]";
        long cols = Checks.requireBiasShapes(method, x, b);
        Checks.requireSameShape(method, "zOut", zOut, "x", x, true);
        Checks.requireSameShape(method, "aOut", aOut, "x", x, true);
        INDArray result = aOut != null ? aOut : Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        long n = x.length();
        boolean ok = Checks.streamable(n, x, result) && Checks.streamable(cols, b) && b.dataType() == x.dataType()
                && (zOut == null || Checks.streamable(n, x, zOut));
        if (!ok) {
            return fallback.biasActivationForward(x, b, f, zOut, aOut);
        }
        boolean f32 = x.dataType() == DataType.FLOAT;
        AtomicAllocator allocator = AtomicAllocator.getInstance();
        CudaContext ctx = zOut == null ? allocator.getFlowController().prepareAction(result, x, b)
                : allocator.getFlowController().prepareAction(result, x, b, zOut);
        LongPointer zAddress = zOut == null ? new LongPointer(1).put(0L) : address(allocator, zOut, ctx);
        launch(ctx, f32 ? "myelin_bias_forward_f32" : "myelin_bias_forward_f64", n, new IntPointer(1).put(k.id()),
                scalar(f32, k.alpha()), address(allocator, x, ctx), address(allocator, b, ctx), zAddress,
                address(allocator, result, ctx), new LongPointer(1).put(x.size(0)), new LongPointer(1).put(cols));
        allocator.registerAction(ctx, result, x, b);
        if (zOut != null) {
            allocator.registerAction(ctx, zOut);
        }
        return result;
    }

    @Override
    public void sgdMomentum(INDArray param, INDArray grad, INDArray velocity, double lr, double momentum,
            double weightDecay, boolean nesterov) {
        if (param == null || grad == null || velocity == null
                || !Checks.streamable(param.length(), param, grad, velocity)) {
            fallback.sgdMomentum(param, grad, velocity, lr, momentum, weightDecay, nesterov);
            return;
        }
        Checks.requireSameShape("sgdMomentum", "grad", grad, "param", param, false);
        Checks.requireSameShape("sgdMomentum", "velocity", velocity, "param", param, false);
        long n = param.length();
        boolean f32 = param.dataType() == DataType.FLOAT;
        AtomicAllocator allocator = AtomicAllocator.getInstance();
        CudaContext ctx = allocator.getFlowController().prepareAction(param, grad, velocity);
        launch(ctx, f32 ? "myelin_sgd_f32" : "myelin_sgd_f64", n, address(allocator, param, ctx),
                address(allocator, grad, ctx), address(allocator, velocity, ctx), new LongPointer(1).put(n),
                scalar(f32, lr), scalar(f32, momentum), scalar(f32, weightDecay),
                new IntPointer(1).put(nesterov ? 1 : 0));
        allocator.registerAction(ctx, param, grad);
        allocator.registerAction(ctx, velocity);
    }

    @Override
    public void adam(INDArray param, INDArray grad, INDArray m, INDArray v, double lr, double beta1, double beta2,
            double eps, double weightDecay, boolean decoupled, long step) {
        if (param == null || grad == null || m == null || v == null
                || !Checks.streamable(param.length(), param, grad, m, v)) {
            fallback.adam(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
            return;
        }
        String method = decoupled ? "adamW" : "adam";
        Checks.requireSameShape(method, "grad", grad, "param", param, false);
        Checks.requireSameShape(method, "m", m, "param", param, false);
        Checks.requireSameShape(method, "v", v, "param", param, false);
        Checks.requireStep(method, step);
        AdamCoefficients c = AdamCoefficients.of(lr, beta1, beta2, eps, weightDecay, decoupled, step);
        long n = param.length();
        boolean f32 = param.dataType() == DataType.FLOAT;
        AtomicAllocator allocator = AtomicAllocator.getInstance();
        CudaContext ctx = allocator.getFlowController().prepareAction(param, grad, m, v);
        launch(ctx, f32 ? "myelin_adam_f32" : "myelin_adam_f64", n, address(allocator, param, ctx),
                address(allocator, grad, ctx), address(allocator, m, ctx), address(allocator, v, ctx),
                new LongPointer(1).put(n), scalar(f32, c.beta1()), scalar(f32, c.oneMinusBeta1()),
                scalar(f32, c.beta2()), scalar(f32, c.oneMinusBeta2()), scalar(f32, c.eps()),
                scalar(f32, c.weightDecay()), scalar(f32, c.decay()), scalar(f32, c.stepSize()),
                scalar(f32, c.invSqrtBc2()));
        allocator.registerAction(ctx, param, grad);
        allocator.registerAction(ctx, m);
        allocator.registerAction(ctx, v);
    }

    /** One kernel argument holding a device address (it includes the view's offset). */
    private static LongPointer address(AtomicAllocator allocator, INDArray arr, CudaContext ctx) {
        return new LongPointer(1).put(allocator.getPointer(arr, ctx).address());
    }

    private static Pointer scalar(boolean f32, double value) {
        return f32 ? new FloatPointer(1).put((float) value) : new DoublePointer(1).put(value);
    }

    /**
     * Launches {@code function} over n elements on ND4J's stream of {@code ctx}; args (one host buffer per kernel
     * parameter, in kernel order) are freed afterwards.
     */
    private void launch(CudaContext ctx, String function, long n, Pointer... args) {
        Device device = device(ctx.getDeviceId());
        CUctx_st current = new CUctx_st();
        check("cuCtxGetCurrent", cuCtxGetCurrent(current));
        if (current.isNull()) {
            check("cuCtxSetCurrent", cuCtxSetCurrent(device.context()));
        }
        int blocks = (int) Math.max(1, Math.min((n + THREADS - 1) / THREADS, MAX_BLOCKS));
        CUstream_st stream = new CUstream_st(ctx.getCublasStream());
        PointerPointer<Pointer> params = new PointerPointer<>(args.length);
        try {
            for (int i = 0; i < args.length; i++) {
                params.put(i, args[i]);
            }
            check(function, cuLaunchKernel(device.functions().get(function), blocks, 1, 1, THREADS, 1, 1, 0, stream,
                    params, null));
        } finally {
            // cuLaunchKernel copies the argument values at launch, so the host buffers can go now.
            params.close();
            for (Pointer arg : args) {
                arg.close();
            }
        }
    }

    private Device device(int id) {
        return devices.computeIfAbsent(id, this::load);
    }

    private Device load(int id) {
        CUctx_st context = new CUctx_st();
        check("cuDevicePrimaryCtxRetain(" + id + ")", cuDevicePrimaryCtxRetain(context, id));
        CUctx_st current = new CUctx_st();
        check("cuCtxGetCurrent", cuCtxGetCurrent(current));
        if (current.address() != context.address()) {
            check("cuCtxSetCurrent", cuCtxSetCurrent(context));
        }
        CUmod_st module = new CUmod_st();
        check("cuModuleLoadData", cuModuleLoadData(module, image));
        Map<String, CUfunc_st> functions = new ConcurrentHashMap<>();
        for (String name : FUNCTIONS) {
            CUfunc_st function = new CUfunc_st();
            check("cuModuleGetFunction(" + name + ")", cuModuleGetFunction(function, module, name));
            functions.put(name, function);
        }
        return new Device(context, module, functions);
    }

    private static void check(String call, int result) {
        if (result != CUDA_SUCCESS) {
            String name;
            try (PointerPointer<BytePointer> text = new PointerPointer<>(1)) {
                name = cuGetErrorName(result, text) == CUDA_SUCCESS ? text.get(BytePointer.class, 0).getString()
                        : "CUDA error " + result;
            }
            throw new IllegalStateException(call + " failed: " + name);
        }
    }
}
