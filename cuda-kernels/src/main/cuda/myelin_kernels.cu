// Myelin fused elementwise kernels, CUDA path: the same entry points and formulas as
// src/main/cpp/myelin_kernels.h, for device pointers.
//
// Built only under -Pcuda, by nvcc into a fat binary (cubins for sm_80 / sm_90 and compute_80 PTX, see
// cuda-kernels/pom.xml). There is no host code in this file: the engine's CudaKernels loads the fat binary
// with the CUDA driver API (cuModuleLoadData) into ND4J's current context and launches these kernels with
// cuLaunchKernel on ND4J's own stream, so no second CUDA runtime enters the process (nd4j-cuda-11.6 brings
// CUDA 11.6's) and no synchronisation or copy is added.
//
// Launch contract (all kernels): 1-D grid-stride loops, any grid and block size; the host uses 256 threads
// per block and min(ceil(n / 256), 65535) blocks. Every kernel is extern "C" so cuModuleGetFunction finds it by
// the name written here. Aliasing as on the CPU: an output may be an input (same index read then written).
//
// Verified: compiles with nvcc 13.0 for sm_80 and sm_90 on the build machine. NOT verified: run on a GPU (the
// build machine has none), numerical agreement with the CPU path on a device, and the driver-version
// requirement of the nvcc-13 PTX/cubins (R580+ expected).

#include <stdint.h>

// Activation ids, the switch cases below and the launched kernels' names and arities (relative to this file, so
// nvcc, the host emulation and a reader of the jar's copy find it without an include path).
#include "../cpp/myelin_kernel_table.h"

namespace {

enum Act { MYELIN_ACTIVATIONS(MYELIN_ACTIVATION_ENUMERATOR) };

__device__ __forceinline__ float dexp(float x) { return expf(x); }
__device__ __forceinline__ double dexp(double x) { return exp(x); }
__device__ __forceinline__ float dtanh(float x) { return tanhf(x); }
__device__ __forceinline__ double dtanh(double x) { return tanh(x); }
__device__ __forceinline__ float datan(float x) { return atanf(x); }
__device__ __forceinline__ double datan(double x) { return atan(x); }
__device__ __forceinline__ float dsqrt(float x) { return sqrtf(x); }
__device__ __forceinline__ double dsqrt(double x) { return sqrt(x); }

// One struct per MYELIN_ACTIVATIONS formula: forward(z, alpha) = f(z), derivative(z, g, alpha) = g * f'(z) in the
// stable forms of the CPU path (e = exp(-|z|), resp. exp(-2|z|)); from_output(a, g) = g * f' from a = f(z) for the
// MYELIN_FROM_OUTPUT_ACTIVATIONS. The forward logistic is the plain 1 / (1 + exp(-z)) here (the CPU path's
// two-branch form corrects a bias of glibc's vector expf).
struct Identity {
    template <class T> static __device__ __forceinline__ T forward(T z, T) { return z; }
    template <class T> static __device__ __forceinline__ T derivative(T, T g, T) { return g; }
};
struct Logistic {
    template <class T> static __device__ __forceinline__ T forward(T z, T) { return T(1) / (T(1) + dexp(-z)); }
    template <class T> static __device__ __forceinline__ T derivative(T z, T g, T) {
        T e = dexp(-fabs(z));
        T t = T(1) + e;
        return g * (e / (t * t));
    }
    template <class T> static __device__ __forceinline__ T from_output(T a, T g) { return g * (a * (T(1) - a)); }
};
struct Tanh {
    template <class T> static __device__ __forceinline__ T forward(T z, T) { return dtanh(z); }
    template <class T> static __device__ __forceinline__ T derivative(T z, T g, T) {
        T e = dexp(T(-2) * fabs(z));
        T t = T(1) + e;
        return g * ((T(4) * e) / (t * t));
    }
    template <class T> static __device__ __forceinline__ T from_output(T a, T g) {
        return g * ((T(1) - a) * (T(1) + a));
    }
};
struct Arctan {
    template <class T> static __device__ __forceinline__ T forward(T z, T) { return datan(z); }
    template <class T> static __device__ __forceinline__ T derivative(T z, T g, T) { return g / (T(1) + z * z); }
};
// NaN passes through ReLU (z < 0 is false for NaN), as on the CPU path and in ND4J: a diverged layer must not look
// finite. (z > 0 ? z : 0 turned NaN into 0.)
struct Relu {
    template <class T> static __device__ __forceinline__ T forward(T z, T) { return z < T(0) ? T(0) : z; }
    template <class T> static __device__ __forceinline__ T derivative(T z, T g, T) { return z >= T(0) ? g : T(0); }
};
struct LeakyRelu {
    template <class T> static __device__ __forceinline__ T forward(T z, T alpha) { return z >= T(0) ? z : alpha * z; }
    template <class T> static __device__ __forceinline__ T derivative(T z, T g, T alpha) {
        return z >= T(0) ? g : alpha * g;
    }
};
struct Threshold {
    template <class T> static __device__ __forceinline__ T forward(T z, T) { return z >= T(0) ? T(1) : T(0); }
    template <class T> static __device__ __forceinline__ T derivative(T, T, T) { return T(0); }
};

// Unknown ids give 0: the host checks every id before a launch.
template <class T>
__device__ __forceinline__ T derivative_times(int act, T z, T g, T alpha) {
    switch (act) {
#define MYELIN_CASE(NAME, ID, FORMULA) \
    case NAME: return FORMULA::derivative(z, g, alpha);
        MYELIN_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        default: return T(0);
    }
}

template <class T>
__device__ __forceinline__ T activation(int act, T z, T alpha) {
    switch (act) {
#define MYELIN_CASE(NAME, ID, FORMULA) \
    case NAME: return FORMULA::forward(z, alpha);
        MYELIN_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        default: return T(0);
    }
}

template <class T>
__device__ __forceinline__ T derivative_from_output(int act, T a, T g) {
    switch (act) {
#define MYELIN_CASE(NAME, FORMULA) \
    case NAME: return FORMULA::from_output(a, g);
        MYELIN_FROM_OUTPUT_ACTIVATIONS(MYELIN_CASE)
#undef MYELIN_CASE
        default: return T(0);
    }
}

template <class T>
__device__ void backward(int act, T alpha, const T* z, const T* g, T* out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        out[i] = derivative_times(act, z[i], g[i], alpha);
    }
}

