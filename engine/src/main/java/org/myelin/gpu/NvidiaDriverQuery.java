package org.myelin.gpu;

import java.util.ArrayList;
import java.util.List;
import org.myelin.kernels.CudaDriverProbe;

/**
 * The machine's answers through the NVIDIA driver API ({@link CudaDriverProbe}: libcuda.so.1 opened at run time,
 * nothing from ND4J), so it can run before ND4J's CUDA backend starts, in any build.
 */
public final class NvidiaDriverQuery implements GpuQuery {

    /**
     * The libraries nd4j-cuda-11.6 1.0.0-M2.1's libnd4jcuda.so links dynamically beyond the driver (its DT_NEEDED
     * entries; cudart is linked statically), by the names the dynamic loader looks for.
     */
    static final List<String> ND4J_CUDA_LIBRARIES = List.of("libcublas.so.11", "libcusolver.so.11");
    /** Where org.bytedeco:cuda:11.6-8.3-1.5.7:linux-x86_64-redist keeps them on the class path. */
    static final String REDIST_RESOURCES = "org/bytedeco/cuda/linux-x86_64/";

    @Override
    public Result device() {
        if (!CudaDriverProbe.available()) {
            return Result.none("the driver probe's native library did not load (" + CudaDriverProbe.loadError() + ")");
        }
        CudaDriverProbe.Result r = CudaDriverProbe.query(0);
        if (r.code() == -1) {
            return Result.none("no NVIDIA driver (libcuda.so.1 not loadable: " + r.text() + ")");
        }
        if (r.code() != 0) {
            return Result.none("the NVIDIA driver reports " + r.text() + " (code " + r.code() + ")");
        }
        if (r.devices() == 0) {
            return Result.none("the NVIDIA driver reports no GPU");
        }
        return Result.of(new GpuDevice(
                r.text(), r.ccMajor(), r.ccMinor(), r.memory(), r.driver(), CudaDriverProbe.driverRelease()));
    }

    @Override
    public List<String> missingLibraries() {
        List<String> missing = new ArrayList<>();
        for (String soname : ND4J_CUDA_LIBRARIES) {
            if (NvidiaDriverQuery.class.getClassLoader().getResource(REDIST_RESOURCES + soname) != null) {
                continue; // JavaCPP extracts and loads it from the class path
            }
            String why = CudaDriverProbe.available()
                    ? CudaDriverProbe.whyNotLoadable(soname)
                    : "not checked, the driver probe did not load";
            if (why != null) {
                missing.add(soname + ": " + why);
            }
        }
        return missing;
    }
}
