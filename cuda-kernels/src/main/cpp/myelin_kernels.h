// Myelin fused elementwise kernels, CPU path (float32 and float64).
//
// Included once, by the JNI file JavaCPP generates for org.myelin.kernels.NativeKernels. Every entry point
// streams contiguous buffers of n elements on the calling thread; the elementwise ones also split a large call with
// one helper thread (myelin_parallel.h). Loops are written so that GCC vectorises them;
// each single-threaded pass is built three times with target_clones (x86-64-v4 = AVX-512, x86-64-v3 = AVX2/FMA,
// and the x86-64 baseline) and the dynamic loader picks one per process, so a single library runs on any
// x86-64. (The AVX-512 build was ~1.5x faster than the AVX2 one on the exp-bound kernels here.)
//
// Build flags (cuda-kernels/pom.xml): -O3 -fno-math-errno -fno-trapping-math. Never -ffast-math: GCC links
// crtfastmath.o even into a shared library and that switches flush-to-zero on for the whole JVM.
//
// Aliasing: out may be the same buffer as an input (an in-place update, same index read then written);
// partially overlapping buffers are not supported. Loops carry "#pragma GCC ivdep" instead of __restrict
// so that this exact-alias case stays well defined and vectorised.
#ifndef MYELIN_KERNELS_H
#define MYELIN_KERNELS_H

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xmmintrin.h>

#include <memory>
#include <new>
#include <type_traits>

#include "myelin_kernel_table.h"
#include "myelin_parallel.h"

// glibc's vector math library (libmvec) provides SIMD variants of these; declaring them "simd" lets GCC
// call _ZGVdN8v_expf etc. without -ffast-math. exp/expf need glibc >= 2.22, tanh/atan glibc >= 2.35
// (older glibc: the library fails to load and the engine uses its ND4J path).
extern "C" {
__attribute__((simd("notinbranch"))) float expf(float) noexcept;
__attribute__((simd("notinbranch"))) double exp(double) noexcept;
__attribute__((simd("notinbranch"))) float tanhf(float) noexcept;
__attribute__((simd("notinbranch"))) double tanh(double) noexcept;
__attribute__((simd("notinbranch"))) float atanf(float) noexcept;
__attribute__((simd("notinbranch"))) double atan(double) noexcept;
}

#define MYELIN_INLINE static inline __attribute__((always_inline))
#define MYELIN_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

// Denormal (subnormal) floats cost a microcode assist per operation: Adam's first moment of a parameter whose
// gradient stays 0 (a dead ReLU unit) decays into the denormal range after ~800 steps, and the optimiser pass
// then ran 10x slower (0.5 -> 5.8 ms per step on the MNIST MLP). Every entry point therefore runs with
// flush-to-zero and denormals-are-zero set in this thread's MXCSR and restores the caller's MXCSR on return, so
// the JVM never sees the change (unlike -ffast-math's crtfastmath, which sets it for the whole process). Values
// below FLT_MIN (DBL_MIN) count as 0 inside a kernel: a change of at most 1.2e-38 (2.2e-308) per value.
struct MyelinDenormalsAreZero {
    unsigned int saved;
    MyelinDenormalsAreZero() : saved(_mm_getcsr()) { _mm_setcsr(saved | 0x8040u); }  // FTZ (bit 15) | DAZ (bit 6)
    ~MyelinDenormalsAreZero() { _mm_setcsr(saved); }
    MyelinDenormalsAreZero(const MyelinDenormalsAreZero&) = delete;
    MyelinDenormalsAreZero& operator=(const MyelinDenormalsAreZero&) = delete;
};

