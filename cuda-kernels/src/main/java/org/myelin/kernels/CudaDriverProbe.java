package org.myelin.kernels;

import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of {@code src/main/cpp/myelin_cuda_probe.h}: the NVIDIA driver's view of a GPU (name, compute
 * capability, memory, driver version) through the driver API, opened at run time with dlopen, so that this works
 * in every build (no CUDA at build time) and says "no driver" where there is none. Raw results only; the engine's
 * {@code org.myelin.gpu} package interprets them.
 */
@Platform(include = "myelin_cuda_probe.h", library = "jnimyelincudaprobe", link = "dl")
@NoException
public final class CudaDriverProbe {

    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            Loader.load(CudaDriverProbe.class);
        } catch (Throwable t) {
            error = t;
        }
        LOAD_ERROR = error;
    }

    private static final int TEXT = 512;

    private CudaDriverProbe() {}

    /** Whether the probe's own library loaded; when false, {@link #loadError()} says why. */
    public static boolean available() {
        return LOAD_ERROR == null;
    }

    /** Why the probe's library did not load, or null. */
    public static Throwable loadError() {
        return LOAD_ERROR;
    }

    /**
     * What the driver says about device {@code ordinal}.
     *
     * @param code      0, -1 (libcuda.so.1 not loadable), -2 (a driver function missing) or a CUresult
     * @param text      the device name when code is 0 and a device exists; otherwise the reason
     * @param devices   the number of devices (0 when none or on failure)
     * @param ccMajor   compute capability, major
     * @param ccMinor   compute capability, minor
     * @param memory    total device memory in bytes
     * @param driver    the driver's CUDA version, 1000 * major + 10 * minor (0 when unknown)
     */
    public record Result(int code, String text, int devices, int ccMajor, int ccMinor, long memory, int driver) {}

    /**
     * Queries device {@code ordinal} (0 is the one ND4J uses by default).
     *
     * @throws IllegalStateException when the probe's library did not load
     */
    public static Result query(int ordinal) {
        requireLoaded();
        byte[] text = new byte[TEXT];
        long[] info = new long[5];
        int code = probe(ordinal, text, TEXT, info);
        return new Result(code, string(text), (int) info[0], (int) info[1], (int) info[2], info[3], (int) info[4]);
    }

    /**
     * The driver's release as NVML reports it (e.g. "550.54.15"), or null when NVML is not there.
     *
     * @throws IllegalStateException when the probe's library did not load
     */
    public static String driverRelease() {
        requireLoaded();
        byte[] text = new byte[TEXT];
        return nvmlDriverRelease(text, TEXT) == 0 ? string(text) : null;
    }

    /**
     * Null when the dynamic loader loads {@code soname} from this system's library path, else the loader's reason.
     *
     * @throws IllegalStateException when the probe's library did not load
     */
    public static String whyNotLoadable(String soname) {
        requireLoaded();
        byte[] text = new byte[TEXT];
        return libraryLoads(soname, text, TEXT) == 1 ? null : string(text);
    }

    private static void requireLoaded() {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException("the CUDA driver probe's library did not load: " + LOAD_ERROR);
        }
    }

    private static String string(byte[] text) {
        int n = 0;
        while (n < text.length && text[n] != 0) {
            n++;
        }
        return new String(text, 0, n, StandardCharsets.UTF_8);
    }

    @Name("myelin_cuda_probe")
    private static native int probe(
            int ordinal, @Cast("char*") byte[] text, int textLength, @Cast("long long*") long[] info);

    @Name("myelin_nvml_driver_release")
    private static native int nvmlDriverRelease(@Cast("char*") byte[] text, int textLength);

    @Name("myelin_library_loads")
    private static native int libraryLoads(String soname, @Cast("char*") byte[] text, int textLength);
}
