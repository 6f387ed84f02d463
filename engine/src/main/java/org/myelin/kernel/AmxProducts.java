package org.myelin.kernel;

import java.util.Locale;
import org.myelin.kernels.NativeKernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the packed weights of a frozen model ({@link PackedWeights}, {@code org.myelin.nn.FrozenModel}) multiply on
 * the CPU's AMX tile units where it has them (Intel Xeon from Sapphire Rapids on), instead of the BLAS's AVX-512
 * kernels.
 *
 * <p>AMX multiplies bfloat16 numbers, which hold 8 of float32's 24 significant bits, so each operand is split into
 * three bfloat16 pieces that together hold all 24, and the six piece products that matter at float32 precision are
 * summed in float32 ({@code cuda-kernels/src/main/cpp/myelin_amx.h}). Against float64 the results are as close as
 * the BLAS's (closer on the MLP's shapes, tested) and lean neither way; they are not the BLAS's bits, and they do not
 * depend on how the work is split over threads. Only fixed weights pay: splitting and packing a matrix costs about
 * as much per element as the BLAS's whole product at 128 rows, so the training step, whose weights change every
 * step, stays on the BLAS (docs/benchmarks.md, finding 18).
 *
 * <p>{@code -Dmyelin.amx=off} (or the environment variable {@code MYELIN_AMX=off}; the property wins) leaves every
 * product to the BLAS; {@code auto}, the default, uses AMX where the CPU and kernel allow it.
 */
public final class AmxProducts {

    /** The system property: {@code auto} or {@code off}. */
    public static final String PROPERTY = "myelin.amx";
    /** The environment variable read when {@link #PROPERTY} is unset. */
    public static final String ENVIRONMENT = "MYELIN_AMX";

    private static final Logger log = LoggerFactory.getLogger(AmxProducts.class);

    private AmxProducts() {}

    /**
     * Whether the setting allows AMX, from the values of {@link #PROPERTY} and {@link #ENVIRONMENT} (either may be
     * null; blank counts as unset).
     *
     * @throws IllegalArgumentException for a value other than {@code auto} or {@code off}, naming the setting
     */
    public static boolean allowed(String propertyValue, String environmentValue) {
        String value = propertyValue;
        String source = "-D" + PROPERTY;
        if (value == null || value.isBlank()) {
            value = environmentValue;
            source = ENVIRONMENT;
        }
        if (value == null || value.isBlank()) {
            return true;
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return true;
        }
        if (v.equals("off")) {
            return false;
        }
        throw new IllegalArgumentException(
                source + " must be auto or off, was '" + org.myelin.io.Text.shorten(value.trim(), 40) + "'");
    }

    /**
     * Applies this process's setting to the native library and says what it did, for {@link Kernels#describe()}. An
     * invalid value is logged as a warning and {@code auto} used (the command line refuses it earlier, in {@code
     * Settings.check}).
     */
    static String configure() {
        boolean allowed;
        try {
            allowed = allowed(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
        } catch (IllegalArgumentException e) {
            log.warn("{}; using auto", e.getMessage());
            allowed = true;
        }
        NativeKernels.amxConfigure(allowed ? 1 : 0);
        if (!allowed) {
            return "frozen weights on the BLAS (" + PROPERTY + "=off)";
        }
        return NativeKernels.amxActive() == 1
                ? "frozen weights on AMX (three bfloat16 pieces)"
                : "frozen weights on the BLAS (no AMX on this CPU)";
    }

    /** Whether products of packed weights run on AMX now (the native kernels are active, the CPU and setting allow it). */
    public static boolean active() {
        return Kernels.nativeCpuActive() && NativeKernels.amxActive() == 1;
    }
}