namespace myelin {

// Activation ids, from myelin_kernel_table.h (shared with myelin_kernels.cu and mirrored by NativeKernels.java).
enum Act { MYELIN_ACTIVATIONS(MYELIN_ACTIVATION_ENUMERATOR) };

MYELIN_INLINE float vexp(float x) { return expf(x); }
MYELIN_INLINE double vexp(double x) { return exp(x); }

// exp(x) for x <= 0 in float32, inline so that GCC vectorises it without a libmvec call (the derivatives'
// exp(-|z|) and exp(-2|z|) were 4-6x slower through _ZGVdN8v_expf). Cephes' expf: x = n ln2 + r with
// |r| <= ln2 / 2 (Cody-Waite split of ln2), exp(r) by its degree-7 polynomial, times 2^n built in the exponent
// bits; about 1 ulp relative error. x is clamped at -87.3 (exp = FLT_MIN), so smaller x (and -inf) give
// 1.18e-38 instead of a subnormal or 0: an absolute error below 1.2e-38, far inside every tolerance here.
MYELIN_INLINE float exp_nonpositive(float x) {
    const float lo = -87.33654f;
    float xc = x < lo ? lo : x;
    // n = round(x / ln2) with the 1.5 * 2^23 shifter (round to nearest in the default rounding mode).
    const float shifter = 12582912.0f;
    float n = (xc * 1.44269504088896341f + shifter) - shifter;
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    float r2 = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r2 + r + 1.0f;
    int bits = ((int) n + 127) << 23;
    float scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}
MYELIN_INLINE float vexp_nonpositive(float x) { return exp_nonpositive(x); }
MYELIN_INLINE double vexp_nonpositive(double x) { return exp(x); }
MYELIN_INLINE float vtanh(float x) { return tanhf(x); }
MYELIN_INLINE double vtanh(double x) { return tanh(x); }
// float32 arctan through the double one, rounded once: glibc's AVX2 atanf (_ZGVdN8v_atanf) errs by up to ~1 ulp and
// leans outward (mean magnitude error +0.32 ulp on an AMD EPYC without AVX-512, where the AVX-512 variant did not),
// a bias that accumulates over a training run; the double result rounds to the nearest float but in rare ties.
MYELIN_INLINE float vatan(float x) { return (float) atan((double) x); }
MYELIN_INLINE double vatan(double x) { return atan(x); }

// ---- derivatives: gradOut * f'(z) ----
// Logistic and tanh use e = exp(-|z|) (resp. exp(-2|z|)) so that neither the tails (where s(1-s) cancels)
// nor large |z| (where exp(z) overflows) lose accuracy:
//   sigma'(z) = e / (1 + e)^2,   tanh'(z) = 4e / (1 + e)^2.
struct BwIdentity { template <class T> MYELIN_INLINE T f(T, T g, T) { return g; } };
struct BwLogistic {
    template <class T> MYELIN_INLINE T f(T z, T g, T) {
        T e = vexp_nonpositive(-fabs(z));
        T t = T(1) + e;
        return g * (e / (t * t));
    }
};
struct BwTanh {
    template <class T> MYELIN_INLINE T f(T z, T g, T) {
        T e = vexp_nonpositive(T(-2) * fabs(z));
        T t = T(1) + e;
        return g * ((T(4) * e) / (t * t));
    }
};
struct BwArctan { template <class T> MYELIN_INLINE T f(T z, T g, T) { return g / (T(1) + z * z); } };
// ReLU' = step(z): 1 for z >= 0 (the notes' convention, MIT 6.390 eq. 6.33; see docs/notes.md).
struct BwRelu { template <class T> MYELIN_INLINE T f(T z, T g, T) { return z >= T(0) ? g : T(0); } };
struct BwLeakyRelu { template <class T> MYELIN_INLINE T f(T z, T g, T alpha) { return z >= T(0) ? g : alpha * g; } };
struct BwThreshold { template <class T> MYELIN_INLINE T f(T, T, T) { return T(0); } };

// From the saved activation a = f(z): Bw<Formula>Out for each MYELIN_FROM_OUTPUT_ACTIVATIONS entry.
struct BwLogisticOut { template <class T> MYELIN_INLINE T f(T a, T g, T) { return g * (a * (T(1) - a)); } };
struct BwTanhOut { template <class T> MYELIN_INLINE T f(T a, T g, T) { return g * ((T(1) - a) * (T(1) + a)); } };

template <class F, class T>
MYELIN_INLINE void zip(const T* x, const T* g, T* out, long long n, T alpha) {
#pragma GCC ivdep
    for (long long i = 0; i < n; i++) {
        out[i] = F::template f<T>(x[i], g[i], alpha);
    }
}

template <class T>
MYELIN_INLINE int backward(int act, T alpha, const T* z, const T* g, T* out, long long n) {
    switch (act) {
#define MYELIN_CASE(NAME, ID, FORMULA) \
    case NAME: zip<Bw##FORMULA>(z, g, out, n, alpha); return 0;
        MYELIN_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        default: return -1;
    }
}

template <class T>
MYELIN_INLINE int backward_from_output(int act, const T* a, const T* g, T* out, long long n) {
    switch (act) {
#define MYELIN_CASE(NAME, FORMULA) \
    case NAME: zip<Bw##FORMULA##Out>(a, g, out, n, T(0)); return 0;
        MYELIN_FROM_OUTPUT_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        default: return -1;
    }
}

// ---- bias gradients: column sums of a row-major [rows, cols] batch ----
// A dense layer's bias gradient is db[c] = sum_r dZ[r, c]. The rows are cut into blocks (bias_block_rows); each block's
// sums run over column blocks of COLUMN_BLOCK with one double accumulator per column on the stack, row after row, so
// every row is read once and contiguously, and go to that block's row of a double buffer; the blocks' sums are then
// added in block order and rounded once. The blocks are a function of the shape only, so the result is the same bits
// whichever thread ran which block (the blocks are what a large pass splits over the helper thread), and a float32
// batch keeps float64 accuracy until the one rounding at the end.
constexpr long long COLUMN_BLOCK = 256;

// Rows per block of a bias-gradient pass: at most BIAS_MAX_BLOCKS blocks of at least BIAS_MIN_BLOCK_ROWS rows, so the
// buffer of partial sums stays small (32 doubles per column) and a block is worth handing to another thread.
constexpr long long BIAS_MIN_BLOCK_ROWS = 32;
constexpr long long BIAS_MAX_BLOCKS = 32;

MYELIN_INLINE long long bias_block_rows(long long rows) {
    long long blocks = (rows + BIAS_MIN_BLOCK_ROWS - 1) / BIAS_MIN_BLOCK_ROWS;
    blocks = blocks < 1 ? 1 : (blocks > BIAS_MAX_BLOCKS ? BIAS_MAX_BLOCKS : blocks);
    long long per_block = (rows + blocks - 1) / blocks;
    return per_block < 1 ? 1 : per_block;
}

// out[c] = T(sum_k sums[k, c]) over blocks k in order; sums' first row is overwritten.
template <class T>
MYELIN_INLINE void finish_column_sums(double* sums, T* out, long long blocks, long long cols) {
    for (long long k = 1; k < blocks; k++) {
        const double* sk = sums + k * cols;
#pragma GCC ivdep
        for (long long c = 0; c < cols; c++) {
            sums[c] += sk[c];
        }
    }
    for (long long c = 0; c < cols; c++) {
        out[c] = T(sums[c]);
    }
}

// dz[r, c] = g[r, c] f'(z[r, c]) (written) and sums[c] = sum_r dz[r, c] (accumulated in double, stored as S: double
// for a block's partial sums, T for a pass of one block straight into db), in one pass over a block of rows: the
// activation backward of a dense layer and its bias gradient, which otherwise needs a second pass over dz.
template <class F, class T, class S>
MYELIN_INLINE void backward_bias_rows(const T* z, const T* g, T* dz, S* sums, long long rows, long long cols,
                                      T alpha) {
    double acc[COLUMN_BLOCK];
    for (long long start = 0; start < cols; start += COLUMN_BLOCK) {
        long long len = cols - start < COLUMN_BLOCK ? cols - start : COLUMN_BLOCK;
        for (long long c = 0; c < len; c++) {
            acc[c] = 0;
        }
        for (long long r = 0; r < rows; r++) {
            long long row = r * cols + start;
            const T* zr = z + row;
            const T* gr = g + row;
            T* dr = dz + row;
#pragma GCC ivdep
            for (long long c = 0; c < len; c++) {
                T v = F::template f<T>(zr[c], gr[c], alpha);
                dr[c] = v;
                acc[c] += double(v);
            }
        }
        for (long long c = 0; c < len; c++) {
            sums[start + c] = S(acc[c]);
        }
    }
}

template <class T, class S>
MYELIN_INLINE int backward_bias(int act, T alpha, const T* z, const T* g, T* dz, S* sums, long long rows,
                                long long cols) {
    switch (act) {
#define MYELIN_CASE(NAME, ID, FORMULA) \
    case NAME: backward_bias_rows<Bw##FORMULA, T, S>(z, g, dz, sums, rows, cols, alpha); return 0;
        MYELIN_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        default: return -1;
    }
}

// sums[c] = sum_r x[r, c] over a block of rows (accumulated in double, stored as S, as above): the bias gradient of a
// dense layer without activation (dz is the upstream gradient).
template <class T, class S>
MYELIN_INLINE void column_sums(const T* x, S* sums, long long rows, long long cols) {
    double acc[COLUMN_BLOCK];
    for (long long start = 0; start < cols; start += COLUMN_BLOCK) {
        long long len = cols - start < COLUMN_BLOCK ? cols - start : COLUMN_BLOCK;
        for (long long c = 0; c < len; c++) {
            acc[c] = 0;
        }
        for (long long r = 0; r < rows; r++) {
            const T* xr = x + r * cols + start;
#pragma GCC ivdep
            for (long long c = 0; c < len; c++) {
                acc[c] += double(xr[c]);
            }
        }
        for (long long c = 0; c < len; c++) {
            sums[start + c] = S(acc[c]);
        }
    }
}

// ---- activations: a = f(z) ----
struct FwIdentity { template <class T> MYELIN_INLINE T f(T z, T) { return z; } };
// With e = exp(-|z|) (the inline exp of the derivatives): 1 / (1 + e) for z >= 0, e / (1 + e) for z < 0, each one
// rounding of a quotient. 1 / (1 + expf(-z)) through glibc's vector expf was biased: its float32 results averaged
// 0.03 ulp below the exact logistic (0.06-0.08 ulp for z < 0, 0.6 ulp mean |error| against ND4J's 0.4), the
// same sign at every unit. NaN stays NaN; z = -inf gives FLT_MIN (see exp_nonpositive) instead of 0.
struct FwLogistic {
    template <class T> MYELIN_INLINE T f(T z, T) {
        T e = vexp_nonpositive(-fabs(z));
        T t = T(1) + e;
        return z >= T(0) ? T(1) / t : e / t;
    }
};
struct FwTanh { template <class T> MYELIN_INLINE T f(T z, T) { return vtanh(z); } };
struct FwArctan { template <class T> MYELIN_INLINE T f(T z, T) { return vatan(z); } };
// ReLU and leaky ReLU pass NaN on (z < 0 is false for NaN), as ND4J does: a diverged layer must not look finite.
struct FwRelu { template <class T> MYELIN_INLINE T f(T z, T) { return z < T(0) ? T(0) : z; } };
struct FwLeakyRelu { template <class T> MYELIN_INLINE T f(T z, T alpha) { return z < T(0) ? alpha * z : z; } };
struct FwThreshold { template <class T> MYELIN_INLINE T f(T z, T) { return z >= T(0) ? T(1) : T(0); } };

// A[r, c] = f(X[r, c] + b[c]) over a row-major [rows, cols] batch; Z written too when WRITE_Z.
template <class F, bool WRITE_Z, class T>
MYELIN_INLINE void bias_rows(const T* x, const T* b, T* z, T* a, long long rows, long long cols, T alpha) {
    for (long long r = 0; r < rows; r++) {
        const T* xr = x + r * cols;
        T* ar = a + r * cols;
        T* zr = WRITE_Z ? z + r * cols : nullptr;
#pragma GCC ivdep
        for (long long c = 0; c < cols; c++) {
            T v = xr[c] + b[c];
            if (WRITE_Z) {
                zr[c] = v;
            }
            ar[c] = F::template f<T>(v, alpha);
        }
    }
}

template <class F, class T>
MYELIN_INLINE void bias_rows_z(const T* x, const T* b, T* z, T* a, long long rows, long long cols, T alpha) {
    if (z != nullptr) {
        bias_rows<F, true>(x, b, z, a, rows, cols, alpha);
    } else {
        bias_rows<F, false>(x, b, z, a, rows, cols, alpha);
    }
}

template <class T>
MYELIN_INLINE int bias_forward(int act, T alpha, const T* x, const T* b, T* z, T* a, long long rows, long long cols) {
    switch (act) {
#define MYELIN_CASE(NAME, ID, FORMULA) \
    case NAME: bias_rows_z<Fw##FORMULA>(x, b, z, a, rows, cols, alpha); return 0;
        MYELIN_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        default: return -1;
    }
}

// ---- optimiser updates, in place ----
// SGD with momentum, PyTorch form (dampening 0): g' = g + wd w; v = mu v + g';
// w -= lr v, or w -= lr (g' + mu v) for Nesterov. lr, mu and wd are the hyper-parameters themselves, each rounded
// to T once by the caller; nothing is derived from them here (see adam below for why that matters).
template <bool NESTEROV, class T>
MYELIN_INLINE void sgd_loop(T* w, const T* g, T* v, long long n, T lr, T mu, T wd) {
#pragma GCC ivdep
    for (long long i = 0; i < n; i++) {
        T gi = g[i] + wd * w[i];
        T vi = mu * v[i] + gi;
        v[i] = vi;
        w[i] = w[i] - lr * (NESTEROV ? gi + mu * vi : vi);
    }
}

template <class T>
MYELIN_INLINE void sgd(T* w, const T* g, T* v, long long n, T lr, T mu, T wd, int nesterov) {
    if (nesterov) {
        sgd_loop<true>(w, g, v, n, lr, mu, wd);
    } else {
        sgd_loop<false>(w, g, v, n, lr, mu, wd);
    }
}

// Adam / AdamW (PyTorch's formulation) from finished coefficients. Every scalar is computed by the caller in
// double and rounded to T once: a coefficient derived here in float (1 - b2 from a rounded b2 is 9.99987e-4, not
// 1e-3) carries the same relative error into every step, always with the same sign, and the trajectory drifts.
//   g' = g + wd (decay w);  w' = decay w           (Adam: decay = 1; AdamW: wd = 0, decay = 1 - lr lambda)
//   m = b1 m + c1 g';  v = b2 v + c2 g'^2          (c1 = 1 - b1, c2 = 1 - b2)
//   w = w' - step_size m / (sqrt(v) inv_sqrt_bc2 + eps)   (step_size = lr / (1 - b1^t), inv_sqrt_bc2 = 1 / sqrt(1 - b2^t))
template <class T>
MYELIN_INLINE void adam(T* w, const T* g, T* m, T* v, long long n, T b1, T c1, T b2, T c2, T eps, T wd, T decay,
                        T step_size, T inv_sqrt_bc2) {
#pragma GCC ivdep
    for (long long i = 0; i < n; i++) {
        T wi = w[i] * decay;
        T gi = g[i] + wd * wi;
        T mi = b1 * m[i] + c1 * gi;
        T vi = b2 * v[i] + c2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        w[i] = wi - step_size * (mi / (sqrt(vi) * inv_sqrt_bc2 + eps));
    }
}

// Sum of squares of x[0, n) in double: a gradient's squared L2 norm, NaN or inf when any element is. Independent
// partial sums let GCC vectorise the loop without reassociating one sum (no -ffast-math here); 32 of them, four
// AVX-512 registers, because with eight (one register) every add waited for the previous one: 0.077 -> 0.053 ms for
// the 536k gradients of the MLP alone.
template <class T>
MYELIN_INLINE double sum_squares(const T* x, long long n) {
    constexpr int P = 32;
    double part[P] = {0};
    long long i = 0;
    for (; i + P <= n; i += P) {
        for (int k = 0; k < P; k++) {
            double v = double(x[i + k]);
            part[k] += v * v;
        }
    }
    double s = 0;
    for (; i < n; i++) {
        double v = double(x[i]);
        s += v * v;
    }
    for (int k = 0; k < P; k++) {
        s += part[k];
    }
    return s;
}

// Softmax cross-entropy over a row-major [rows, cols] batch of logits y and targets t: p[r] = softmax(y[r]) (written,
// for the backward pass) and the returned total -sum_r sum_c t[r,c] log p[r,c], from the shifted logits
// (y - max) so that large logits neither overflow exp nor lose the log's accuracy. Accumulated in double. Every term
// is added, those with t = 0 too, as the ND4J formulation adds them: 0 * log p is 0 for a finite logit and NaN for a
// logit of -inf or a NaN row. Skipping them made a NaN row with an all-zero target, and a -inf logit, a finite loss
// here and NaN through ND4J.
// One row's shifted exponentials: writes e[c] = exp(y[c] - max) rounded to T, returns their sum in double and
// the row's max in *max_out (shared by softmax_xent and softmax_xent_grad, so both round identically).
// In float32 the exponentials are exp_nonpositive's (about 1 ulp; the arguments are <= 0), in a loop that
// vectorises, and their sum is taken from the rounded values; libm's scalar exp in double cost 0.09 ms for the
// [1024, 10] logits of an MLP step, more than the rest of the step's loss.
template <class T>
MYELIN_INLINE double softmax_row_exp(const T* yr, T* er, long long cols, T* max_out) {
    T max = yr[0];
    for (long long c = 1; c < cols; c++) {
        max = yr[c] > max ? yr[c] : max;
    }
    double sum = 0;
    if (sizeof(T) == 4) {
        for (long long c = 0; c < cols; c++) {
            er[c] = vexp_nonpositive(yr[c] - max);
        }
        for (long long c = 0; c < cols; c++) {
            sum += double(er[c]);
        }
    } else {
        for (long long c = 0; c < cols; c++) {
            double e = exp(double(yr[c] - max));
            er[c] = T(e);
            sum += e;
        }
    }
    *max_out = max;
    return sum;
}

template <class T>
MYELIN_INLINE double softmax_xent(const T* y, const T* t, T* p, long long rows, long long cols) {
    double total = 0;
    for (long long r = 0; r < rows; r++) {
        const T* yr = y + r * cols;
        const T* tr = t + r * cols;
        T* pr = p + r * cols;
        T max;
        double sum = softmax_row_exp(yr, pr, cols, &max);
        double log_sum = log(sum);
        double inv = 1.0 / sum;
        for (long long c = 0; c < cols; c++) {
            pr[c] = T(double(pr[c]) * inv);
            total -= double(tr[c]) * (double(yr[c] - max) - log_sum);
        }
    }
    return total;
}

// The same loss with its gradient instead of the probabilities: g[r] = (softmax(y[r]) sum(t[r]) - t[r]) scale, with
// the loss's reduction scale (1 / rows for a mean) applied here, so that the backward pass needs no further pass over
// g. sum(t[r]) is the exact derivative of the loss above, as PyTorch's CrossEntropyLoss with probability targets
// differentiates it: softmax - t alone holds only for target rows that sum to 1, and gave a multi-hot row or an
// all-zero row (loss 0) a gradient that is not the loss's. For one-hot rows the factor is exactly 1 and the gradient
// is unchanged bit for bit (a soft distribution's sum may land an ulp off 1: an ulp in its gradient). Each step is
// rounded to T as the unfused path rounds it (p as softmax_xent writes it, then p sum(t), p sum(t) - t and the product
// in T), so the two paths agree to the rounding of the row sum. Returns the unscaled total, as softmax_xent does.
template <class T>
MYELIN_INLINE double softmax_xent_grad(const T* y, const T* t, T* g, long long rows, long long cols, double scale) {
    double total = 0;
    for (long long r = 0; r < rows; r++) {
        const T* yr = y + r * cols;
        const T* tr = t + r * cols;
        T* gr = g + r * cols;
        T max;
        double sum = softmax_row_exp(yr, gr, cols, &max);
        double log_sum = log(sum);
        double inv = 1.0 / sum;
        T scale_t = T(scale);
        double target_sum = 0;
        for (long long c = 0; c < cols; c++) {
            target_sum += double(tr[c]);
        }
        T target_sum_t = T(target_sum);
        for (long long c = 0; c < cols; c++) {
            T p = T(double(gr[c]) * inv);
            T ps = p * target_sum_t;
            gr[c] = (ps - tr[c]) * scale_t;
            total -= double(tr[c]) * (double(yr[c] - max) - log_sum);
        }
    }
    return total;
}


// ---- spiking network: one Euler step of a LIF population, spike delivery, Poisson draws ----
// Neurons are handled in blocks of LIF_BLOCK: a vectorised loop integrates the block (the arithmetic, its order and
// its rounding are those of the ND4J reference path, LifPopulation with -Dmyelin.kernels=nd4j: no contraction into
// FMA is possible because every product is followed by a division or a max), then a scalar loop over the
// still-cached block handles the few neurons that crossed threshold and appends their indices.
constexpr long long LIF_BLOCK = 512;

// tau_m dv/dt = s + b - v over dtEff = max(dt - refr, 0); refr = max(refr - dt, 0); where v >= 1 the crossing is
// placed inside the step (after = dtEff (v - 1) / dv), refr = tau_ref - after (clamped at 0 when tau_ref < dt),
// v = 0 and i is appended to spikes; finally s *= s_decay. Returns the number of spikes.
template <class T>
MYELIN_INLINE long long lif_step(T* v, T* s, const T* b, T* refr, long long n, T dt, T tau_m, T tau_ref,
                                 bool clamp_refr, T s_decay, long long* spikes) {
    T dv_block[LIF_BLOCK];
    T dt_block[LIF_BLOCK];
    long long count = 0;
    for (long long start = 0; start < n; start += LIF_BLOCK) {
        long long len = n - start < LIF_BLOCK ? n - start : LIF_BLOCK;
        T* vb = v + start;
        T* sb = s + start;
        const T* bb = b + start;
        T* rb = refr + start;
        int crossed = 0;
#pragma GCC ivdep
        for (long long i = 0; i < len; i++) {
            T left = dt - rb[i];
            T dt_eff = left > T(0) ? left : T(0);
            T dv = (sb[i] + bb[i] - vb[i]) * dt_eff / tau_m;
            T vn = vb[i] + dv;
            vb[i] = vn;
            T r = rb[i] - dt;
            rb[i] = r > T(0) ? r : T(0);
            sb[i] = sb[i] * s_decay;
            dv_block[i] = dv;
            dt_block[i] = dt_eff;
            crossed |= vn >= T(1);
        }
        if (!crossed) {
            continue;
        }
        for (long long i = 0; i < len; i++) {
            if (vb[i] >= T(1)) {
                T dv = dv_block[i] > T(1e-30) ? dv_block[i] : T(1e-30);
                T after = (vb[i] - T(1)) / dv * dt_block[i];
                T r = tau_ref - after;
                rb[i] = clamp_refr && !(r > T(0)) ? T(0) : r;
                vb[i] = T(0);
                spikes[count++] = start + i;
            }
        }
    }
    return count;
}

// s[c] += scale * sum over k of w[rows[k], c], w row-major [*, cols]: the rows summed first (in the order given,
// as the reference sums the gathered rows), in column blocks that stay in L1, then scaled and added.
template <class T>
MYELIN_INLINE void add_rows(const T* w, long long cols, const long long* rows, long long k, T scale, T* s) {
    T acc[LIF_BLOCK];
    for (long long start = 0; start < cols; start += LIF_BLOCK) {
        long long len = cols - start < LIF_BLOCK ? cols - start : LIF_BLOCK;
        const T* first = w + rows[0] * cols + start;
        for (long long c = 0; c < len; c++) {
            acc[c] = first[c];
        }
        for (long long j = 1; j < k; j++) {
            const T* row = w + rows[j] * cols + start;
#pragma GCC ivdep
            for (long long c = 0; c < len; c++) {
                acc[c] += row[c];
            }
        }
        T* sb = s + start;
#pragma GCC ivdep
        for (long long c = 0; c < len; c++) {
            sb[c] += acc[c] * scale;
        }
    }
}

// Bernoulli draws u_i < p_i with u_i uniform in [0, 1) from SplitMix64 (Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014): draw number m = counter * n + i of the stream seeded by seed is
// mix(seed + (m + 1) * golden gamma), so a step needs no state beyond its counter and is reproducible.
MYELIN_INLINE unsigned long long splitmix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

MYELIN_INLINE long long poisson_draw(const double* p, long long n, unsigned long long seed,
                                     unsigned long long counter, long long* spikes) {
    long long count = 0;
    unsigned long long base = counter * (unsigned long long) n;
    for (long long i = 0; i < n; i++) {
        unsigned long long z = splitmix64(seed + (base + (unsigned long long) i + 1ULL) * 0x9E3779B97F4A7C15ULL);
        double u = double(z >> 11) * 0x1.0p-53;
        if (u < p[i]) {
            spikes[count++] = i;
        }
    }
    return count;
}


// Whether the id is one of MYELIN_ACTIVATIONS (resp. MYELIN_FROM_OUTPUT_ACTIVATIONS): checked before a call is split,
// so that an unknown id returns -1 without any chunk running.
MYELIN_INLINE bool known_activation(int act) {
    switch (act) {
#define MYELIN_CASE(NAME, ID, FORMULA) case NAME:
        MYELIN_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        return true;
        default: return false;
    }
}

MYELIN_INLINE bool known_from_output(int act) {
    switch (act) {
#define MYELIN_CASE(NAME, FORMULA) case NAME:
        MYELIN_FROM_OUTPUT_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        return true;
        default: return false;
    }
}

// ---- single-threaded passes over one range: what each exported entry point (below) runs per chunk ----
namespace serial {

MYELIN_CLONES void backward_f32(int act, float alpha, const float* z, const float* g, float* out, long long n) {
    MyelinDenormalsAreZero ftz;
    myelin::backward<float>(act, alpha, z, g, out, n);
}
MYELIN_CLONES void backward_f64(int act, double alpha, const double* z, const double* g, double* out, long long n) {
    MyelinDenormalsAreZero ftz;
    myelin::backward<double>(act, alpha, z, g, out, n);
}
MYELIN_CLONES void backward_from_output_f32(int act, const float* a, const float* g, float* out, long long n) {
    MyelinDenormalsAreZero ftz;
    myelin::backward_from_output<float>(act, a, g, out, n);
}
MYELIN_CLONES void backward_from_output_f64(int act, const double* a, const double* g, double* out, long long n) {
    MyelinDenormalsAreZero ftz;
    myelin::backward_from_output<double>(act, a, g, out, n);
}
MYELIN_CLONES void bias_forward_f32(int act, float alpha, const float* x, const float* b, float* z, float* a,
                                    long long rows, long long cols) {
    MyelinDenormalsAreZero ftz;
    myelin::bias_forward<float>(act, alpha, x, b, z, a, rows, cols);
}
MYELIN_CLONES void bias_forward_f64(int act, double alpha, const double* x, const double* b, double* z, double* a,
                                    long long rows, long long cols) {
    MyelinDenormalsAreZero ftz;
    myelin::bias_forward<double>(act, alpha, x, b, z, a, rows, cols);
}
MYELIN_CLONES void sgd_f32(float* w, const float* g, float* v, long long n, float lr, float mu, float wd, int nesterov) {
    MyelinDenormalsAreZero ftz;
    myelin::sgd<float>(w, g, v, n, lr, mu, wd, nesterov);
}
MYELIN_CLONES void sgd_f64(double* w, const double* g, double* v, long long n, double lr, double mu, double wd,
                           int nesterov) {
    MyelinDenormalsAreZero ftz;
    myelin::sgd<double>(w, g, v, n, lr, mu, wd, nesterov);
}
MYELIN_CLONES void adam_f32(float* w, const float* g, float* m, float* v, long long n, float b1, float c1, float b2,
                            float c2, float eps, float wd, float decay, float step_size, float inv_sqrt_bc2) {
    MyelinDenormalsAreZero ftz;
    myelin::adam<float>(w, g, m, v, n, b1, c1, b2, c2, eps, wd, decay, step_size, inv_sqrt_bc2);
}
MYELIN_CLONES void adam_f64(double* w, const double* g, double* m, double* v, long long n, double b1, double c1,
                            double b2, double c2, double eps, double wd, double decay, double step_size,
                            double inv_sqrt_bc2) {
    MyelinDenormalsAreZero ftz;
    myelin::adam<double>(w, g, m, v, n, b1, c1, b2, c2, eps, wd, decay, step_size, inv_sqrt_bc2);
}

}  // namespace serial

// Plain SGD (momentum 0): g' = g + wd w; w -= lr g'. No velocity: with momentum 0 it would only hold g', written
// and never read again, one stream of memory traffic per parameter for nothing.
template <class T>
MYELIN_INLINE void sgd_plain(T* w, const T* g, long long n, T lr, T wd) {
#pragma GCC ivdep
    for (long long i = 0; i < n; i++) {
        w[i] = w[i] - lr * (g[i] + wd * w[i]);
    }
}

namespace serial {

// Blocks [b0, b1) of a bias-gradient pass (see bias_block_rows): block k's column sums go to sums + k * cols.
template <class T>
MYELIN_INLINE int backward_bias_blocks(int act, T alpha, const T* z, const T* g, T* dz, double* sums, long long rows,
                                       long long cols, long long block_rows, long long b0, long long b1) {
    for (long long k = b0; k < b1; k++) {
        long long r0 = k * block_rows;
        long long n = rows - r0 < block_rows ? rows - r0 : block_rows;
        long long o = r0 * cols;
        int rc = myelin::backward_bias<T, double>(act, alpha, z + o, g + o, dz + o, sums + k * cols, n, cols);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}
template <class T>
MYELIN_INLINE void column_sums_blocks(const T* x, double* sums, long long rows, long long cols, long long block_rows,
                                      long long b0, long long b1) {
    for (long long k = b0; k < b1; k++) {
        long long r0 = k * block_rows;
        long long n = rows - r0 < block_rows ? rows - r0 : block_rows;
        myelin::column_sums<T, double>(x + r0 * cols, sums + k * cols, n, cols);
    }
}
MYELIN_CLONES int backward_bias_blocks_f32(int act, float alpha, const float* z, const float* g, float* dz,
                                           double* sums, long long rows, long long cols, long long block_rows,
                                           long long b0, long long b1) {
    MyelinDenormalsAreZero ftz;
    return backward_bias_blocks<float>(act, alpha, z, g, dz, sums, rows, cols, block_rows, b0, b1);
}
MYELIN_CLONES int backward_bias_blocks_f64(int act, double alpha, const double* z, const double* g, double* dz,
                                           double* sums, long long rows, long long cols, long long block_rows,
                                           long long b0, long long b1) {
    MyelinDenormalsAreZero ftz;
    return backward_bias_blocks<double>(act, alpha, z, g, dz, sums, rows, cols, block_rows, b0, b1);
}
// One block over all rows, straight into db: no buffer (the same bits as one block through the buffer).
MYELIN_CLONES int backward_bias_direct_f32(int act, float alpha, const float* z, const float* g, float* dz, float* db,
                                           long long rows, long long cols) {
    MyelinDenormalsAreZero ftz;
    return myelin::backward_bias<float, float>(act, alpha, z, g, dz, db, rows, cols);
}
MYELIN_CLONES int backward_bias_direct_f64(int act, double alpha, const double* z, const double* g, double* dz,
                                           double* db, long long rows, long long cols) {
    MyelinDenormalsAreZero ftz;
    return myelin::backward_bias<double, double>(act, alpha, z, g, dz, db, rows, cols);
}
MYELIN_CLONES void column_sums_direct_f32(const float* x, float* out, long long rows, long long cols) {
    MyelinDenormalsAreZero ftz;
    myelin::column_sums<float, float>(x, out, rows, cols);
}
MYELIN_CLONES void column_sums_direct_f64(const double* x, double* out, long long rows, long long cols) {
    MyelinDenormalsAreZero ftz;
    myelin::column_sums<double, double>(x, out, rows, cols);
}
MYELIN_CLONES void column_sums_blocks_f32(const float* x, double* sums, long long rows, long long cols,
                                          long long block_rows, long long b0, long long b1) {
    MyelinDenormalsAreZero ftz;
    column_sums_blocks<float>(x, sums, rows, cols, block_rows, b0, b1);
}
MYELIN_CLONES void column_sums_blocks_f64(const double* x, double* sums, long long rows, long long cols,
                                          long long block_rows, long long b0, long long b1) {
    MyelinDenormalsAreZero ftz;
    column_sums_blocks<double>(x, sums, rows, cols, block_rows, b0, b1);
}

MYELIN_CLONES void sgd_plain_f32(float* w, const float* g, long long n, float lr, float wd) {
    MyelinDenormalsAreZero ftz;
    myelin::sgd_plain<float>(w, g, n, lr, wd);
}
MYELIN_CLONES void sgd_plain_f64(double* w, const double* g, long long n, double lr, double wd) {
    MyelinDenormalsAreZero ftz;
    myelin::sgd_plain<double>(w, g, n, lr, wd);
}

}  // namespace serial
}  // namespace myelin

// ---- exported entry points (bound by NativeKernels.java); each returns 0, or -1 for an unknown id ----
// The MYELIN_ELEMENTWISE_KERNELS of myelin_kernel_table.h keep the arity of their CUDA twins (asserted below).
// The elementwise ones split a large call with the helper thread (myelin_parallel.h, myelin_set_parallelism): at
// element offsets that are multiples of 16, or, for the bias pass, at row boundaries.

inline int myelin_backward_f32(int act, float alpha, const float* z, const float* g, float* out, long long n) {
    if (!myelin::known_activation(act)) {
        return -1;
    }
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::backward_f32(act, alpha, z + b, g + b, out + b, e - b);
    });
    return 0;
}
inline int myelin_backward_f64(int act, double alpha, const double* z, const double* g, double* out, long long n) {
    if (!myelin::known_activation(act)) {
        return -1;
    }
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::backward_f64(act, alpha, z + b, g + b, out + b, e - b);
    });
    return 0;
}
inline int myelin_backward_from_output_f32(int act, const float* a, const float* g, float* out, long long n) {
    if (!myelin::known_from_output(act)) {
        return -1;
    }
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::backward_from_output_f32(act, a + b, g + b, out + b, e - b);
    });
    return 0;
}
inline int myelin_backward_from_output_f64(int act, const double* a, const double* g, double* out, long long n) {
    if (!myelin::known_from_output(act)) {
        return -1;
    }
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::backward_from_output_f64(act, a + b, g + b, out + b, e - b);
    });
    return 0;
}
inline int myelin_bias_forward_f32(int act, float alpha, const float* x, const float* b, float* z, float* a,
                                   long long rows, long long cols) {
    if (!myelin::known_activation(act)) {
        return -1;
    }
    myelin::parallel::run(rows, cols, [&](long long r0, long long r1) {
        long long o = r0 * cols;
        myelin::serial::bias_forward_f32(act, alpha, x + o, b, z == nullptr ? nullptr : z + o, a + o, r1 - r0, cols);
    });
    return 0;
}
inline int myelin_bias_forward_f64(int act, double alpha, const double* x, const double* b, double* z, double* a,
                                   long long rows, long long cols) {
    if (!myelin::known_activation(act)) {
        return -1;
    }
    myelin::parallel::run(rows, cols, [&](long long r0, long long r1) {
        long long o = r0 * cols;
        myelin::serial::bias_forward_f64(act, alpha, x + o, b, z == nullptr ? nullptr : z + o, a + o, r1 - r0, cols);
    });
    return 0;
}
// The bias-gradient passes split at row blocks (bias_block_rows); every block writes its own row of partial sums, and
// the calling thread adds them up in block order, so split and unsplit calls give the same bits. A pass of one block
// (at most 32 rows) writes db directly. The buffer (at most 32 doubles per column, at most 1/8 of a float32 input) is
// taken without throwing: these entry points must not throw into the JVM, so where it cannot be had the pass runs as
// one block (the same sums grouped differently: equal up to float64 rounding).
template <class T, class Blocks, class Direct>
inline void myelin_column_sums_by_blocks(T* out, long long rows, long long cols, const Blocks& blocks_body,
                                         const Direct& direct) {
    long long block_rows = myelin::bias_block_rows(rows);
    long long blocks = rows <= 0 ? 1 : (rows + block_rows - 1) / block_rows;
    std::unique_ptr<double[]> sums(blocks > 1 && cols > 0 ? new (std::nothrow) double[size_t(blocks * cols)] : nullptr);
    if (!sums) {
        direct();
        return;
    }
    myelin::parallel::run(blocks, block_rows * cols, [&](long long b0, long long b1) {
        blocks_body(sums.get(), block_rows, b0, b1);
    });
    myelin::finish_column_sums<T>(sums.get(), out, blocks, cols);
}
inline int myelin_backward_bias_f32(int act, float alpha, const float* z, const float* g, float* dz, float* db,
                                    long long rows, long long cols) {
    if (!myelin::known_activation(act)) {
        return -1;
    }
    myelin_column_sums_by_blocks<float>(
            db, rows, cols,
            [&](double* sums, long long block_rows, long long b0, long long b1) {
                myelin::serial::backward_bias_blocks_f32(act, alpha, z, g, dz, sums, rows, cols, block_rows, b0, b1);
            },
            [&] { myelin::serial::backward_bias_direct_f32(act, alpha, z, g, dz, db, rows, cols); });
    return 0;
}
inline int myelin_backward_bias_f64(int act, double alpha, const double* z, const double* g, double* dz, double* db,
                                    long long rows, long long cols) {
    if (!myelin::known_activation(act)) {
        return -1;
    }
    myelin_column_sums_by_blocks<double>(
            db, rows, cols,
            [&](double* sums, long long block_rows, long long b0, long long b1) {
                myelin::serial::backward_bias_blocks_f64(act, alpha, z, g, dz, sums, rows, cols, block_rows, b0, b1);
            },
            [&] { myelin::serial::backward_bias_direct_f64(act, alpha, z, g, dz, db, rows, cols); });
    return 0;
}
inline void myelin_column_sums_f32(const float* x, float* out, long long rows, long long cols) {
    myelin_column_sums_by_blocks<float>(
            out, rows, cols,
            [&](double* sums, long long block_rows, long long b0, long long b1) {
                myelin::serial::column_sums_blocks_f32(x, sums, rows, cols, block_rows, b0, b1);
            },
            [&] { myelin::serial::column_sums_direct_f32(x, out, rows, cols); });
}
inline void myelin_column_sums_f64(const double* x, double* out, long long rows, long long cols) {
    myelin_column_sums_by_blocks<double>(
            out, rows, cols,
            [&](double* sums, long long block_rows, long long b0, long long b1) {
                myelin::serial::column_sums_blocks_f64(x, sums, rows, cols, block_rows, b0, b1);
            },
            [&] { myelin::serial::column_sums_direct_f64(x, out, rows, cols); });
}
inline void myelin_sgd_f32(float* w, const float* g, float* v, long long n, float lr, float mu, float wd,
                           int nesterov) {
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::sgd_f32(w + b, g + b, v + b, e - b, lr, mu, wd, nesterov);
    });
}
inline void myelin_sgd_f64(double* w, const double* g, double* v, long long n, double lr, double mu, double wd,
                           int nesterov) {
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::sgd_f64(w + b, g + b, v + b, e - b, lr, mu, wd, nesterov);
    });
}
inline void myelin_adam_f32(float* w, const float* g, float* m, float* v, long long n, float b1, float c1, float b2,
                            float c2, float eps, float wd, float decay, float step_size, float inv_sqrt_bc2) {
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::adam_f32(w + b, g + b, m + b, v + b, e - b, b1, c1, b2, c2, eps, wd, decay, step_size,
                                 inv_sqrt_bc2);
    });
}
inline void myelin_adam_f64(double* w, const double* g, double* m, double* v, long long n, double b1, double c1,
                            double b2, double c2, double eps, double wd, double decay, double step_size,
                            double inv_sqrt_bc2) {
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::adam_f64(w + b, g + b, m + b, v + b, e - b, b1, c1, b2, c2, eps, wd, decay, step_size,
                                 inv_sqrt_bc2);
    });
}
inline void myelin_sgd_plain_f32(float* w, const float* g, long long n, float lr, float wd) {
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::sgd_plain_f32(w + b, g + b, e - b, lr, wd);
    });
}
inline void myelin_sgd_plain_f64(double* w, const double* g, long long n, double lr, double wd) {
    myelin::parallel::run(n, 1, [&](long long b, long long e) {
        myelin::serial::sgd_plain_f64(w + b, g + b, e - b, lr, wd);
    });
}

