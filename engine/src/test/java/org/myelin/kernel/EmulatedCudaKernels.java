package org.myelin.kernel;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.myelin.kernels.CudaHostEmulation;
import org.myelin.kernels.CudaLaunchGeometry;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The CUDA kernels run on the CPU: {@link CudaLaunchedKernels} (the engine's launch code, shared with
 * {@code CudaKernels}) over ND4J's host buffers, each launch emulated thread by thread by {@link CudaHostEmulation}
 * (the device code of {@code myelin_kernels.cu} compiled with g++). The kernel tests run their whole matrix
 * against it, so an indexing or arithmetic error in the .cu file, or a wrong parameter on the Java side, fails
 * the build without a GPU.
 */
final class EmulatedCudaKernels extends CudaLaunchedKernels {

    static final EmulatedCudaKernels INSTANCE = new EmulatedCudaKernels();

    private EmulatedCudaKernels() {}

    @Override
    public String name() {
        return "cuda-emulated";
    }

    @Override
    Launch prepare(INDArray[] written, INDArray... read) {
        return new Launch() {
            @Override
            public long address(INDArray arr) {
                return arr.data().addressPointer().address();
            }

            @Override
            public void run(String function, CudaLaunchGeometry geometry, PointerPointer<Pointer> params) {
                int rc = CudaHostEmulation.launch(function, geometry.blocks(), geometry.threads(), params);
                if (rc != 0) {
                    throw new IllegalStateException(
                            "emulated launch of " + function + " over " + geometry + " failed: " + rc);
                }
            }

            @Override
            public void close() {}
        };
    }
}
