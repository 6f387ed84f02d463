package org.myelin.gpu;

/**
 * One NVIDIA GPU as the driver reports it.
 *
 * @param name          the device name, e.g. "NVIDIA H200"
 * @param ccMajor       compute capability, major (9 for Hopper)
 * @param ccMinor       compute capability, minor
 * @param memoryBytes   total device memory
 * @param driverVersion the newest CUDA version the driver supports, 1000 * major + 10 * minor (12080 = 12.8)
 * @param driverRelease the driver's release, e.g. "570.124.06", or null when unknown (no NVML)
 */
public record GpuDevice(
        String name, int ccMajor, int ccMinor, long memoryBytes, int driverVersion, String driverRelease) {

    /** "9.0". */
    public String computeCapability() {
        return ccMajor + "." + ccMinor;
    }

    /** The driver's CUDA version as "12.8". */
    public String driverCuda() {
        return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
    }

    /** "NVIDIA H200, compute capability 9.0, 139.8 GiB, driver 570.124.06 (CUDA 12.8)". */
    public String describe() {
        String driver = driverRelease == null
                ? "driver for CUDA " + driverCuda()
                : "driver " + driverRelease + " (CUDA " + driverCuda() + ")";
        return String.format(
                java.util.Locale.ROOT,
                "%s, compute capability %s, %.1f GiB, %s",
                name,
                computeCapability(),
                memoryBytes / (1024.0 * 1024 * 1024),
                driver);
    }
}