// Splitting: threads < 2 never splits (the default until the engine configures it); otherwise calls over at least
// min_elements elements are split with one helper thread. strict != 0 (tests) makes every split call wait until the
// helper has taken a chunk, so that the helper's path is exercised whatever the machine's load.
inline void myelin_set_parallelism(int threads, long long min_elements, int strict) {
    myelin::parallel::Settings& s = myelin::parallel::settings();
    s.min_elements.store(min_elements < 0 ? 0 : min_elements, std::memory_order_relaxed);
    s.strict.store(strict, std::memory_order_relaxed);
    s.threads.store(threads, std::memory_order_relaxed);
}

// How many chunks the helper thread has run since the library loaded.
inline long long myelin_helper_chunks() {
    return myelin::parallel::helper().helper_chunks();
}

// Class of each row of a row-major [rows, cols] matrix: the first column holding its maximum (a NaN is never
// greater, so a row that starts with NaN gives 0), as the trainer's accuracy counts it. Scalar: the step's output
// layer is narrow, and one call replaces a copy of the matrix to the Java heap and a scan there (0.07 ms at
// [1024, 10]).
namespace myelin {
template <class T>
MYELIN_INLINE void argmax_rows(const T* x, long long rows, long long cols, int* out) {
    for (long long r = 0; r < rows; r++) {
        const T* xr = x + r * cols;
        int best = 0;
        T max = xr[0];
        for (long long c = 1; c < cols; c++) {
            if (xr[c] > max) {
                max = xr[c];
                best = int(c);
            }
        }
        out[r] = best;
    }
}
}  // namespace myelin
inline void myelin_argmax_rows_f32(const float* x, long long rows, long long cols, int* out) {
    myelin::argmax_rows<float>(x, rows, cols, out);
}
inline void myelin_argmax_rows_f64(const double* x, long long rows, long long cols, int* out) {
    myelin::argmax_rows<double>(x, rows, cols, out);
}

