package org.myelin.kernel;

/**
 * Every test of {@link BiasGradientKernelTest} against the CUDA kernels of {@code myelin_kernels.cu} (one thread per
 * column), run on the CPU by the host emulation ({@link EmulatedCudaKernels}), through the engine's own launch code.
 */
class CudaEmulatedBiasGradientKernelTest extends BiasGradientKernelTest {

    @Override
    ElementwiseKernels kernelsUnderTest() {
        return EmulatedCudaKernels.INSTANCE;
    }
}
