package org.myelin.gpu;

import java.util.List;

/**
 * What {@link Nd4jCudaSupport} needs to know about the machine, behind an interface so that the decision can be
 * tested with a fake machine. {@link NvidiaDriverQuery} is the real one.
 */
public interface GpuQuery {

    /** The GPU ND4J would use (device 0), or why there is none. */
    Result device();

    /**
     * For each library ND4J's CUDA backend links that cannot be found, one "name: reason" entry; empty when all
     * are there (on the class path or on the system's library path).
     */
    List<String> missingLibraries();

    /**
     * Either a device or the reason there is none.
     *
     * @param device     the GPU, or null
     * @param noneReason why there is no GPU (no driver, no device, a driver error), or null when device is set
     */
    record Result(GpuDevice device, String noneReason) {
        public Result {
            if ((device == null) == (noneReason == null)) {
                throw new IllegalArgumentException(
                        "exactly one of device and noneReason must be set, got " + device + " and " + noneReason);
            }
        }

        public static Result of(GpuDevice device) {
            return new Result(device, null);
        }

        public static Result none(String reason) {
            return new Result(null, reason);
        }
    }
}