// Batch gathering: row rows[i] of src (row_bytes each) to row i of dst, for i < n; the caller checks the indices.
// Rows of a shuffled dataset are scattered over memory, so the copy waits on memory latency rather than bandwidth:
// it is split with the helper thread by bytes (a [128, 784] float batch, 401,408 bytes, is split where its 100,352
// floats of arithmetic would not be), and the next rows are prefetched.
inline void myelin_gather_rows(const char* src, long long row_bytes, const int* rows, long long n, char* dst) {
    myelin::parallel::run(n, row_bytes, [&](long long b, long long e) {
        for (long long i = b; i < e; i++) {
            if (i + 4 < e) {
                __builtin_prefetch(src + (long long) rows[i + 4] * row_bytes);
            }
            memcpy(dst + i * row_bytes, src + (long long) rows[i] * row_bytes, (size_t) row_bytes);
        }
    });
}

// Sums of squares in blocks fixed by the length (at most SQUARES_MAX_BLOCKS of at least SQUARES_MIN_BLOCK elements, a
// multiple of 32), each block's sum to its own slot, the slots added in order by the caller: the same bits whichever
// thread summed which block, so a large gradient's norm splits with the helper thread like the elementwise passes.
namespace myelin {
constexpr long long SQUARES_MIN_BLOCK = 32768;
constexpr long long SQUARES_MAX_BLOCKS = 64;
namespace serial {
// Blocks [b0, b1) of a sum of squares: block b's sum goes to sums[b].
template <class T>
MYELIN_INLINE void sum_squares_blocks(const T* x, long long n, long long block, double* sums, long long b0,
                                      long long b1) {
    for (long long b = b0; b < b1; b++) {
        long long end = (b + 1) * block < n ? (b + 1) * block : n;
        sums[b] = sum_squares<T>(x + b * block, end - b * block);
    }
}
MYELIN_CLONES void sum_squares_blocks_f32(const float* x, long long n, long long block, double* sums, long long b0,
                                          long long b1) {
    MyelinDenormalsAreZero ftz;
    sum_squares_blocks<float>(x, n, block, sums, b0, b1);
}
MYELIN_CLONES void sum_squares_blocks_f64(const double* x, long long n, long long block, double* sums, long long b0,
                                          long long b1) {
    MyelinDenormalsAreZero ftz;
    sum_squares_blocks<double>(x, n, block, sums, b0, b1);
}
// The cloned entry point for T: each part of a split call goes through one (see thin_rows_f32 below for why).
inline void sum_squares_blocks_any(const float* x, long long n, long long block, double* sums, long long b0,
                                   long long b1) {
    sum_squares_blocks_f32(x, n, block, sums, b0, b1);
}
inline void sum_squares_blocks_any(const double* x, long long n, long long block, double* sums, long long b0,
                                   long long b1) {
    sum_squares_blocks_f64(x, n, block, sums, b0, b1);
}
}  // namespace serial

template <class T>
inline double sum_squares_split(const T* x, long long n) {
    long long block = (n + SQUARES_MAX_BLOCKS - 1) / SQUARES_MAX_BLOCKS;
    block = block < SQUARES_MIN_BLOCK ? SQUARES_MIN_BLOCK : (block + 31) / 32 * 32;
    long long blocks = n <= 0 ? 1 : (n + block - 1) / block;
    double sums[SQUARES_MAX_BLOCKS];
    parallel::run(blocks, block, [&](long long b0, long long b1) {
        serial::sum_squares_blocks_any(x, n, block, sums, b0, b1);
    });
    double s = 0;
    for (long long b = 0; b < blocks; b++) {
        s += sums[b];
    }
    return s;
}
}  // namespace myelin

