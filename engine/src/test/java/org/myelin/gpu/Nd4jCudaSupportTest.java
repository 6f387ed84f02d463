package org.myelin.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The unsupported-GPU decision against fake machines (no GPU is needed). */
class Nd4jCudaSupportTest {

    private static final long GIB = 1024L * 1024 * 1024;

    /** A machine with this device (or none) and these missing libraries. */
    private static GpuQuery machine(GpuQuery.Result device, List<String> missing) {
        return new GpuQuery() {
            @Override
            public Result device() {
                return device;
            }

            @Override
            public List<String> missingLibraries() {
                return missing;
            }
        };
    }

    private static GpuQuery gpu(String name, int major, int minor) {
        return machine(GpuQuery.Result.of(new GpuDevice(name, major, minor, 80 * GIB, 12_040, "550.54.15")), List.of());
    }

    @ParameterizedTest(name = "{0} ({1}.{2})")
    @CsvSource({"Tesla K80, 3, 7", "Tesla V100, 7, 0", "NVIDIA A100, 8, 0", "NVIDIA A10, 8, 6", "NVIDIA L4, 8, 9"})
    void computeCapability37To89Runs(String name, int major, int minor) {
        Nd4jCudaSupport.Verdict v = Nd4jCudaSupport.decide(gpu(name, major, minor));
        assertTrue(v.canRun(), v.reason());
        assertEquals(
                "can run on " + name + ", compute capability " + major + "." + minor
                        + ", 80.0 GiB, driver 550.54.15 (CUDA 12.4) (supported: compute capability 3.7 to 8.9)",
                v.reason());
    }

    @ParameterizedTest(name = "{0} ({1}.{2})")
    @CsvSource({"NVIDIA H100 80GB HBM3, 9, 0", "NVIDIA H200, 9, 0", "NVIDIA B200, 10, 0", "NVIDIA RTX PRO 6000, 12, 0"})
    void hopperAndNewerStopWithNameCapabilityRangeAndWaysOut(String name, int major, int minor) {
        Nd4jCudaSupport.Verdict v = Nd4jCudaSupport.decide(gpu(name, major, minor));
        assertFalse(v.canRun());
        assertEquals(
                "GPU 0 (" + name + ") has compute capability " + major + "." + minor
                        + "; ND4J 1.0.0-M2.1's CUDA backend has code for compute capability 3.7 to 8.9 only (sm_37 to sm_86,"
                        + " no PTX) and would fail at its first op with \"no kernel image is available for execution on the"
                        + " device\". Ways out: build without -Pcuda to train on the CPU backend (./mvnw -B -DskipTests"
                        + " package), or an ND4J release built with sm_" + major + minor
                        + " code (none on Maven Central as of"
                        + " 1.0.0-M2.1); docs/gpu.md",
                v.reason());
    }

    @Test
    void theDescriptionNamesTheDriverReleaseWhenKnown() {
        assertEquals(
                "NVIDIA L4, compute capability 8.9, 22.0 GiB, driver 570.124.06 (CUDA 12.8)",
                new GpuDevice("NVIDIA L4", 8, 9, 22_527L * 1024 * 1024, 12_080, "570.124.06").describe());
        assertEquals(
                "NVIDIA L4, compute capability 8.9, 22.0 GiB, driver for CUDA 12.8",
                new GpuDevice("NVIDIA L4", 8, 9, 22_527L * 1024 * 1024, 12_080, null).describe());
    }

    @Test
    void belowKeplerStops() {
        Nd4jCudaSupport.Verdict v = Nd4jCudaSupport.decide(gpu("Tesla K20", 3, 5));
        assertFalse(v.canRun());
        assertTrue(
                v.reason()
                        .startsWith("GPU 0 (Tesla K20) has compute capability 3.5; ND4J 1.0.0-M2.1's CUDA"
                                + " backend needs compute capability 3.7 to 8.9."),
                v.reason());
    }

    @Test
    void noGpuStopsWithTheDriversReason() {
        Nd4jCudaSupport.Verdict v = Nd4jCudaSupport.decide(
                machine(GpuQuery.Result.none("no NVIDIA driver (libcuda.so.1 not loadable: x)"), List.of()));
        assertFalse(v.canRun());
        assertTrue(
                v.reason()
                        .startsWith("ND4J's CUDA backend needs an NVIDIA GPU and driver, and none was found:"
                                + " no NVIDIA driver (libcuda.so.1 not loadable: x). Ways out: build without -Pcuda"),
                v.reason());
    }

    @Test
    void driverOlderThanCuda11Stops() {
        GpuQuery old =
                machine(GpuQuery.Result.of(new GpuDevice("Tesla V100", 7, 0, 16 * GIB, 10_020, null)), List.of());
        Nd4jCudaSupport.Verdict v = Nd4jCudaSupport.decide(old);
        assertFalse(v.canRun());
        assertTrue(
                v.reason()
                        .startsWith("the NVIDIA driver supports CUDA 10.2; ND4J's CUDA 11.6 backend needs a"
                                + " driver for CUDA 11.0 or newer"),
                v.reason());
    }

    @Test
    void missingCublas11StopsNamingTheLibrariesAndBothWaysToGetThem() {
        GpuQuery noLibs = machine(
                GpuQuery.Result.of(new GpuDevice("NVIDIA A100", 8, 0, 40 * GIB, 12_020, null)),
                List.of("libcublas.so.11: cannot open shared object file"));
        Nd4jCudaSupport.Verdict v = Nd4jCudaSupport.decide(noLibs);
        assertFalse(v.canRun());
        assertTrue(
                v.reason()
                        .contains("libcublas.so.11: cannot open shared object file. Ways out: install the CUDA"
                                + " 11.x libraries"),
                v.reason());
        assertTrue(v.reason().contains("-Pcuda,cuda-redist"), v.reason());
        assertTrue(v.reason().contains("org.bytedeco:cuda:11.6-8.3-1.5.7:linux-x86_64-redist"), v.reason());
    }

    @Test
    void anUnsupportedGpuIsReportedBeforeMissingLibraries() {
        GpuQuery both = machine(
                GpuQuery.Result.of(new GpuDevice("NVIDIA H100", 9, 0, 80 * GIB, 12_020, null)),
                List.of("libcublas.so.11: not found"));
        assertTrue(Nd4jCudaSupport.decide(both).reason().startsWith("GPU 0 (NVIDIA H100) has compute capability 9.0"));
    }

    @Test
    void aResultHasADeviceOrAReasonNeverBothOrNeither() {
        assertThrows(IllegalArgumentException.class, () -> new GpuQuery.Result(null, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> new GpuQuery.Result(new GpuDevice("x", 8, 0, 1, 12_000, null), "and a reason"));
    }

    @Test
    void buildsWithoutTheCudaBackendRequireNothing() {
        assumeFalse(Nd4jCudaSupport.inThisBuild(), "a -Pcuda build");
        Nd4jCudaSupport.requireUsable(); // no-op on the CPU build, whatever the machine
    }

    @Test
    void theRealDriverQueryAnswersOnThisMachine() {
        // No assumption about the machine: either a device with a plausible capability, or a reason.
        GpuQuery.Result r = new NvidiaDriverQuery().device();
        if (r.device() != null) {
            assertTrue(
                    r.device().ccMajor() >= 1 && r.device().memoryBytes() > 0,
                    r.device().describe());
        } else {
            assertFalse(r.noneReason().isBlank());
        }
    }
}
