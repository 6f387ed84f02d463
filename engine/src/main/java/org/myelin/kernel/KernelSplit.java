package org.myelin.kernel;

import java.util.Locale;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the native elementwise kernels (activation backward, bias + activation forward, SGD with momentum, Adam)
 * split a large call over the calling thread and one helper thread, and from how many elements.
 *
 * <p>The thread count follows the engine's ({@code Nd4j.getEnvironment().maxThreads()}, which ND4J takes from
 * {@code OMP_NUM_THREADS}): 1 never splits, 2 or more splits over two threads. The helper is a C++ thread that
 * sleeps in a futex while idle, so it does not spin against the BLAS's threads; the caller never waits for it to
 * wake up (see {@code cuda-kernels/src/main/cpp/myelin_parallel.h}). Waking it costs the caller about 5 us and the
 * helper joins about 8-20 us later, so only calls over {@value #DEFAULT_MIN_ELEMENTS} elements are split by
 * default: where a single-threaded pass takes about 40-100 us or more (docs/benchmarks.md, "Splitting the
 * elementwise kernels"). Results are bit-identical with and without the split.
 *
 * <p>{@code -Dmyelin.kernelSplitElements=N} (or the environment variable {@code MYELIN_KERNEL_SPLIT_ELEMENTS}; the
 * property wins) sets the threshold, {@code off} turns the split off.
 */
public final class KernelSplit {

    /** The system property that sets the threshold in elements, or {@code off}. */
    public static final String PROPERTY = "myelin.kernelSplitElements";
    /** The environment variable read when {@link #PROPERTY} is unset. */
    public static final String ENVIRONMENT = "MYELIN_KERNEL_SPLIT_ELEMENTS";
    /** The fewest elements of a call that is split, unless {@link #PROPERTY} says otherwise. */
    public static final long DEFAULT_MIN_ELEMENTS = 262_144;
    /** The largest threshold accepted (any call that large would not fit in memory anyway). */
    public static final long MAX_MIN_ELEMENTS = 1L << 62;

    /**
     * A decision: {@code threads} (1 or 2) and the threshold, with the one-line description {@link Kernels#describe}
     * shows.
     */
    public record Setting(int threads, long minElements, String description) {}

    private static final Logger log = LoggerFactory.getLogger(KernelSplit.class);

    private KernelSplit() {}

    /**
     * The setting for this process: the engine's thread count, {@link #PROPERTY} and {@link #ENVIRONMENT}. An invalid
     * value is logged as a warning and the default threshold used (the command line refuses it earlier, in {@code
     * Settings.check}).
     */
    public static Setting configured() {
        int threads = Nd4j.getEnvironment().maxThreads();
        try {
            return decide(threads, System.getProperty(PROPERTY), System.getenv(ENVIRONMENT));
        } catch (IllegalArgumentException e) {
            log.warn("{}; using the default, {} elements", e.getMessage(), DEFAULT_MIN_ELEMENTS);
            return decide(threads, null, null);
        }
    }

    /**
     * The setting for an engine thread count and the values of {@link #PROPERTY} and {@link #ENVIRONMENT} (either
     * may be null).
     *
     * @throws IllegalArgumentException for a value that is neither {@code off} nor a whole number in
     *     1..{@link #MAX_MIN_ELEMENTS}, naming the setting
     */
    public static Setting decide(int engineThreads, String propertyValue, String environmentValue) {
        String value = propertyValue;
        String source = "-D" + PROPERTY;
        if (value == null) {
            value = environmentValue;
            source = ENVIRONMENT;
        }
        long min = DEFAULT_MIN_ELEMENTS;
        if (value != null && !value.isBlank()) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            if (v.equals("off")) {
                return new Setting(1, MAX_MIN_ELEMENTS, "single-threaded (" + source + "=off)");
            }
            min = parse(source, value);
        }
        if (engineThreads < 2) {
            return new Setting(1, min, "single-threaded (engine threads: " + engineThreads + ")");
        }
        return new Setting(2, min, "calls from " + min + " elements split over 2 threads");
    }

    /** Applies the setting to the native kernels (process-wide). */
    static void apply(Setting setting) {
        NativeKernels.setParallelism(setting.threads(), setting.minElements(), 0);
    }

    private static long parse(String source, String value) {
        String v = value.trim();
        long n = -1;
        if (v.matches("\\d{1,19}")) {
            try {
                n = Long.parseLong(v);
            } catch (NumberFormatException e) {
                n = -1;
            }
        }
        if (n < 1 || n > MAX_MIN_ELEMENTS) {
            String shown = v.length() > 40 ? v.substring(0, 40) + "..." : v;
            throw new IllegalArgumentException(source + " must be off or a whole number of elements in 1.."
                    + MAX_MIN_ELEMENTS + ", was '" + shown + "'");
        }
        return n;
    }
}