inline double myelin_sum_squares_f32(const float* x, long long n) {
    return myelin::sum_squares_split<float>(x, n);
}
inline double myelin_sum_squares_f64(const double* x, long long n) {
    return myelin::sum_squares_split<double>(x, n);
}

MYELIN_CLONES double myelin_softmax_xent_f32(const float* y, const float* t, float* p, long long rows, long long cols) {
    MyelinDenormalsAreZero ftz;
    return myelin::softmax_xent<float>(y, t, p, rows, cols);
}
MYELIN_CLONES double myelin_softmax_xent_f64(const double* y, const double* t, double* p, long long rows,
                                             long long cols) {
    MyelinDenormalsAreZero ftz;
    return myelin::softmax_xent<double>(y, t, p, rows, cols);
}

MYELIN_CLONES double myelin_softmax_xent_grad_f32(const float* y, const float* t, float* g, long long rows,
                                                  long long cols, double scale) {
    MyelinDenormalsAreZero ftz;
    return myelin::softmax_xent_grad<float>(y, t, g, rows, cols, scale);
}
MYELIN_CLONES double myelin_softmax_xent_grad_f64(const double* y, const double* t, double* g, long long rows,
                                                  long long cols, double scale) {
    MyelinDenormalsAreZero ftz;
    return myelin::softmax_xent_grad<double>(y, t, g, rows, cols, scale);
}

MYELIN_ELEMENTWISE_KERNELS(MYELIN_ASSERT_ARITY)

