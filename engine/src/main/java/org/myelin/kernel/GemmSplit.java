package org.myelin.kernel;

import java.util.Locale;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who spreads a matrix product over two cores: the BLAS's own threads, or the engine, which cuts the product in two
 * halves and runs them as two single-threaded BLAS calls, one on the calling thread and one on the native helper
 * thread of {@link KernelSplit} ({@code split_gemm} in the kernel library).
 *
 * <p>Why: on two cores of a Zen 3 EPYC, OpenBLAS 0.3.19's two threads reached 70-95% of the rate of two
 * single-threaded calls on the products of an MLP step (docs/benchmarks.md, finding 23; where OpenBLAS loses the
 * time was not measured).
 *
 * <p>When: the native CPU kernels are the active path, the BLAS ND4J loaded is OpenBLAS set to exactly two threads, and
 * the engine runs two threads ({@link KernelSplit}). OpenBLAS is then set to one thread for the whole process, so an
 * ND4J product that does not go through {@link Gemm} runs on one core. MKL (chosen on Intel CPUs, where it was not
 * measured this way) and machines with more threads keep the BLAS's own threads. {@code -Dmyelin.gemmSplit=off} keeps
 * them too.
 *
 * <p>Only products of at least {@link #MIN_MULTIPLY_ADDS} multiply-adds are cut, at a point fixed by the shape, so the
 * result of a product depends only on its shape, not on whether the helper thread was free.
 */
public final class GemmSplit {
    private static final Logger log = LoggerFactory.getLogger(GemmSplit.class);

    /** The system property: {@code auto} (the default) or {@code off}. */
    public static final String PROPERTY = "myelin.gemmSplit";

    /**
     * The fewest multiply-adds of a product that is cut: 2^19, about 10 us of work on one core, several times what
     * handing a half to the helper costs. Chosen, not tuned: the products of the benchmarked MLPs are all far above
     * it or thin (native, never cut).
     */
    public static final long MIN_MULTIPLY_ADDS = 1L << 19;

    /** A decision and its one-line description. */
    public record Decision(boolean split, String description) {}

    private GemmSplit() {}

    /**
     * The decision for a setting and a machine, separated from the process for testing.
     *
     * @param setting the value of {@link #PROPERTY}, or null
     * @param nativeKernels whether the native CPU kernels are the active path
     * @param openBlas whether the BLAS ND4J loaded is OpenBLAS
     * @param blasThreads the BLAS's thread count
     * @param engineThreads the elementwise kernels' thread count ({@link KernelSplit.Setting#threads()})
     * @throws IllegalArgumentException for a setting other than {@code auto} or {@code off}
     */
    public static Decision decide(
            String setting, boolean nativeKernels, boolean openBlas, int blasThreads, int engineThreads) {
        String v = setting == null ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("auto") && !v.equals("off")) {
            throw new IllegalArgumentException(
                    "-D" + PROPERTY + " must be auto or off, was '" + org.myelin.io.Text.shorten(setting, 40) + "'");
        }
        String blas = "BLAS threads: " + blasThreads;
        if (v.equals("off")) {
            return new Decision(false, blas + " (-D" + PROPERTY + "=off)");
        }
        if (!nativeKernels || !openBlas || blasThreads != 2 || engineThreads != 2) {
            return new Decision(false, blas);
        }
        return new Decision(
                true,
                "products from " + MIN_MULTIPLY_ADDS + " multiply-adds cut over 2 threads, OpenBLAS"
                        + " single-threaded");
    }

    /**
     * Decides for this process, where {@code kernels} are the active path, and applies the decision: sets
     * OpenBLAS to one thread and the native library's threshold. Called once, where {@link Gemm} finds the BLAS; an
     * invalid setting is logged and treated as {@code auto} (the command line refuses it earlier, in
     * {@code Settings.check}).
     */
    static Decision configure(NativeCpuKernels kernels) {
        var blas = Nd4j.factory().blas();
        boolean openBlas = blas.getBlasVendor() == org.nd4j.linalg.api.blas.Blas.Vendor.OPENBLAS;
        int engineThreads = kernels.threads();
        Decision d;
        try {
            d = decide(System.getProperty(PROPERTY), true, openBlas, blas.getMaxThreads(), engineThreads);
        } catch (IllegalArgumentException e) {
            log.warn("{}; using auto", e.getMessage());
            d = decide(null, true, openBlas, blas.getMaxThreads(), engineThreads);
        }
        if (d.split()) {
            blas.setMaxThreads(1);
        }
        apply(d);
        return d;
    }

    /** Sets the native library's threshold for a decision (tests that force the cut restore the process's with it). */
    static void apply(Decision d) {
        NativeKernels.setGemmSplit(d.split() ? MIN_MULTIPLY_ADDS : Long.MAX_VALUE);
    }
}
