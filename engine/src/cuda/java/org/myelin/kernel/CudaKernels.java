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
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.myelin.kernels.CudaLaunchGeometry;
import org.nd4j.jita.allocator.impl.AtomicAllocator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.jcublas.context.CudaContext;

/**
 * {@link ElementwiseKernels} with the CUDA kernels of {@code cuda-kernels/src/main/cuda/myelin_kernels.cu} on
 * ND4J's CUDA backend (compiled only under {@code -Pcuda}; {@link Kernels} finds it reflectively). The checks,
 * fallbacks, kernel parameters and launch geometry are {@link CudaLaunchedKernels}'s, shared with the host
 * emulation that runs these kernels on the CPU in every build's tests; this class adds the device side.
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
 * builds with nvcc 13; the kernels' arithmetic and indexing, with these very parameters and launch geometry, pass
 * the engine's kernel tests under the host emulation (CPU). Not verified, because nothing here has run on a GPU:
 * that it loads and runs on a device, that the device's results match, and the driver version the nvcc-13
 * cubins/PTX need (R580+ expected; an older driver makes the constructor fail with the CUDA error name, and the
 * engine then uses the ND4J path). docs/gpu.md has the whole picture.
 */
public final class CudaKernels extends CudaLaunchedKernels {

    private static final String FATBIN = "/org/myelin/kernels/cuda/myelin_kernels.fatbin";

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
    Launch prepare(INDArray[] written, INDArray... read) {
        INDArray[] others = new INDArray[written.length - 1 + read.length];
        System.arraycopy(written, 1, others, 0, written.length - 1);
        System.arraycopy(read, 0, others, written.length - 1, read.length);
        AtomicAllocator allocator = AtomicAllocator.getInstance();
        CudaContext ctx = allocator.getFlowController().prepareAction(written[0], others);
        return new Launch() {
            @Override
            public long address(INDArray arr) {
                return allocator.getPointer(arr, ctx).address();
            }

            @Override
            public void run(String function, CudaLaunchGeometry geometry, PointerPointer<Pointer> params) {
                launch(ctx, function, geometry, params);
            }

            @Override
            public void close() {
                allocator.registerAction(ctx, written[0], read);
                for (int i = 1; i < written.length; i++) {
                    allocator.registerAction(ctx, written[i]);
                }
            }
        };
    }

    /** Launches {@code function} over {@code geometry} on ND4J's stream of {@code ctx}. */
    private void launch(CudaContext ctx, String function, CudaLaunchGeometry geometry, PointerPointer<Pointer> params) {
        Device device = device(ctx.getDeviceId());
        CUctx_st current = new CUctx_st();
        check("cuCtxGetCurrent", cuCtxGetCurrent(current));
        if (current.isNull()) {
            check("cuCtxSetCurrent", cuCtxSetCurrent(device.context()));
        }
        CUstream_st stream = new CUstream_st(ctx.getCublasStream());
        check(function, cuLaunchKernel(device.functions().get(function), geometry.blocks(), 1, 1, geometry.threads(),
                1, 1, 0, stream, params, null));
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
        for (String name : KERNELS) {
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
