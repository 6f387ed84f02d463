package org.myelin.kernel;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link ConvKernels} once per process: the native im2col + gemm path wherever the native CPU kernels
 * are in use ({@link Kernels#active()} is {@code native-cpu}), ND4J's conv2d ops otherwise (CUDA backend, library
 * not loaded, or {@code -Dmyelin.kernels=nd4j}). {@code -D}{@value #PROPERTY}{@code =nd4j} forces the ND4J ops
 * for convolutions alone. The im2col path was chosen by measurement, side by side in one run
 * ({@code Conv2dBenchmark}, docs/benchmarks.md "Convolution").
 */
public final class Convolutions {

    /** System property forcing the convolution path: {@code auto} (default) or {@code nd4j}. */
    public static final String PROPERTY = "myelin.conv";

    private static final Logger log = LoggerFactory.getLogger(Convolutions.class);

    private Convolutions() {}

    private static final class Holder {
        static final ConvKernels ACTIVE = choose(System.getProperty(PROPERTY));
    }

    /** The implementation in use. */
    public static ConvKernels active() {
        return Holder.ACTIVE;
    }

    /** ND4J's conv2d / conv2d_bp ops (reference and fallback), regardless of the choice. */
    public static ConvKernels nd4j() {
        return Nd4jConvKernels.INSTANCE;
    }

    /**
     * The native im2col + gemm path, regardless of the choice (for tests and benchmarks).
     *
     * @throws IllegalStateException when the native CPU kernels are unavailable, saying why
     */
    public static ConvKernels im2col() {
        Kernels.nativeCpu(); // throws with the reason when the library or the CPU backend is missing
        return Im2colConvKernels.INSTANCE;
    }

    static ConvKernels choose(String requested) {
        String mode = requested == null ? "auto" : requested.trim().toLowerCase(Locale.ROOT);
        ConvKernels chosen;
        if (mode.equals("nd4j")) {
            chosen = Nd4jConvKernels.INSTANCE;
        } else {
            if (!mode.equals("auto") && !mode.isEmpty()) {
                log.warn("-D{}={} is not a convolution path; expected auto or nd4j. Using auto.", PROPERTY, requested);
            }
            chosen = Kernels.active().name().equals("native-cpu")
                    ? Im2colConvKernels.INSTANCE
                    : Nd4jConvKernels.INSTANCE;
        }
        log.info("Convolution kernels: {}", chosen.name());
        return chosen;
    }
}
