package org.myelin.kernels;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JavaCPP binding of the CPU fused elementwise kernels ({@code src/main/cpp/myelin_kernels.h}).
 *
 * <p>Raw buffers in, raw buffers out: every pointer argument is a native address ({@code long}) of a
 * contiguous buffer of {@code n} elements of the function's type ({@code F32}: float, {@code F64}: double),
 * and no argument is checked here. Callers (the engine's {@code org.myelin.kernel} package) check type, length
 * and layout, keep the arrays reachable for the duration of the call, and use the pure-ND4J path whenever
 * {@link #available()} is false. The functions run on the calling thread; the elementwise ones (backward, bias
 * forward, SGD, Adam) split a large call with one helper thread when {@link #setParallelism} allows it, with results
 * bit-identical to an unsplit call. An output may be the same buffer as an input (in place); partially overlapping
 * buffers are not supported.
 *
 * <p>Activation ids: {@link #IDENTITY}, {@link #LOGISTIC}, {@link #TANH}, {@link #ARCTAN}, {@link #RELU},
 * {@link #LEAKY_RELU} (slope {@code alpha}), {@link #THRESHOLD}: the MYELIN_ACTIVATIONS of
 * {@code src/main/cpp/myelin_kernel_table.h}, from which the C++ and CUDA kernels generate theirs (KernelTableTest
 * fails naming any constant that differs from the table).
 */
@Platform(
        include = {"myelin_kernels.h", "myelin_conv.h"},
        library = "jnimyelinkernels")
@NoException
public final class NativeKernels {

    /** {@code f(z) = z}, {@code f' = 1}. */
    public static final int IDENTITY = 0;
    /** {@code f(z) = 1 / (1 + e^-z)}, {@code f'(z) = e / (1 + e)^2} with {@code e = exp(-|z|)}. */
    public static final int LOGISTIC = 1;
    /** {@code f(z) = tanh z}, {@code f'(z) = 4e / (1 + e)^2} with {@code e = exp(-2|z|)}. */
    public static final int TANH = 2;
    /** {@code f(z) = atan z}, {@code f'(z) = 1 / (1 + z^2)}. */
    public static final int ARCTAN = 3;
    /** {@code f(z) = max(0, z)}, {@code f'(z) = 1 if z >= 0 else 0} (the notes' convention at 0). */
    public static final int RELU = 4;
    /** {@code f(z) = z if z >= 0 else alpha z}, {@code f'(z) = 1 if z >= 0 else alpha}. */
    public static final int LEAKY_RELU = 5;
    /** {@code f(z) = 1 if z >= 0 else 0}, {@code f' = 0}. */
    public static final int THRESHOLD = 6;

    private static final Throwable LOAD_ERROR;

    static {
        Throwable error = null;
        try {
            Loader.load(NativeKernels.class);
        } catch (Throwable t) {
            // UnsatisfiedLinkError (library not built, wrong platform, glibc too old) or a JavaCPP failure:
            // reported by loadError() so the engine can fall back and say why.
            error = t;
        }
        LOAD_ERROR = error;
    }

    private NativeKernels() {}

    /** Whether the native library loaded; when false, calling any native method throws UnsatisfiedLinkError. */
    public static boolean available() {
        return LOAD_ERROR == null;
    }

    /** Why the library did not load, or null when it did. */
    public static Throwable loadError() {
        return LOAD_ERROR;
    }

    /**
     * "x86-64-v4 (AVX-512)", "x86-64-v3 (AVX2)" or "x86-64 (baseline)": the build the loader chose for this CPU;
     * requires {@link #available()}.
     */
    public static String isa() {
        switch (isaLevel()) {
            case 2:
                return "x86-64-v4 (AVX-512)";
            case 1:
                return "x86-64-v3 (AVX2)";
            default:
                return "x86-64 (baseline)";
        }
    }

    @Name("myelin_isa_level")
    private static native int isaLevel();

    /**
     * When the elementwise kernels ({@code backward*}, {@code backwardFromOutput*}, {@code biasForward*},
     * {@code sgd*}, {@code adam*}) split a call over the calling thread and one helper thread (process-wide; until
     * the first call nothing is split). {@code threads < 2} never splits; otherwise a call over at least
     * {@code minElements} elements is split into chunks that both threads claim (the helper sleeps in a futex while
     * idle and never spins). {@code strict != 0} is for tests: every split call then waits until the helper has
     * taken a chunk, so that the helper's path runs whatever the machine's load.
     */
    @Name("myelin_set_parallelism")
    public static native void setParallelism(int threads, long minElements, int strict);

    /**
     * Row-major {@code c = op(a) op(b)} on the calling thread for thin products, where {@code k} or {@code n} is at
     * most {@link #thinMax()}; same arguments as {@link #gemmF32} without the BLAS. Returns 0, -1 when neither is thin (c
     * untouched), -2 when its scratch could not be allocated.
     */
    @Name("myelin_thin_gemm_f32")
    public static native int thinGemmF32(
            int transA,
            int transB,
            long m,
            long n,
            long k,
            @Cast("const float*") long a,
            long lda,
            @Cast("const float*") long b,
            long ldb,
            @Cast("float*") long c,
            long ldc);

    /** The largest inner size or output width {@link #thinGemmF32} takes ({@code MYELIN_THIN}). */
    @Name("myelin_thin_max")
    public static native int thinMax();

    /** Float64 version of {@link #thinGemmF32}. */
    @Name("myelin_thin_gemm_f64")
    public static native int thinGemmF64(
            int transA,
            int transB,
            long m,
            long n,
            long k,
            @Cast("const double*") long a,
            long lda,
            @Cast("const double*") long b,
            long ldb,
            @Cast("double*") long c,
            long ldc);

    /**
     * Row-major {@code c = op(a) op(b)} ({@code [m, k] x [k, n]}, op the transpose where {@code transA}/{@code transB}
     * is non-zero) through the {@code cblas_sgemm} at native address {@code cblasSgemm}, which the caller looked up
     * in the BLAS already loaded; {@code lda}, {@code ldb}, {@code ldc} are the row strides of the stored matrices.
     */
    @Name("myelin_gemm_f32")
    public static native void gemmF32(
            long cblasSgemm,
            int transA,
            int transB,
            int m,
            int n,
            int k,
            @Cast("const float*") long a,
            int lda,
            @Cast("const float*") long b,
            int ldb,
            @Cast("float*") long c,
            int ldc);

    /** Float64 version of {@link #gemmF32}, through {@code cblas_dgemm}. */
    @Name("myelin_gemm_f64")
    public static native void gemmF64(
            long cblasDgemm,
            int transA,
            int transB,
            int m,
            int n,
            int k,
            @Cast("const double*") long a,
            int lda,
            @Cast("const double*") long b,
            int ldb,
            @Cast("double*") long c,
            int ldc);

    /**
     * Products through {@link #gemmF32}/{@link #gemmF64} of at least {@code minMultiplyAdds} multiply-adds are cut in
     * two halves, run as two BLAS calls on the calling thread and the helper thread ({@code Long.MAX_VALUE}, the
     * default, never cuts). Only for a BLAS that runs single-threaded: the engine sets it after making it so.
     */
    @Name("myelin_set_gemm_split")
    public static native void setGemmSplit(long minMultiplyAdds);

    /** How many chunks of split calls the helper thread has run since the library loaded. */
    @Name("myelin_helper_chunks")
    public static native long helperChunks();

    /**
     * {@code out[i] = g[i] * f'(z[i])} for activation {@code act}; returns 0, or -1 for an unknown id.
     * {@code out} may be {@code g} or {@code z}.
     */
    @Name("myelin_backward_f32")
    public static native int backwardF32(
            int act,
            float alpha,
            @Cast("const float*") long z,
            @Cast("const float*") long g,
            @Cast("float*") long out,
            long n);

    /** Float64 version of {@link #backwardF32}. */
    @Name("myelin_backward_f64")
    public static native int backwardF64(
            int act,
            double alpha,
            @Cast("const double*") long z,
            @Cast("const double*") long g,
            @Cast("double*") long out,
            long n);

    /**
     * {@code out[i] = g[i] * f'} from the saved activation {@code a = f(z)}: logistic {@code a (1 - a)}, tanh
     * {@code (1 - a)(1 + a)}; returns -1 for any other id.
     */
    @Name("myelin_backward_from_output_f32")
    public static native int backwardFromOutputF32(
            int act, @Cast("const float*") long a, @Cast("const float*") long g, @Cast("float*") long out, long n);

    /** Float64 version of {@link #backwardFromOutputF32}. */
    @Name("myelin_backward_from_output_f64")
    public static native int backwardFromOutputF64(
            int act, @Cast("const double*") long a, @Cast("const double*") long g, @Cast("double*") long out, long n);

    /**
     * {@code z[r, c] = x[r, c] + b[c]}, {@code a[r, c] = f(z[r, c])} over row-major {@code [rows, cols]}
     * buffers; {@code z} may be 0 (not written). Returns 0, or -1 for an unknown id.
     */
    @Name("myelin_bias_forward_f32")
    public static native int biasForwardF32(
            int act,
            float alpha,
            @Cast("const float*") long x,
            @Cast("const float*") long b,
            @Cast("float*") long z,
            @Cast("float*") long a,
            long rows,
            long cols);

    /** Float64 version of {@link #biasForwardF32}. */
    @Name("myelin_bias_forward_f64")
    public static native int biasForwardF64(
            int act,
            double alpha,
            @Cast("const double*") long x,
            @Cast("const double*") long b,
            @Cast("double*") long z,
            @Cast("double*") long a,
            long rows,
            long cols);

    /**
     * {@code dz[r, c] = g[r, c] f'(z[r, c])} and {@code db[c] = sum_r dz[r, c]} in one pass over row-major
     * {@code [rows, cols]} buffers ({@code db} has {@code cols} elements; sums in double, rounded once): a dense
     * layer's activation backward and its bias gradient. Returns 0, or -1 for an unknown id.
     */
    @Name("myelin_backward_bias_f32")
    public static native int backwardBiasF32(
            int act,
            float alpha,
            @Cast("const float*") long z,
            @Cast("const float*") long g,
            @Cast("float*") long dz,
            @Cast("float*") long db,
            long rows,
            long cols);

    /** Float64 version of {@link #backwardBiasF32}. */
    @Name("myelin_backward_bias_f64")
    public static native int backwardBiasF64(
            int act,
            double alpha,
            @Cast("const double*") long z,
            @Cast("const double*") long g,
            @Cast("double*") long dz,
            @Cast("double*") long db,
            long rows,
            long cols);

    /** {@code out[c] = sum_r x[r, c]} over a row-major {@code [rows, cols]} buffer, summed in double. */
    @Name("myelin_column_sums_f32")
    public static native void columnSumsF32(
            @Cast("const float*") long x, @Cast("float*") long out, long rows, long cols);

    /** Float64 version of {@link #columnSumsF32}. */
    @Name("myelin_column_sums_f64")
    public static native void columnSumsF64(
            @Cast("const double*") long x, @Cast("double*") long out, long rows, long cols);

    /**
     * SGD with momentum in place (PyTorch form, no dampening): {@code g' = g + wd w; v = mu v + g';
     * w -= lr v}, or {@code w -= lr (g' + mu v)} when {@code nesterov != 0}.
     */
    @Name("myelin_sgd_f32")
    public static native void sgdF32(
            @Cast("float*") long w,
            @Cast("const float*") long g,
            @Cast("float*") long v,
            long n,
            float lr,
            float mu,
            float wd,
            int nesterov);

    /** Float64 version of {@link #sgdF32}. */
    @Name("myelin_sgd_f64")
    public static native void sgdF64(
            @Cast("double*") long w,
            @Cast("const double*") long g,
            @Cast("double*") long v,
            long n,
            double lr,
            double mu,
            double wd,
            int nesterov);

    /**
     * Plain SGD (momentum 0) in place: {@code w -= lr (g + wd w)}; unlike {@link #sgdF32} it needs no velocity
     * buffer.
     */
    @Name("myelin_sgd_plain_f32")
    public static native void sgdPlainF32(
            @Cast("float*") long w, @Cast("const float*") long g, long n, float lr, float wd);

    /** Float64 version of {@link #sgdPlainF32}. */
    @Name("myelin_sgd_plain_f64")
    public static native void sgdPlainF64(
            @Cast("double*") long w, @Cast("const double*") long g, long n, double lr, double wd);

    /**
     * Adam or AdamW in place, from finished coefficients: {@code w' = decay w; g' = g + wd w';
     * m = b1 m + c1 g'; v = b2 v + c2 g'^2; w = w' - stepSize m / (sqrt(v) invSqrtBc2 + eps)}. The caller computes
     * every coefficient in double and rounds it once: {@code c1 = 1 - b1}, {@code c2 = 1 - b2},
     * {@code stepSize = lr / (1 - b1^t)}, {@code invSqrtBc2 = 1 / sqrt(1 - b2^t)}; Adam passes {@code decay = 1}
     * and its L2 coefficient as {@code wd}, AdamW {@code decay = 1 - lr lambda} and {@code wd = 0}. (Deriving
     * {@code 1 - b2} from a float {@code b2} inside the kernel made every float32 step 6.4e-6 too large.)
     */
    @Name("myelin_adam_f32")
    public static native void adamF32(
            @Cast("float*") long w,
            @Cast("const float*") long g,
            @Cast("float*") long m,
            @Cast("float*") long v,
            long n,
            float b1,
            float c1,
            float b2,
            float c2,
            float eps,
            float wd,
            float decay,
            float stepSize,
            float invSqrtBc2);

    /** Float64 version of {@link #adamF32}. */
    @Name("myelin_adam_f64")
    public static native void adamF64(
            @Cast("double*") long w,
            @Cast("const double*") long g,
            @Cast("double*") long m,
            @Cast("double*") long v,
            long n,
            double b1,
            double c1,
            double b2,
            double c2,
            double eps,
            double wd,
            double decay,
            double stepSize,
            double invSqrtBc2);

    /**
     * Copies row {@code rows[i]} of {@code src} to row {@code i} of {@code dst} for {@code i < n}, rows of {@code
     * rowBytes} bytes; split with the helper thread for large batches. Every index must lie in {@code src} and {@code
     * n <= rows.length}: the caller checks.
     */
    @Name("myelin_gather_rows")
    public static native void gatherRows(
            @Cast("const char*") long src, long rowBytes, int[] rows, long n, @Cast("char*") long dst);

    /**
     * Class of each row of a row-major {@code rows x cols} float32 matrix into {@code out[0..rows)}: the first column
     * holding the row's maximum (comparisons with {@code >}: a NaN is never greater). {@code cols >= 1}, {@code rows <=
     * out.length}: the caller checks.
     */
    @Name("myelin_argmax_rows_f32")
    public static native void argMaxRowsF32(@Cast("const float*") long x, long rows, long cols, int[] out);

    /** Float64 version of {@link #argMaxRowsF32}. */
    @Name("myelin_argmax_rows_f64")
    public static native void argMaxRowsF64(@Cast("const double*") long x, long rows, long cols, int[] out);

    /**
     * {@code sum_i x[i]^2} over {@code n} contiguous float32 values, accumulated in float64: the squared L2 norm
     * of a gradient; NaN or infinite when any value is.
     */
    @Name("myelin_sum_squares_f32")
    public static native double sumSquaresF32(@Cast("const float*") long x, long n);

    /** Float64 version of {@link #sumSquaresF32}. */
    @Name("myelin_sum_squares_f64")
    public static native double sumSquaresF64(@Cast("const double*") long x, long n);

    /**
     * Softmax cross-entropy of {@code rows x cols} row-major float32 logits {@code y} and targets {@code t}: writes
     * {@code p = softmax(y)} row by row and returns {@code -sum t log softmax(y)} over the whole batch, computed from
     * the shifted logits {@code y - max(y)} and accumulated in float64. {@code p} must not alias {@code y} or
     * {@code t}.
     */
    @Name("myelin_softmax_xent_f32")
    public static native double softmaxXentF32(
            @Cast("const float*") long y, @Cast("const float*") long t, @Cast("float*") long p, long rows, long cols);

    /** Float64 version of {@link #softmaxXentF32}. */
    @Name("myelin_softmax_xent_f64")
    public static native double softmaxXentF64(
            @Cast("const double*") long y,
            @Cast("const double*") long t,
            @Cast("double*") long p,
            long rows,
            long cols);

    /**
     * Softmax cross-entropy with its gradient: {@code g[r] = (softmax(y[r]) - t[r]) scale} (scale applied in double,
     * rounded once) over row-major {@code [rows, cols]} buffers; returns {@code -sum t log softmax(y)}, unscaled.
     * {@code g} must not alias {@code y} or {@code t}.
     */
    @Name("myelin_softmax_xent_grad_f32")
    public static native double softmaxXentGradF32(
            @Cast("const float*") long y,
            @Cast("const float*") long t,
            @Cast("float*") long g,
            long rows,
            long cols,
            double scale);

    /** Float64 version of {@link #softmaxXentGradF32}. */
    @Name("myelin_softmax_xent_grad_f64")
    public static native double softmaxXentGradF64(
            @Cast("const double*") long y,
            @Cast("const double*") long t,
            @Cast("double*") long g,
            long rows,
            long cols,
            double scale);

    /**
     * im2col of a batch of NCHW float32 images {@code img [n, c, h, w]} into the patch matrix
     * {@code cols [c kh kw, n oh ow]} (row-major): {@code cols[(ci kh + i) kw + j, (ni oh + y) ow + x] =
     * img[ni, ci, y sh - pt + i dh, x sw - pl + j dw]}, 0 in the zero padding. See {@code myelin_conv.h}.
     */
    @Name("myelin_im2col_f32")
    public static native void im2colF32(
            @Cast("const float*") long img,
            @Cast("float*") long cols,
            long n,
            long c,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long dh,
            long dw,
            long oh,
            long ow);

    /** Float64 version of {@link #im2colF32}. */
    @Name("myelin_im2col_f64")
    public static native void im2colF64(
            @Cast("const double*") long img,
            @Cast("double*") long cols,
            long n,
            long c,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long dh,
            long dw,
            long oh,
            long ow);

    /**
     * col2im, the adjoint of {@link #im2colF32}: zeroes {@code img [n, c, h, w]} and adds every entry of
     * {@code cols [c kh kw, n oh ow]} onto the pixel it was read from (padding entries are dropped).
     */
    @Name("myelin_col2im_f32")
    public static native void col2imF32(
            @Cast("const float*") long cols,
            @Cast("float*") long img,
            long n,
            long c,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long dh,
            long dw,
            long oh,
            long ow);

    /** Float64 version of {@link #col2imF32}. */
    @Name("myelin_col2im_f64")
    public static native void col2imF64(
            @Cast("const double*") long cols,
            @Cast("double*") long img,
            long n,
            long c,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long dh,
            long dw,
            long oh,
            long ow);

    /**
     * Max pooling of {@code planes} image planes {@code img [planes, h, w]} (an NCHW batch has {@code n c} of them)
     * over {@code kh x kw} windows at stride {@code sh, sw}, {@code pt} rows above and {@code pl} columns left of
     * padding that never wins, into {@code out [planes, oh, ow]}. Ties go to the first cell in row-major order within
     * the window. See {@code myelin_conv.h}.
     */
    @Name("myelin_maxpool_f32")
    public static native void maxPoolF32(
            @Cast("const float*") long img,
            @Cast("float*") long out,
            long planes,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long oh,
            long ow);

    /** Float64 version of {@link #maxPoolF32}. */
    @Name("myelin_maxpool_f64")
    public static native void maxPoolF64(
            @Cast("const double*") long img,
            @Cast("double*") long out,
            long planes,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long oh,
            long ow);

    /**
     * The gradient of {@link #maxPoolF32}: zeroes {@code gimg [planes, h, w]} and adds each {@code gout [planes, oh,
     * ow]} entry onto the arg-max of its window in {@code img} (same tie rule).
     */
    @Name("myelin_maxpool_backward_f32")
    public static native void maxPoolBackwardF32(
            @Cast("const float*") long img,
            @Cast("const float*") long gout,
            @Cast("float*") long gimg,
            long planes,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long oh,
            long ow);

    /** Float64 version of {@link #maxPoolBackwardF32}. */
    @Name("myelin_maxpool_backward_f64")
    public static native void maxPoolBackwardF64(
            @Cast("const double*") long img,
            @Cast("const double*") long gout,
            @Cast("double*") long gimg,
            long planes,
            long h,
            long w,
            long kh,
            long kw,
            long sh,
            long sw,
            long pt,
            long pl,
            long oh,
            long ow);

    /**
     * One Euler step of {@code n} LIF neurons in place (normalised units, threshold 1, reset 0):
     * {@code dtEff = max(dt - refr, 0); v += (s + b - v) dtEff / tauM; refr = max(refr - dt, 0)}; where
     * {@code v >= 1}: {@code refr = tauRef - dtEff (v - 1) / dv} (the crossing placed inside the step; clamped at 0
     * when {@code tauRef < dt}), {@code v = 0}, and the index is appended to {@code spikes} (int64, room for
     * {@code n}); then {@code s *= sDecay}. Returns the number of spikes. The coefficients are doubles rounded
     * once to float32 here, as ND4J rounds a scalar operand.
     */
    @Name("myelin_lif_step_f32")
    public static native long lifStepF32(
            @Cast("float*") long v,
            @Cast("float*") long s,
            @Cast("const float*") long b,
            @Cast("float*") long refr,
            long n,
            double dt,
            double tauM,
            double tauRef,
            double sDecay,
            @Cast("long long*") long spikes);

    /** Float64 version of {@link #lifStepF32}. */
    @Name("myelin_lif_step_f64")
    public static native long lifStepF64(
            @Cast("double*") long v,
            @Cast("double*") long s,
            @Cast("const double*") long b,
            @Cast("double*") long refr,
            long n,
            double dt,
            double tauM,
            double tauRef,
            double sDecay,
            @Cast("long long*") long spikes);

    /**
     * {@code s[c] += scale * sum_j w[rows[j], c]} for the {@code k} int64 row indices {@code rows} of the row-major
     * {@code [*, cols]} float32 matrix {@code w} (rows summed first, in the order given); nothing when {@code k = 0}.
     */
    @Name("myelin_add_rows_f32")
    public static native void addRowsF32(
            @Cast("const float*") long w,
            long cols,
            @Cast("const long long*") long rows,
            long k,
            double scale,
            @Cast("float*") long s);

    /** Float64 version of {@link #addRowsF32}. */
    @Name("myelin_add_rows_f64")
    public static native void addRowsF64(
            @Cast("const double*") long w,
            long cols,
            @Cast("const long long*") long rows,
            long k,
            double scale,
            @Cast("double*") long s);

    /**
     * Bernoulli draws of one step: index i (ascending) is appended to {@code spikes} (int64, room for {@code n})
     * when {@code u < p[i]} (float64 probabilities), u uniform in [0, 1) from SplitMix64 draw number
     * {@code counter * n + i} of the stream {@code seed}. Returns the number of spikes.
     */
    @Name("myelin_poisson_draw")
    public static native long poissonDraw(
            @Cast("const double*") long p, long n, long seed, long counter, @Cast("long long*") long spikes);
}