// Spiking network entry points: v, s, b, refr of n neurons; spikes receives up to n indices; returns their count.
MYELIN_CLONES long long myelin_lif_step_f32(float* v, float* s, const float* b, float* refr, long long n, double dt,
                                            double tau_m, double tau_ref, double s_decay, long long* spikes) {
    MyelinDenormalsAreZero ftz;
    return myelin::lif_step<float>(v, s, b, refr, n, float(dt), float(tau_m), float(tau_ref), tau_ref < dt,
                                   float(s_decay), spikes);
}
MYELIN_CLONES long long myelin_lif_step_f64(double* v, double* s, const double* b, double* refr, long long n,
                                            double dt, double tau_m, double tau_ref, double s_decay,
                                            long long* spikes) {
    MyelinDenormalsAreZero ftz;
    return myelin::lif_step<double>(v, s, b, refr, n, dt, tau_m, tau_ref, tau_ref < dt, s_decay, spikes);
}
MYELIN_CLONES void myelin_add_rows_f32(const float* w, long long cols, const long long* rows, long long k,
                                       double scale, float* s) {
    MyelinDenormalsAreZero ftz;
    if (k > 0) {
        myelin::add_rows<float>(w, cols, rows, k, float(scale), s);
    }
}
MYELIN_CLONES void myelin_add_rows_f64(const double* w, long long cols, const long long* rows, long long k,
                                       double scale, double* s) {
    MyelinDenormalsAreZero ftz;
    if (k > 0) {
        myelin::add_rows<double>(w, cols, rows, k, scale, s);
    }
}
inline long long myelin_poisson_draw(const double* p, long long n, long long seed, long long counter,
                                     long long* spikes) {
    return myelin::poisson_draw(p, n, (unsigned long long) seed, (unsigned long long) counter, spikes);
}

