package org.myelin.kernel;

/**
 * Every test of {@link OptimizerKernelTest} against the CUDA kernels of {@code myelin_kernels.cu}, run on the CPU by the
 * host emulation ({@link EmulatedCudaKernels}): the same sizes, precisions and views, through the engine's own
 * CUDA launch code and launch geometry.
 */
class CudaEmulatedOptimizerKernelTest extends OptimizerKernelTest {

    @Override
    ElementwiseKernels kernelsUnderTest() {
        return EmulatedCudaKernels.INSTANCE;
    }
}
