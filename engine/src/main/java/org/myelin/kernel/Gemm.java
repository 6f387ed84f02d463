package org.myelin.kernel;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's matrix products, {@code out = op(a) op(b)} with {@code op} the transpose where asked.
 *
 * <p>Where the native fused CPU kernels are the active path ({@link Kernels#active()}), a float32 or float64 product
 * calls {@code cblas_sgemm}/{@code cblas_dgemm} of the BLAS that ND4J itself loaded (OpenBLAS, or MKL where
 * {@link org.myelin.Blas} chose it) straight from the native kernel library. Why: {@code Nd4j.gemm} builds and
 * dispatches a custom op around the same BLAS call, 20-50 us a call on this engine's machines, which is as long as
 * the small products of an MLP step themselves (the {@code 128 x 256 x 10} ones take ~20 us) and 5-10% of a whole
 * training step. Same library, same threads, same arithmetic: only the dispatch goes.
 *
 * <p>Thin products, whose inner size or output width is at most {@link NativeKernels#thinMax()} (16) (a classifier's output
 * layer), run on the calling thread in the native kernel library: OpenBLAS threads and packs them as if they were
 * large and reached 10-14 GFLOP/s on the {@code 1024 x 256 x 10} products of an MLP step. So do products of at
 * most 16 rows with {@code b} not transposed (a prediction or a step on a few samples): OpenBLAS packs all of
 * {@code b} for each call, 0.19 ms for {@code 2 x 784 x 512} on a Zen 3 core.
 *
 * <p>On two cores with OpenBLAS the engine, not the BLAS, spreads a product over the threads ({@link GemmSplit}).
 *
 * <p>Everything else goes through {@code Nd4j.gemm} as before: the ND4J kernel path ({@code -Dmyelin.kernels=nd4j}),
 * the CUDA backend, other data types, mixed types, operands with no unit stride on either axis, dimensions or row
 * strides beyond the BLAS's 32-bit integers, and empty products.
 */
public final class Gemm {
    private static final Logger log = LoggerFactory.getLogger(Gemm.class);

    private Gemm() {}

    /**
     * {@code out = op(a) op(b)}, overwriting {@code out}, which must not overlap {@code a} or {@code b} (callers pass a
     * fresh array; {@code org.myelin.ops.MatMul#gemm} allocates it); returns {@code out}.
     */
    public static INDArray into(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB) {
        if (!direct(a, b, out, transA, transB)) {
            Nd4j.gemm(a, b, out, transA, transB, 1.0, 0.0);
        }
        return out;
    }

    /**
     * Work up to which a thin product (inner size or output width at most {@link NativeKernels#thinMax()} (16)) runs on the
     * calling thread in the native kernel library instead of the BLAS: 2^25 multiply-adds, a few milliseconds on one
     * core; beyond it the BLAS's threads pay for their start even at OpenBLAS's poor rate on thin shapes.
     */
    static final long THIN_MAX_MULTIPLY_ADDS = 1L << 25;

    /** Whether products go straight to the BLAS (read once, after ND4J has loaded its natives). */
    public static boolean isDirect() {
        return Cblas.SGEMM != 0;
    }

    /** Who spreads the direct products over the cores in this process ({@link GemmSplit}). */
    static GemmSplit.Decision split() {
        return Cblas.SPLIT;
    }

    /** A short description for the engine's start-up line. */
    public static String describe() {
        return isDirect() ? "cblas direct; " + Cblas.SPLIT.description() : "Nd4j.gemm";
    }

    private static boolean direct(INDArray a, INDArray b, INDArray out, boolean transA, boolean transB) {
        DataType type = a.dataType();
        if (!Cblas.NATIVE
                || (type != DataType.FLOAT && type != DataType.DOUBLE)
                || b.dataType() != type
                || out.dataType() != type
                || a.rank() != 2
                || b.rank() != 2
                || out.rank() != 2) {
            return false;
        }
        Layout la = Layout.of(a);
        Layout lb = Layout.of(b);
        Layout lc = Layout.of(out);
        if (la == null || lb == null || lc == null || lc.transposed) {
            return false;
        }
        long m = transA ? a.size(1) : a.size(0);
        long k = transA ? a.size(0) : a.size(1);
        long n = transB ? b.size(0) : b.size(1);
        long kb = transB ? b.size(1) : b.size(0);
        if (kb != k || out.size(0) != m || out.size(1) != n) {
            return false; // Nd4j.gemm reports the mismatch
        }
        if (m == 0 || n == 0 || k == 0 || !fitsInt(m) || !fitsInt(n) || !fitsInt(k)) {
            return false;
        }
        // A column-major operand is the row-major storage of its transpose: flip its transpose flag.
        int ta = (transA ^ la.transposed) ? 1 : 0;
        int tb = (transB ^ lb.transposed) ? 1 : 0;
        long pa = NativeAddress.of(a);
        long pb = NativeAddress.of(b);
        long pc = NativeAddress.of(out);
        if ((k <= Cblas.THIN || n <= Cblas.THIN || m <= Cblas.THIN) && m * n * k <= THIN_MAX_MULTIPLY_ADDS) {
            int rc = type == DataType.FLOAT
                    ? NativeKernels.thinGemmF32(ta, tb, m, n, k, pa, la.ld, pb, lb.ld, pc, lc.ld)
                    : NativeKernels.thinGemmF64(ta, tb, m, n, k, pa, la.ld, pb, lb.ld, pc, lc.ld);
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(b);
            Reference.reachabilityFence(out);
            if (rc == 0) {
                return true;
            }
        }
        long fn = type == DataType.FLOAT ? Cblas.SGEMM : Cblas.DGEMM;
        if (fn == 0) {
            return false;
        }
        if (type == DataType.FLOAT) {
            NativeKernels.gemmF32(fn, ta, tb, (int) m, (int) n, (int) k, pa, la.ld, pb, lb.ld, pc, lc.ld);
        } else {
            NativeKernels.gemmF64(fn, ta, tb, (int) m, (int) n, (int) k, pa, la.ld, pb, lb.ld, pc, lc.ld);
        }
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(out);
        return true;
    }

    private static boolean fitsInt(long v) {
        return v <= Integer.MAX_VALUE;
    }

    /**
     * How a BLAS reads a stored matrix: row-major with row stride {@code ld}, or ({@code transposed}) the row-major
     * storage of its transpose. Null when neither axis has unit stride.
     */
    private static final class Layout {
        final int ld;
        final boolean transposed;

        private Layout(long ld, boolean transposed) {
            this.ld = (int) ld;
            this.transposed = transposed;
        }

        static Layout of(INDArray x) {
            long r = x.size(0);
            long c = x.size(1);
            long s0 = x.stride(0);
            long s1 = x.stride(1);
            // The stride of an axis of length 1 is never followed, whatever ND4J recorded for it.
            if ((c == 1 || s1 == 1) && (r == 1 || s0 >= c)) {
                return valid(r == 1 ? Math.max(c, 1) : s0, false);
            }
            if ((r == 1 || s0 == 1) && (c == 1 || s1 >= r)) {
                return valid(c == 1 ? Math.max(r, 1) : s1, true);
            }
            return null;
        }

        private static Layout valid(long ld, boolean transposed) {
            return ld >= 1 && ld <= Integer.MAX_VALUE ? new Layout(ld, transposed) : null;
        }
    }

    /** The BLAS entry points, or 0 where products go through Nd4j.gemm. */
    private static final class Cblas {
        /** Whether the native CPU kernels are the active path (thin products run there). */
        static final boolean NATIVE = Kernels.active() instanceof NativeCpuKernels;
        /** The native kernel's limit on the thin size; 0 (nothing thin) where it is not the active path. */
        static final int THIN = NATIVE ? NativeKernels.thinMax() : 0;

        static final long SGEMM;
        static final long DGEMM;
        /** Who spreads the direct products over the cores (decided once the BLAS is found). */
        static final GemmSplit.Decision SPLIT;

        static {
            long s = 0;
            long d = 0;
            if (NATIVE) {
                Pointer sp = Loader.addressof("cblas_sgemm");
                Pointer dp = Loader.addressof("cblas_dgemm");
                if (sp != null && dp != null && !sp.isNull() && !dp.isNull()) {
                    s = sp.address();
                    d = dp.address();
                } else {
                    log.warn(
                            "cblas_sgemm/cblas_dgemm not found in the loaded libraries; products go through Nd4j.gemm");
                }
            }
            SGEMM = s;
            DGEMM = d;
            SPLIT = s != 0
                    ? GemmSplit.configure((NativeCpuKernels) Kernels.active())
                    : new GemmSplit.Decision(false, "");
        }
    }
}