// Thin products: row-major C[m, n] = op(A) op(B) where the inner size k or the output width n is at most
// MYELIN_THIN (a classifier's output layer: n = classes forward and for dW, k = classes for dX). OpenBLAS splits such
// products over its threads and packs them as if they were large: 10-14 GFLOP/s for the 1024 x 256 x 10 products of
// an MLP step, 1.4 ms of a 20 ms step. Here the long operand streams past blocks of C held in registers, vectorised
// over its long axis (large products split by rows with the helper thread, below): the three products of a 1024-row
// MLP step take 0.25 ms alone on one AVX-512 core, against 0.47 ms when every term went through C in memory (an axpy
// per term).
// op(A)[i, p] = ta ? a[p * lda + i] : a[i * lda + p]; op(B)[p, j] = tb ? b[j * ldb + p] : b[p * ldb + j].
// Few rows (m <= MYELIN_THIN, B not transposed: a prediction on a few samples) run here too, see few_rows_gemm.
// Accumulation in T, in a fixed order (results do not depend on threads or load). Returns 0, or -1 when neither k
// nor n is thin and m is not few with B untransposed (the caller uses the BLAS).
#define MYELIN_THIN 16
namespace myelin {
template <typename T>
struct ThinScratch {
    T* data = nullptr;
    long long size = 0;
    ~ThinScratch() { free(data); }
    T* get(long long n) {
        if (n > size) {
            free(data);
            data = (T*) malloc(sizeof(T) * (size_t) n);
            size = data ? n : 0;
        }
        return data;
    }
};

// Vectors of VB bytes (64 for AVX-512, 32 for AVX2, 16 otherwise; the caller picks VB from the running CPU) as GCC
// vector types, so that the accumulators below stay in registers; vload/vstore are unaligned.
// (-Wpsabi: GCC notes that passing such vectors by value changes the ABI where the registers are missing, as in
// the baseline clone; these helpers are always inlined, so no call passes them. The note comes at the point of
// instantiation, in the JNI glue that includes this header, so it is silenced for the rest of that file.)
#pragma GCC diagnostic ignored "-Wpsabi"
template <typename T, int N>
struct VecOf {
    typedef T type __attribute__((vector_size(N * sizeof(T))));
};
template <typename V, typename T>
MYELIN_INLINE V vload(const T* p) {
    V v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
template <typename V, typename T>
MYELIN_INLINE void vstore(T* p, const V& v) {
    __builtin_memcpy(p, &v, sizeof v);
}

// Row i of C for a thin inner size: C[i, :] = sum_p ai[p] rows[p, :], NV vectors of C held in registers while the
// k <= 16 rows stream past (one store per element instead of k loads and stores of C). Each element is summed from 0
// in order p = 0..k-1.
template <int VB, int NV, typename T>
MYELIN_INLINE long long thin_inner_columns(T* ci, const T* rows, long long ld, const T* ai, long long k, long long j,
                                           long long n) {
    constexpr int N = VB / sizeof(T);
    typedef typename VecOf<T, N>::type V;
    for (; j + NV * N <= n; j += NV * N) {
        V acc[NV];
        for (int v = 0; v < NV; v++) {
            acc[v] = V{};
        }
        for (long long p = 0; p < k; p++) {
            const T* r = rows + p * ld + j;
            for (int v = 0; v < NV; v++) {
                acc[v] += ai[p] * vload<V>(r + v * N);
            }
        }
        for (int v = 0; v < NV; v++) {
            vstore(ci + j + v * N, acc[v]);
        }
    }
    return j;
}

template <int VB, typename T>
MYELIN_INLINE void thin_inner_row(T* ci, const T* rows, long long ld, const T* ai, long long k, long long n) {
    long long j = thin_inner_columns<VB, 4>(ci, rows, ld, ai, k, 0, n);
    j = thin_inner_columns<VB, 1>(ci, rows, ld, ai, k, j, n);
    for (; j < n; j++) {
        T acc = 0;
        for (long long p = 0; p < k; p++) {
            acc += ai[p] * rows[p * ld + j];
        }
        ci[j] = acc;
    }
}

// The shuffle that brings lane l + d to lane l within a vector of N lanes (literal masks: GCC lowers a shuffle well
// only when its mask is a constant).
template <int N, int D, typename Index>
MYELIN_INLINE Index lane_rotation() {
    if constexpr (N == 16) {
        if constexpr (D == 8) return Index{8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7};
        if constexpr (D == 4) return Index{4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3};
        if constexpr (D == 2) return Index{2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1};
        if constexpr (D == 1) return Index{1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0};
    } else if constexpr (N == 8) {
        if constexpr (D == 4) return Index{4, 5, 6, 7, 0, 1, 2, 3};
        if constexpr (D == 2) return Index{2, 3, 0, 1, 2, 3, 0, 1};
        if constexpr (D == 1) return Index{1, 0, 1, 0, 1, 0, 1, 0};
    } else if constexpr (N == 4) {
        if constexpr (D == 2) return Index{2, 3, 0, 1};
        if constexpr (D == 1) return Index{1, 0, 1, 0};
    } else {
        static_assert(N == 2 && D == 1, "lane_rotation: unsupported width");
        return Index{1, 0};
    }
}

// Sum of the 16 lanes held in 16 / N vectors of N lanes, pairwise: lane l + lane l + 8 for l < 8, then + 4, + 2, + 1
// (vector adds while the pairs are in different vectors, then shuffles within the first): the same order for every
// vector width, and in registers (lane by lane, the 16 scalar adds and their extractions cost more than the products
// of a thin dot product).
template <int N, int D, typename V>
MYELIN_INLINE void fold_lanes(V* acc) {
    if constexpr (D >= N) {
        for (int v = 0; v < D / N; v++) {
            acc[v] += acc[v + D / N];
        }
    } else {
        typedef decltype(acc[0][0] + 0) T;
        typedef typename VecOf<typename std::conditional<sizeof(T) == 4, int, long long>::type, N>::type Index;
        acc[0] += __builtin_shuffle(acc[0], lane_rotation<N, D, Index>());
    }
    if constexpr (D > 1) {
        fold_lanes<N, D / 2>(acc);
    }
}

// G dot products of one row x with G columns (rows of cols, ld apart), each in 16 interleaved partial sums (lane l
// takes terms p = l mod 16; fold_lanes adds the lanes; a tail beyond the last 16 terms is added after, in order): G
// independent accumulators, so the adds do not wait on one another, and x is loaded once for all G.
template <int VB, int G, typename T>
MYELIN_INLINE void dot16_columns(const T* x, const T* cols, long long ld, long long k, T* out) {
    constexpr int N = VB / sizeof(T) < 16 ? VB / sizeof(T) : 16;
    constexpr int NV = 16 / N;
    typedef typename VecOf<T, N>::type V;
    V acc[G][NV];
    for (int g = 0; g < G; g++) {
        for (int v = 0; v < NV; v++) {
            acc[g][v] = V{};
        }
    }
    long long p = 0;
    for (; p + 16 <= k; p += 16) {
        for (int v = 0; v < NV; v++) {
            V xv = vload<V>(x + p + v * N);
            for (int g = 0; g < G; g++) {
                acc[g][v] += xv * vload<V>(cols + g * ld + p + v * N);
            }
        }
    }
    for (int g = 0; g < G; g++) {
        fold_lanes<N, 8>(acc[g]);
        T s = acc[g][0][0];
        for (long long q = p; q < k; q++) {
            s += x[q] * cols[g * ld + q];
        }
        out[g] = s;
    }
}

// The columns of row i of C, in groups of GMAX, then fewer: GMAX sets of accumulators fill half the registers.
template <int VB, typename T>
MYELIN_INLINE void dot16_row(const T* x, const T* cols, long long ld, long long k, long long n, T* ci) {
    constexpr int N = VB / sizeof(T) < 16 ? VB / sizeof(T) : 16;
    constexpr int ACCUMULATORS = (VB == 64 ? 32 : 16) / 2;  // half the vector registers
    constexpr int SETS = ACCUMULATORS / (16 / N);            // sets of 16 lanes that fit
    constexpr int GMAX = SETS >= 8 ? 8 : SETS >= 4 ? 4 : SETS >= 2 ? 2 : 1;
    long long j = 0;
    for (; j + GMAX <= n; j += GMAX) {
        dot16_columns<VB, GMAX>(x, cols + j * ld, ld, k, ci + j);
    }
    if (GMAX > 4 && j + 4 <= n) {
        dot16_columns<VB, 4>(x, cols + j * ld, ld, k, ci + j);
        j += 4;
    }
    if (GMAX > 2 && j + 2 <= n) {
        dot16_columns<VB, 2>(x, cols + j * ld, ld, k, ci + j);
        j += 2;
    }
    for (; j < n; j++) {
        dot16_columns<VB, 1>(x, cols + j * ld, ld, k, ci + j);
    }
}

// C[i0..i0+NV N, j0..j0+G] for A stored [k, m] (op(A) = A^T) and a thin width: NV N x G sums held in registers
// while the k rows of A stream past, each summed from 0 in order p = 0..k-1.
template <int VB, int G, int NV, bool TB, typename T>
MYELIN_INLINE void thin_transposed_block(const T* a, long long lda, const T* b, long long ldb, T* c, long long ldc,
                                         long long i0, long long j0, long long k) {
    constexpr int N = VB / sizeof(T);
    typedef typename VecOf<T, N>::type V;
    V acc[G][NV];
    for (int g = 0; g < G; g++) {
        for (int v = 0; v < NV; v++) {
            acc[g][v] = V{};
        }
    }
    for (long long p = 0; p < k; p++) {
        V ap[NV];
        for (int v = 0; v < NV; v++) {
            ap[v] = vload<V>(a + p * lda + i0 + v * N);
        }
        for (int g = 0; g < G; g++) {
            const T bv = TB ? b[(j0 + g) * ldb + p] : b[p * ldb + j0 + g];
            for (int v = 0; v < NV; v++) {
                acc[g][v] += bv * ap[v];
            }
        }
    }
    T block[G][NV * N];
    for (int g = 0; g < G; g++) {
        for (int v = 0; v < NV; v++) {
            vstore(block[g] + v * N, acc[g][v]);
        }
    }
    for (int l = 0; l < NV * N; l++) {
        for (int g = 0; g < G; g++) {
            c[(i0 + l) * ldc + j0 + g] = block[g][l];
        }
    }
}

// Columns j0..j0+G of rows [i, m) of C for A stored [k, m]: blocks of two vectors' rows where the registers hold
// their sums (fewer passes over A), then of one, then the last rows one by one (each element the same sum in the
// same order whichever way it is reached, so a split of the rows does not change the result).
template <int VB, int G, bool TB, typename T>
MYELIN_INLINE void thin_transposed_columns(const T* a, long long lda, const T* b, long long ldb, T* c, long long ldc,
                                           long long i, long long m, long long j0, long long k) {
    constexpr int N = VB / sizeof(T);
    constexpr int NV = VB == 64 || G <= 4 ? 2 : 1;
    for (; i + NV * N <= m; i += NV * N) {
        thin_transposed_block<VB, G, NV, TB>(a, lda, b, ldb, c, ldc, i, j0, k);
    }
    for (; i + N <= m; i += N) {
        thin_transposed_block<VB, G, 1, TB>(a, lda, b, ldb, c, ldc, i, j0, k);
    }
    for (; i < m; i++) {
        for (int g = 0; g < G; g++) {
            T acc = 0;
            for (long long p = 0; p < k; p++) {
                acc += (TB ? b[(j0 + g) * ldb + p] : b[p * ldb + j0 + g]) * a[p * lda + i];
            }
            c[i * ldc + j0 + g] = acc;
        }
    }
}

template <int VB, bool TB, typename T>
MYELIN_INLINE void thin_transposed(const T* a, long long lda, const T* b, long long ldb, T* c, long long ldc,
                                   long long i, long long m, long long n, long long k) {
    long long j = 0;
    for (; j + 8 <= n; j += 8) {
        thin_transposed_columns<VB, 8, TB>(a, lda, b, ldb, c, ldc, i, m, j, k);
    }
    if (j + 4 <= n) {
        thin_transposed_columns<VB, 4, TB>(a, lda, b, ldb, c, ldc, i, m, j, k);
        j += 4;
    }
    if (j + 2 <= n) {
        thin_transposed_columns<VB, 2, TB>(a, lda, b, ldb, c, ldc, i, m, j, k);
        j += 2;
    }
    if (j < n) {
        thin_transposed_columns<VB, 1, TB>(a, lda, b, ldb, c, ldc, i, m, j, k);
    }
}

// Columns [j0, j1) of C for few rows (m <= MYELIN_THIN, A row-major after any gather, B row-major [k, n]): R rows x
// NV vectors of C held in registers while the k rows of B stream past once per group of R rows of C, each element
// summed from 0 in order p = 0..k-1 (a prediction on a few samples: OpenBLAS packs all of B for every call, 0.19 ms
// for 2 x 784 x 512 on a Zen 3 core, where streaming B once takes a fraction of that).
template <int VB, int R, int NV, typename T>
MYELIN_INLINE long long few_rows_columns(const T* a, long long lda, const T* b, long long ldb, T* c, long long ldc,
                                         long long k, long long j, long long j1) {
    constexpr int N = VB / sizeof(T);
    typedef typename VecOf<T, N>::type V;
    for (; j + NV * N <= j1; j += NV * N) {
        V acc[R][NV];
        for (int r = 0; r < R; r++) {
            for (int v = 0; v < NV; v++) {
                acc[r][v] = V{};
            }
        }
        for (long long p = 0; p < k; p++) {
            V row[NV];
            for (int v = 0; v < NV; v++) {
                row[v] = vload<V>(b + p * ldb + j + v * N);
            }
            for (int r = 0; r < R; r++) {
                T ar = a[r * lda + p];
                for (int v = 0; v < NV; v++) {
                    acc[r][v] += ar * row[v];
                }
            }
        }
        for (int r = 0; r < R; r++) {
            for (int v = 0; v < NV; v++) {
                vstore(c + r * ldc + j + v * N, acc[r][v]);
            }
        }
    }
    return j;
}

// Rows [i, i + R) of C over columns [j0, j1): whole register blocks, single vectors, then one column at a time, each
// column's sums in the same order p = 0..k-1 whichever of the three computes it.
template <int VB, int R, typename T>
MYELIN_INLINE void few_rows_group(const T* a, long long lda, const T* b, long long ldb, T* c, long long ldc,
                                  long long k, long long j0, long long j1) {
    long long j = few_rows_columns<VB, R, 2>(a, lda, b, ldb, c, ldc, k, j0, j1);
    j = few_rows_columns<VB, R, 1>(a, lda, b, ldb, c, ldc, k, j, j1);
    for (; j < j1; j++) {
        for (int r = 0; r < R; r++) {
            T acc = 0;
            for (long long p = 0; p < k; p++) {
                acc += a[r * lda + p] * b[p * ldb + j];
            }
            c[r * ldc + j] = acc;
        }
    }
}

template <int VB, typename T>
MYELIN_INLINE void few_rows_width(const T* a, long long lda, const T* b, long long ldb, T* c, long long ldc,
                                  long long m, long long k, long long j0, long long j1) {
    long long i = 0;
    for (; i + 4 <= m; i += 4) {
        few_rows_group<VB, 4>(a + i * lda, lda, b, ldb, c + i * ldc, ldc, k, j0, j1);
    }
    for (; i + 2 <= m; i += 2) {
        few_rows_group<VB, 2>(a + i * lda, lda, b, ldb, c + i * ldc, ldc, k, j0, j1);
    }
    for (; i < m; i++) {
        few_rows_group<VB, 1>(a + i * lda, lda, b, ldb, c + i * ldc, ldc, k, j0, j1);
    }
}

// Rows [i0, i1) of C, the product's three cases: K_THIN (row i of C = sum of the k rows of `rows`, op(B) or B^T
// gathered), N_THIN (row i of A dotted with the n rows of `rows`, the columns of op(B)), TRANSPOSED (A stored [k, m];
// `rows` is b itself). Each element comes out in an order of operations fixed by m, n, k, the transposes and the CPU's
// vector width, so the results do not depend on the machine's load, the call site or the split of the rows.
enum ThinCase { K_THIN, N_THIN, TRANSPOSED };

template <int VB, typename T>
MYELIN_INLINE void thin_rows_width(int kind, int ta, int tb, long long n, long long k, const T* a, long long lda,
                                   const T* rows, long long ld, T* c, long long ldc, long long i0, long long i1) {
    if (kind == K_THIN) {
        T ai[MYELIN_THIN];
        for (long long i = i0; i < i1; i++) {
            for (long long p = 0; p < k; p++) {
                ai[p] = ta ? a[p * lda + i] : a[i * lda + p];
            }
            thin_inner_row<VB>(c + i * ldc, rows, ld, ai, k, n);
        }
    } else if (kind == N_THIN) {
        for (long long i = i0; i < i1; i++) {
            dot16_row<VB>(a + i * lda, rows, ld, k, n, c + i * ldc);
        }
    } else if (tb) {
        thin_transposed<VB, true>(a, lda, rows, ld, c, ldc, i0, i1, n, k);
    } else {
        thin_transposed<VB, false>(a, lda, rows, ld, c, ldc, i0, i1, n, k);
    }
}

// The vector width is the running CPU's: the AVX-512 clone of the entry points below runs 64-byte vectors, the AVX2
// clone 32-byte ones (GCC splits vectors wider than the registers badly: 3-4x slower). Preprocessor macros cannot
// tell the clones apart, so the width is asked at run time (a load and a test per call).
template <typename T>
MYELIN_INLINE void thin_rows(int kind, int ta, int tb, long long n, long long k, const T* a, long long lda,
                             const T* rows, long long ld, T* c, long long ldc, long long i0, long long i1) {
    if (__builtin_cpu_supports("x86-64-v4")) {  // as target_clones chooses its clone
        thin_rows_width<64>(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, i0, i1);
    } else if (__builtin_cpu_supports("x86-64-v3")) {
        thin_rows_width<32>(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, i0, i1);
    } else {
        thin_rows_width<16>(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, i0, i1);
    }
}

// Single-threaded entry points for a range of rows: each part of a split call runs through one of them, so it gets
// the clone of the CPU it runs on (a lambda does not inherit its enclosing function's target).
MYELIN_CLONES void thin_rows_f32(int kind, int ta, int tb, long long n, long long k, const float* a, long long lda,
                                 const float* rows, long long ld, float* c, long long ldc, long long i0, long long i1) {
    thin_rows<float>(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, i0, i1);
}
MYELIN_CLONES void thin_rows_f64(int kind, int ta, int tb, long long n, long long k, const double* a, long long lda,
                                 const double* rows, long long ld, double* c, long long ldc, long long i0,
                                 long long i1) {
    thin_rows<double>(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, i0, i1);
}
inline void thin_rows_any(int kind, int ta, int tb, long long n, long long k, const float* a, long long lda,
                          const float* rows, long long ld, float* c, long long ldc, long long i0, long long i1) {
    thin_rows_f32(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, i0, i1);
}
inline void thin_rows_any(int kind, int ta, int tb, long long n, long long k, const double* a, long long lda,
                          const double* rows, long long ld, double* c, long long ldc, long long i0, long long i1) {
    thin_rows_f64(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, i0, i1);
}

// Few rows: columns [j0, j1) of all m rows, through a cloned entry point for the same reason as thin_rows_f32.
template <typename T>
MYELIN_INLINE void few_rows(const T* a, long long lda, const T* b, long long ldb, T* c, long long ldc, long long m,
                            long long k, long long j0, long long j1) {
    if (__builtin_cpu_supports("x86-64-v4")) {
        few_rows_width<64>(a, lda, b, ldb, c, ldc, m, k, j0, j1);
    } else if (__builtin_cpu_supports("x86-64-v3")) {
        few_rows_width<32>(a, lda, b, ldb, c, ldc, m, k, j0, j1);
    } else {
        few_rows_width<16>(a, lda, b, ldb, c, ldc, m, k, j0, j1);
    }
}
MYELIN_CLONES void few_rows_f32(const float* a, long long lda, const float* b, long long ldb, float* c, long long ldc,
                                long long m, long long k, long long j0, long long j1) {
    few_rows<float>(a, lda, b, ldb, c, ldc, m, k, j0, j1);
}
MYELIN_CLONES void few_rows_f64(const double* a, long long lda, const double* b, long long ldb, double* c,
                                long long ldc, long long m, long long k, long long j0, long long j1) {
    few_rows<double>(a, lda, b, ldb, c, ldc, m, k, j0, j1);
}
inline void few_rows_any(const float* a, long long lda, const float* b, long long ldb, float* c, long long ldc,
                         long long m, long long k, long long j0, long long j1) {
    few_rows_f32(a, lda, b, ldb, c, ldc, m, k, j0, j1);
}
inline void few_rows_any(const double* a, long long lda, const double* b, long long ldb, double* c, long long ldc,
                         long long m, long long k, long long j0, long long j1) {
    few_rows_f64(a, lda, b, ldb, c, ldc, m, k, j0, j1);
}

// C = op(A) B for m <= MYELIN_THIN rows of C and B not transposed (a prediction or training step on a few samples):
// op(A) = A^T gathered once into scratch [m, k]; the columns of C split with the helper thread in blocks of 64, each
// element computed whole by one thread, so the split changes no bit.
template <typename T>
inline int few_rows_gemm(int ta, long long m, long long n, long long k, const T* a, long long lda, const T* b,
                         long long ldb, T* c, long long ldc, ThinScratch<T>& scratch) {
    if (ta) {
        T* at = scratch.get(m * k);
        if (!at) return -2;
        for (long long p = 0; p < k; p++) {
            for (long long i = 0; i < m; i++) {
                at[i * k + p] = a[p * lda + i];
            }
        }
        a = at;
        lda = k;
    }
    const long long block = 64;
    parallel::run((n + block - 1) / block, block * ((m * k + 3) / 4), [&](long long u0, long long u1) {
        few_rows_any(a, lda, b, ldb, c, ldc, m, k, u0 * block, u1 * block < n ? u1 * block : n);
    });
    return 0;
}

// The product split by rows of C with the helper thread (myelin_parallel.h), by multiply-adds, four to an element of
// the streaming kernels' threshold: from registers they cost about a quarter as much (1024 x 256 x 10, 2.6M of
// them, take 0.11 ms alone; a 262,144-element stream 0.03-0.05 ms). The transposed case splits in units of its
// largest block of rows (two AVX-512 registers of T), so every part starts on a block boundary. In the Adam-1024 step,
// three alternating pairs of runs: 0.28-0.31 ms for its three thin products on one thread, 0.23-0.28 split (the
// helper shares its core with MKL's waiting thread, so it does not always come in time); no change at 128 rows.
template <typename T>
inline int thin_gemm(int ta, int tb, long long m, long long n, long long k, const T* a, long long lda, const T* b,
                     long long ldb, T* c, long long ldc, ThinScratch<T>& scratch) {
    int kind;
    const T* rows = b;
    long long ld = ldb;
    if (k <= MYELIN_THIN) {
        kind = K_THIN;
        if (tb) {  // B^T gathered once into scratch [k, n]
            T* bt = scratch.get(k * n);
            if (!bt) return -2;
            for (long long j = 0; j < n; j++) {
                for (long long p = 0; p < k; p++) {
                    bt[p * n + j] = b[j * ldb + p];
                }
            }
            rows = bt;
            ld = n;
        }
    } else if (n > MYELIN_THIN) {
        return m <= MYELIN_THIN && !tb ? few_rows_gemm<T>(ta, m, n, k, a, lda, b, ldb, c, ldc, scratch) : -1;
    } else if (!ta) {
        kind = N_THIN;
        if (!tb) {  // the columns of B gathered once into scratch [n, k]
            T* bt = scratch.get(n * k);
            if (!bt) return -2;
            for (long long p = 0; p < k; p++) {
                for (long long j = 0; j < n; j++) {
                    bt[j * k + p] = b[p * ldb + j];
                }
            }
            rows = bt;
            ld = k;
        }
    } else {
        kind = TRANSPOSED;
    }
    const long long unit = kind == TRANSPOSED ? 2 * (64 / (long long) sizeof(T)) : 1;
    parallel::run((m + unit - 1) / unit, unit * ((n * k + 3) / 4), [&](long long u0, long long u1) {
        long long i1 = u1 * unit < m ? u1 * unit : m;
        thin_rows_any(kind, ta, tb, n, k, a, lda, rows, ld, c, ldc, u0 * unit, i1);
    });
    return 0;
}
}  // namespace myelin

inline int myelin_thin_max() {
    return MYELIN_THIN;
}
inline int myelin_thin_gemm_f32(int ta, int tb, long long m, long long n, long long k, const float* a, long long lda,
                                const float* b, long long ldb, float* c, long long ldc) {
    static thread_local myelin::ThinScratch<float> scratch;
    return myelin::thin_gemm<float>(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, scratch);
}
inline int myelin_thin_gemm_f64(int ta, int tb, long long m, long long n, long long k, const double* a,
                                long long lda, const double* b, long long ldb, double* c, long long ldc) {
    static thread_local myelin::ThinScratch<double> scratch;
    return myelin::thin_gemm<double>(ta, tb, m, n, k, a, lda, b, ldb, c, ldc, scratch);
}

// Row-major gemm C = op(A) op(B) (alpha 1, beta 0) through a cblas_sgemm / cblas_dgemm found by the caller in the
// BLAS that ND4J loaded (OpenBLAS or MKL, LP64: 32-bit ints; enum values are CBLAS's: 101 row-major, 111 no
// transpose, 112 transpose). Calling it here instead of through Nd4j.gemm skips ND4J's op dispatch (20-50 us a call,
// as much as the whole product for the small gemms of an MLP step). The caller checks every argument.
//
// Where the engine has made the BLAS single-threaded and set gemm_min_macs (myelin_set_gemm_split: OpenBLAS on two
// cores), a product of at least that many multiply-adds is cut in two and the halves run as two single-threaded BLAS
// calls, one on the calling thread and one on the helper (myelin_parallel.h). OpenBLAS's own two threads reached
// 70-95% of two single-threaded calls' rate on an MLP step's products on a Zen 3. The cut is along the columns of C when m <= n, else along its rows (each
// half packs all of the operand not cut, so the smaller one is repacked), at a multiple of 16 fixed by the shape, and
// a caller that finds the helper busy runs both halves itself: the bits depend only on the shape.
typedef void (*myelin_cblas_sgemm_fn)(int, int, int, int, int, int, float, const float*, int, const float*, int,
                                      float, float*, int);
typedef void (*myelin_cblas_dgemm_fn)(int, int, int, int, int, int, double, const double*, int, const double*, int,
                                      double, double*, int);
namespace myelin {
inline void blas_gemm(long long fn, int ta, int tb, int m, int n, int k, const float* a, int lda, const float* b,
                      int ldb, float* c, int ldc) {
    ((myelin_cblas_sgemm_fn) fn)(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}
inline void blas_gemm(long long fn, int ta, int tb, int m, int n, int k, const double* a, int lda, const double* b,
                      int ldb, double* c, int ldc) {
    ((myelin_cblas_dgemm_fn) fn)(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, 1.0, a, lda, b, ldb, 0.0, c, ldc);
}

template <typename T>
inline void split_gemm(long long fn, int ta, int tb, int m, int n, int k, const T* a, int lda, const T* b, int ldb,
                       T* c, int ldc) {
    const bool by_columns = m <= n;
    const int length = by_columns ? n : m;
    const int cut = (length / 2 + 15) / 16 * 16;
    if ((long long) m * n * k < parallel::settings().gemm_min_macs.load(std::memory_order_relaxed) || cut >= length) {
        blas_gemm(fn, ta, tb, m, n, k, a, lda, b, ldb, c, ldc);
        return;
    }
    auto halves = [&](long long h0, long long h1) {
        for (long long h = h0; h < h1; h++) {
            const int lo = h == 0 ? 0 : cut;
            const int size = h == 0 ? cut : length - cut;
            if (by_columns) {
                blas_gemm(fn, ta, tb, m, size, k, a, lda, tb ? b + (long long) lo * ldb : b + lo, ldb, c + lo, ldc);
            } else {
                blas_gemm(fn, ta, tb, size, n, k, ta ? a + lo : a + (long long) lo * lda, lda, b, ldb,
                          c + (long long) lo * ldc, ldc);
            }
        }
    };
    typedef decltype(halves) Halves;
    parallel::RangeFn run = [](const void* ctx, long long h0, long long h1) {
        (*static_cast<const Halves*>(ctx))(h0, h1);
    };
    if (!parallel::helper().run(run, &halves, 2, 1)) {
        halves(0, 2);
    }
}
}  // namespace myelin

inline void myelin_gemm_f32(long long fn, int trans_a, int trans_b, int m, int n, int k, const float* a, int lda,
                            const float* b, int ldb, float* c, int ldc) {
    myelin::split_gemm<float>(fn, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
}
inline void myelin_gemm_f64(long long fn, int trans_a, int trans_b, int m, int n, int k, const double* a, int lda,
                            const double* b, int ldb, double* c, int ldc) {
    myelin::split_gemm<double>(fn, trans_a, trans_b, m, n, k, a, lda, b, ldb, c, ldc);
}

// Products of at least min_macs multiply-adds are split in two (split_gemm); LLONG_MAX (the default) never splits.
// The engine sets it only after making the BLAS single-threaded.
inline void myelin_set_gemm_split(long long min_macs) {
    myelin::parallel::settings().gemm_min_macs.store(min_macs < 1 ? 1 : min_macs, std::memory_order_relaxed);
}

// Which clone the loader picked: 2 for the AVX-512 (x86-64-v4) build, 1 for AVX2 (x86-64-v3), 0 for baseline.
inline int myelin_isa_level() {
    __builtin_cpu_init();
    return __builtin_cpu_supports("x86-64-v4") ? 2 : __builtin_cpu_supports("x86-64-v3") ? 1 : 0;
}

#endif  // MYELIN_KERNELS_H
