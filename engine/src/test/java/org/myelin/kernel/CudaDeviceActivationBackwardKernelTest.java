package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.myelin.gpu.Nd4jCudaSupport;

/**
 * Every test of {@link ActivationBackwardKernelTest} against the CUDA kernels on a GPU: runs only in builds with ND4J's CUDA backend
 * ({@code -Pcuda}, e.g. through scripts/gpu-check) and is skipped in the default build.
 */
class CudaDeviceActivationBackwardKernelTest extends ActivationBackwardKernelTest {

    @Override
    ElementwiseKernels kernelsUnderTest() {
        assumeTrue(Nd4jCudaSupport.inThisBuild(), "needs a -Pcuda build and a GPU (scripts/gpu-check)");
        assertEquals("cuda", Kernels.active().name(), Kernels.describe());
        return Kernels.active();
    }
}