template <class T>
__device__ void backward_from_output(int act, const T* a, const T* g, T* out, long long n) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        out[i] = derivative_from_output(act, a[i], g[i]);
    }
}

template <class T>
__device__ void bias_forward(int act, T alpha, const T* x, const T* b, T* z, T* a, long long rows, long long cols) {
    long long n = rows * cols;
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        T v = x[i] + b[i % cols];
        if (z != nullptr) {
            z[i] = v;
        }
        a[i] = activation(act, v, alpha);
    }
}

// The bias gradient of a dense layer, db[c] = sum_r dz[r, c]: a grid-stride loop over the columns, one thread per
// column walking down the rows (neighbouring threads read neighbouring columns, so every row's reads coalesce) and
// summing in double as the CPU path does. backward_bias also writes dz[r, c] = g[r, c] f'(z[r, c]) on the way.
template <class T>
__device__ void backward_bias(int act, T alpha, const T* z, const T* g, T* dz, T* db, long long rows, long long cols) {
    for (long long c = blockIdx.x * (long long) blockDim.x + threadIdx.x; c < cols; c += (long long) gridDim.x * blockDim.x) {
        double acc = 0;
        for (long long r = 0; r < rows; r++) {
            long long i = r * cols + c;
            T v = derivative_times(act, z[i], g[i], alpha);
            dz[i] = v;
            acc += double(v);
        }
        db[c] = T(acc);
    }
}

template <class T>
__device__ void column_sums(const T* x, T* out, long long rows, long long cols) {
    for (long long c = blockIdx.x * (long long) blockDim.x + threadIdx.x; c < cols; c += (long long) gridDim.x * blockDim.x) {
        double acc = 0;
        for (long long r = 0; r < rows; r++) {
            acc += double(x[r * cols + c]);
        }
        out[c] = T(acc);
    }
}

template <class T>
__device__ void sgd(T* w, const T* g, T* v, long long n, T lr, T mu, T wd, int nesterov) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        T gi = g[i] + wd * w[i];
        T vi = mu * v[i] + gi;
        v[i] = vi;
        w[i] = w[i] - lr * (nesterov ? gi + mu * vi : vi);
    }
}

