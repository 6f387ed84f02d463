package org.myelin.kernels;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Test-only JavaCPP binding of the host emulation of the CUDA kernels ({@code src/test/cpp/cuda_host_emulation.h}
 * compiles the device code of {@code src/main/cuda/myelin_kernels.cu} with g++ and runs a launch's threads one by
 * one on the calling thread). Built at {@code process-test-classes} into {@code target/test-classes}, so it never
 * enters the shipped jar; the engine's tests reach it through this module's test jar.
 */
@Platform(include = "cuda_host_emulation.h", library = "jnimyelincudaemulation")
@NoException
public final class CudaHostEmulation {

    static {
        Loader.load(CudaHostEmulation.class);
    }

    private CudaHostEmulation() {}

    /**
     * Runs kernel {@code name} over a grid of {@code blocks x threads} with host pointers, taking {@code params}
     * as {@code cuLaunchKernel} does (one pointer per kernel parameter, to its value). Returns 0, -1 for an unknown
     * kernel, -2 for a grid or block size a device would refuse.
     */
    @Name("myelin_emulate_launch")
    public static native int launch(String name, int blocks, int threads, @Cast("void**") PointerPointer<?> params);
}
