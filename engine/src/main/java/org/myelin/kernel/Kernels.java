package org.myelin.kernel;

import java.io.IOException;
import java.util.Locale;
import org.bytedeco.javacpp.Loader;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link ElementwiseKernels} implementation for this process, once, on first use.
 *
 * <ul>
 *   <li>{@code -Dmyelin.kernels=nd4j} or the environment variable {@code MYELIN_KERNELS=nd4j} (the system
 *       property wins): the ND4J path, always;</li>
 *   <li>otherwise ({@code auto}, the default): on ND4J's CPU backend the fused C++ kernels when their library
 *       loaded; on the CUDA backend the CUDA kernels when the engine was built with {@code -Pcuda} and the fat
 *       binary loads on the device; else the ND4J path.</li>
 * </ul>
 *
 * <p>Whichever is active, calls whose arrays or activation do not qualify are served by ND4J ops, so the choice
 * changes speed, never results beyond rounding. {@link #describe()} says which path is active and why.
 */
public final class Kernels {

    /** The system property that selects the kernel path: {@code auto} (default) or {@code nd4j}. */
    public static final String PROPERTY = "myelin.kernels";
    /** The environment variable read when {@link #PROPERTY} is unset. */
    public static final String ENVIRONMENT = "MYELIN_KERNELS";

    private static final Logger log = LoggerFactory.getLogger(Kernels.class);
    private static final String CPU_BACKEND = "org.nd4j.linalg.cpu.nativecpu.CpuBackend";
    private static final String CUDA_BACKEND = "org.nd4j.linalg.jcublas.JCublasBackend";
    private static final String CUDA_KERNELS = "org.myelin.kernel.CudaKernels";

    private Kernels() {}

    /** A chosen implementation and the reason, as {@link #describe()} gives it. */
    record Choice(ElementwiseKernels kernels, String description) {}

    private static final class Holder {
        static final Choice CHOICE = choose();
    }

    /** The implementation in use (chosen once per process). */
    public static ElementwiseKernels active() {
        return Holder.CHOICE.kernels();
    }

    /** One line for {@code myelin info} and the start-up log: the active path and why it was chosen. */
    public static String describe() {
        return Holder.CHOICE.description();
    }

    /** The pure-ND4J implementation (reference and fallback), regardless of the choice. */
    public static ElementwiseKernels nd4j() {
        return Nd4jKernels.INSTANCE;
    }

    /** Whether the active implementation is the fused CPU one (the spiking network then uses its kernels too). */
    public static boolean nativeCpuActive() {
        return active() instanceof NativeCpuKernels;
    }

    /** Whether the fused CPU kernels can be used here: their library loaded and ND4J runs on the CPU backend. */
    public static boolean nativeCpuAvailable() {
        return NativeKernels.available() && isCpuBackend();
    }

    /**
     * The fused CPU implementation, regardless of {@link #PROPERTY} (for tests and benchmarks).
     *
     * @throws IllegalStateException when {@link #nativeCpuAvailable()} is false, saying why
     */
    public static ElementwiseKernels nativeCpu() {
        if (!NativeKernels.available()) {
            throw new IllegalStateException("native CPU kernels unavailable: " + NativeKernels.loadError());
        }
        if (!isCpuBackend()) {
            throw new IllegalStateException(
                    "native CPU kernels need ND4J's CPU backend, the backend is " + backendName());
        }
        return NativeCpuHolder.INSTANCE;
    }

    private static final class NativeCpuHolder {
        static final NativeCpuKernels INSTANCE = new NativeCpuKernels();
    }

    private static Choice choose() {
        Choice choice = chooseQuietly();
        log.info("Elementwise kernels: {}", choice.description());
        return choice;
    }

    private static Choice chooseQuietly() {
        return decide(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
    }

    /** The choice for these values of {@link #PROPERTY} and {@link #ENVIRONMENT} (either may be null). */
    static Choice decide(String propertyValue, String environmentValue) {
        String requested = propertyValue;
        String source = "-D" + PROPERTY;
        if (requested == null) {
            requested = environmentValue;
            source = ENVIRONMENT;
        }
        String mode = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        if (mode.equals("nd4j")) {
            return new Choice(Nd4jKernels.INSTANCE, "ND4J ops (forced by " + source + "=nd4j)");
        }
        String note = "";
        if (!mode.equals("auto") && !mode.isEmpty()) {
            note = "; ignored " + source + "=" + requested + " (expected auto or nd4j)";
            log.warn("{}={} is not a kernel path; expected auto or nd4j. Using auto.", source, requested);
        }
        String backend = backendName();
        if (CPU_BACKEND.equals(backend)) {
            if (NativeKernels.available()) {
                return new Choice(
                        NativeCpuHolder.INSTANCE,
                        "native fused CPU kernels (" + NativeKernels.isa() + ", "
                                + NativeCpuHolder.INSTANCE.threading() + ", JavaCPP "
                                + javacppVersion() + ")" + note);
            }
            return new Choice(
                    Nd4jKernels.INSTANCE,
                    "ND4J ops (native kernels unavailable: " + NativeKernels.loadError() + ")" + note);
        }
        if (CUDA_BACKEND.equals(backend)) {
            return chooseCuda(note);
        }
        return new Choice(Nd4jKernels.INSTANCE, "ND4J ops (no native kernels for backend " + backend + ")" + note);
    }

    /** The CUDA implementation exists only in engines built with -Pcuda, hence the reflective lookup. */
    private static Choice chooseCuda(String note) {
        try {
            Class<?> type = Class.forName(CUDA_KERNELS);
            ElementwiseKernels cuda =
                    (ElementwiseKernels) type.getDeclaredConstructor().newInstance();
            return new Choice(cuda, "CUDA fused kernels (" + cuda + ")" + note);
        } catch (ClassNotFoundException e) {
            return new Choice(Nd4jKernels.INSTANCE, "ND4J ops (CUDA backend, engine built without -Pcuda)" + note);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return new Choice(Nd4jKernels.INSTANCE, "ND4J ops (CUDA kernels unavailable: " + cause + ")" + note);
        }
    }

    private static String javacppVersion() {
        try {
            return Loader.getVersion();
        } catch (IOException e) {
            return "version unknown";
        }
    }

    /** Whether ND4J runs on its CPU backend, where an array's host buffer is its data (fixed once ND4J has loaded). */
    public static boolean isCpuBackend() {
        return CPU_BACKEND.equals(backendName());
    }

    private static String backendName() {
        return Nd4j.getBackend().getClass().getName();
    }
}
