package org.myelin.gpu;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether ND4J 1.0.0-M2.1's CUDA backend (nd4j-cuda-11.6, the {@code -Pcuda} build) can run on this machine,
 * decided from the driver before the backend starts, so that an unsupported GPU stops with one clear message
 * instead of a crash at the first op.
 *
 * <p>The facts (docs/gpu.md): nd4j-cuda-11.6's libnd4jcuda.so holds machine code for compute capability 3.7 to 8.6
 * (sm_37, 50, 52, 60, 61, 70, 75, 80, 86) and no PTX, so it runs on compute capability 3.7 to 8.9 (8.9 runs the
 * sm_86 code) and on nothing newer: on 9.0 (H100, H200) and 10.x/12.x (Blackwell) its first kernel fails with
 * "no kernel image is available for execution on the device". It links libcublas.so.11 and libcusolver.so.11,
 * which come from a CUDA 11.x installation or from org.bytedeco:cuda:11.6-8.3-1.5.7:linux-x86_64-redist on the
 * class path, and it needs a driver for CUDA 11.0 or newer.
 *
 * <p>{@link #requireUsable()} is a no-op in builds without the CUDA backend. The command line calls it before
 * anything loads ND4J; a program that embeds the {@code -Pcuda} engine calls it first thing, as it calls
 * {@code org.myelin.Blas.select()}.
 */
public final class Nd4jCudaSupport {
    private static final Logger log = LoggerFactory.getLogger(Nd4jCudaSupport.class);

    /** The class whose presence on the class path means the build uses ND4J's CUDA backend. */
    static final String CUDA_BACKEND_CLASS = "org/nd4j/linalg/jcublas/JCublasBackend.class";
    /** Lowest and highest compute capability (times 10) the backend's code runs on. */
    static final int MIN_CC = 37;

    static final int MAX_CC = 89;
    /** The oldest driver for CUDA 11 (cuDriverGetVersion's 1000 * major + 10 * minor). */
    static final int MIN_DRIVER = 11_000;

    private static final String WAYS_OUT_CPU =
            "build without -Pcuda to train on the CPU backend" + " (./mvnw -B -DskipTests package)";

    private Nd4jCudaSupport() {}

    /**
     * The decision and its explanation.
     *
     * @param canRun whether the backend can run here
     * @param reason one line: why not (with the ways out), or what it will run on
     */
    public record Verdict(boolean canRun, String reason) {}

    /** Whether this build carries ND4J's CUDA backend (built with {@code -Pcuda}). */
    public static boolean inThisBuild() {
        return Nd4jCudaSupport.class.getClassLoader().getResource(CUDA_BACKEND_CLASS) != null;
    }

    /**
     * Stops a {@code -Pcuda} build on a machine its CUDA backend cannot run on; does nothing in other builds.
     *
     * @throws IllegalStateException with the one-line reason and the ways out
     */
    public static void requireUsable() {
        if (!inThisBuild()) {
            return;
        }
        Verdict v = decide(new NvidiaDriverQuery());
        if (!v.canRun()) {
            throw new IllegalStateException(v.reason());
        }
        log.info("ND4J CUDA backend: {}", v.reason());
    }

    /** The decision for this machine's answers. */
    public static Verdict decide(GpuQuery query) {
        GpuQuery.Result r = query.device();
        if (r.device() == null) {
            return new Verdict(
                    false,
                    "ND4J's CUDA backend needs an NVIDIA GPU and driver, and none was found: "
                            + r.noneReason() + ". Ways out: " + WAYS_OUT_CPU
                            + ", or run on a machine with an NVIDIA GPU of"
                            + " compute capability 3.7 to 8.9 (docs/gpu.md)");
        }
        GpuDevice d = r.device();
        int cc = 10 * d.ccMajor() + Math.min(d.ccMinor(), 9);
        String gpu = "GPU 0 (" + d.name() + ") has compute capability " + d.computeCapability();
        if (cc > MAX_CC) {
            return new Verdict(
                    false,
                    gpu + "; ND4J 1.0.0-M2.1's CUDA backend has code for compute capability 3.7"
                            + " to 8.9 only (sm_37 to sm_86, no PTX) and would fail at its first op with \"no kernel image is"
                            + " available for execution on the device\". Ways out: " + WAYS_OUT_CPU
                            + ", or an ND4J release"
                            + " built with sm_" + d.ccMajor() + d.ccMinor() + " code (none on Maven Central as of"
                            + " 1.0.0-M2.1); docs/gpu.md");
        }
        if (cc < MIN_CC) {
            return new Verdict(
                    false,
                    gpu + "; ND4J 1.0.0-M2.1's CUDA backend needs compute capability 3.7 to 8.9." + " Ways out: "
                            + WAYS_OUT_CPU + "; docs/gpu.md");
        }
        if (d.driverVersion() < MIN_DRIVER) {
            return new Verdict(
                    false,
                    "the NVIDIA driver supports CUDA " + d.driverCuda() + "; ND4J's CUDA 11.6"
                            + " backend needs a driver for CUDA 11.0 or newer (Linux driver 450.80.02 or newer). Ways out:"
                            + " update the driver, or " + WAYS_OUT_CPU + "; docs/gpu.md");
        }
        List<String> missing = query.missingLibraries();
        if (!missing.isEmpty()) {
            return new Verdict(
                    false,
                    "ND4J's CUDA backend links the CUDA 11 libraries libcublas.so.11 and"
                            + " libcusolver.so.11, and " + String.join("; ", missing)
                            + ". Ways out: install the CUDA 11.x"
                            + " libraries (a CUDA 11 toolkit, or the container's cuda target on nvidia/cuda:11.6.2-runtime),"
                            + " or build with -Pcuda,cuda-redist to put org.bytedeco:cuda:11.6-8.3-1.5.7:linux-x86_64-redist"
                            + " (1.8 GB) on the class path, or " + WAYS_OUT_CPU + "; docs/gpu.md");
        }
        return new Verdict(true, "can run on " + d.describe() + " (supported: compute capability 3.7 to 8.9)");
    }
}