// Finished coefficients, computed by the host in double (see adam in myelin_kernels.h).
template <class T>
__device__ void adam(T* w, const T* g, T* m, T* v, long long n, T b1, T c1, T b2, T c2, T eps, T wd, T decay,
                     T step_size, T inv_sqrt_bc2) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        T wi = w[i] * decay;
        T gi = g[i] + wd * wi;
        T mi = b1 * m[i] + c1 * gi;
        T vi = b2 * v[i] + c2 * (gi * gi);
        m[i] = mi;
        v[i] = vi;
        w[i] = wi - step_size * (mi / (dsqrt(vi) * inv_sqrt_bc2 + eps));
    }
}

template <class T>
__device__ void sgd_plain(T* w, const T* g, long long n, T lr, T wd) {
    for (long long i = blockIdx.x * (long long) blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        w[i] = w[i] - lr * (g[i] + wd * w[i]);
    }
}

}  // namespace

extern "C" {

__global__ void myelin_backward_f32(int act, float alpha, const float* z, const float* g, float* out, long long n) {
    backward<float>(act, alpha, z, g, out, n);
}
__global__ void myelin_backward_f64(int act, double alpha, const double* z, const double* g, double* out, long long n) {
    backward<double>(act, alpha, z, g, out, n);
}
__global__ void myelin_backward_from_output_f32(int act, const float* a, const float* g, float* out, long long n) {
    backward_from_output<float>(act, a, g, out, n);
}
__global__ void myelin_backward_from_output_f64(int act, const double* a, const double* g, double* out, long long n) {
    backward_from_output<double>(act, a, g, out, n);
}
__global__ void myelin_bias_forward_f32(int act, float alpha, const float* x, const float* b, float* z, float* a,
                                        long long rows, long long cols) {
    bias_forward<float>(act, alpha, x, b, z, a, rows, cols);
}
__global__ void myelin_bias_forward_f64(int act, double alpha, const double* x, const double* b, double* z, double* a,
                                        long long rows, long long cols) {
    bias_forward<double>(act, alpha, x, b, z, a, rows, cols);
}
__global__ void myelin_backward_bias_f32(int act, float alpha, const float* z, const float* g, float* dz, float* db,
                                         long long rows, long long cols) {
    backward_bias<float>(act, alpha, z, g, dz, db, rows, cols);
}
__global__ void myelin_backward_bias_f64(int act, double alpha, const double* z, const double* g, double* dz,
                                         double* db, long long rows, long long cols) {
    backward_bias<double>(act, alpha, z, g, dz, db, rows, cols);
}
__global__ void myelin_column_sums_f32(const float* x, float* out, long long rows, long long cols) {
    column_sums<float>(x, out, rows, cols);
}
__global__ void myelin_column_sums_f64(const double* x, double* out, long long rows, long long cols) {
    column_sums<double>(x, out, rows, cols);
}
__global__ void myelin_sgd_f32(float* w, const float* g, float* v, long long n, float lr, float mu, float wd,
                               int nesterov) {
    sgd<float>(w, g, v, n, lr, mu, wd, nesterov);
}
__global__ void myelin_sgd_f64(double* w, const double* g, double* v, long long n, double lr, double mu, double wd,
                               int nesterov) {
    sgd<double>(w, g, v, n, lr, mu, wd, nesterov);
}
__global__ void myelin_adam_f32(float* w, const float* g, float* m, float* v, long long n, float b1, float c1,
                                float b2, float c2, float eps, float wd, float decay, float step_size,
                                float inv_sqrt_bc2) {
    adam<float>(w, g, m, v, n, b1, c1, b2, c2, eps, wd, decay, step_size, inv_sqrt_bc2);
}
__global__ void myelin_adam_f64(double* w, const double* g, double* m, double* v, long long n, double b1, double c1,
                                double b2, double c2, double eps, double wd, double decay, double step_size,
                                double inv_sqrt_bc2) {
    adam<double>(w, g, m, v, n, b1, c1, b2, c2, eps, wd, decay, step_size, inv_sqrt_bc2);
}
__global__ void myelin_sgd_plain_f32(float* w, const float* g, long long n, float lr, float wd) {
    sgd_plain<float>(w, g, n, lr, wd);
}
__global__ void myelin_sgd_plain_f64(double* w, const double* g, long long n, double lr, double wd) {
    sgd_plain<double>(w, g, n, lr, wd);
}

}  // extern "C"

MYELIN_ELEMENTWISE_KERNELS(MYELIN_ASSERT_ARITY)

// 2-d convolution patch kernels (im2col / col2im), kept in their own file.
#include "myelin_conv.cuh"
