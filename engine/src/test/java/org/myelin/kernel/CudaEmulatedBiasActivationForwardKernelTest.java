package org.myelin.kernel;

/**
 * Every test of {@link BiasActivationForwardKernelTest} against the CUDA kernels of {@code myelin_kernels.cu}, run on the CPU by the
 * host emulation ({@link EmulatedCudaKernels}): the same sizes, precisions and views, through the engine's own
 * CUDA launch code and launch geometry.
 */
class CudaEmulatedBiasActivationForwardKernelTest extends BiasActivationForwardKernelTest {

    @Override
    ElementwiseKernels kernelsUnderTest() {
        return EmulatedCudaKernels.INSTANCE;
    }
}
