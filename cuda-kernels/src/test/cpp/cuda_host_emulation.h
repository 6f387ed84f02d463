// Host emulation of the CUDA kernels in src/main/cuda/myelin_kernels.cu, for the tests only (g++, no nvcc).
//
// The CUDA keywords and built-in variables the file uses are mapped onto plain C++ so that its device code
// compiles unchanged as host code, and a launch is emulated by running every thread of the grid, one after the
// other, on the calling thread: for (block) for (thread) { set blockIdx/threadIdx; call the kernel }. Each
// "thread" runs its grid-stride loop exactly as written in the .cu file, so an indexing error (a wrong stride,
// a missing bound, a 32-bit overflow) or an arithmetic error there shows up in the tests' results.
//
// What this does not check: the device's own math library (CUDA's expf/tanhf differ from glibc's by an ulp or
// two), nvcc's contraction of a * b + c into FMAs, and anything about concurrency (the kernels are elementwise:
// each element is read and written by one thread only, so the order of threads does not matter). It is built
// into a separate test library (JavaCPP, process-test-classes), never into the shipped jar.
//
// myelin_emulate_launch takes the kernel parameters exactly as cuLaunchKernel does (an array of pointers, one
// per parameter, to the parameter's value), so the engine's launch code is shared by the device and the tests.
#ifndef MYELIN_CUDA_HOST_EMULATION_H
#define MYELIN_CUDA_HOST_EMULATION_H

#include <math.h>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>

// CUDA's dim3 and the four built-in index variables (unsigned int components, as on the device, so that 32-bit
// arithmetic on them wraps exactly as it would there). One set per host thread.
struct dim3 {
    unsigned int x, y, z;
};
static thread_local dim3 gridDim = {1, 1, 1};
static thread_local dim3 blockDim = {1, 1, 1};
static thread_local dim3 blockIdx = {0, 0, 0};
static thread_local dim3 threadIdx = {0, 0, 0};

// Kernels get internal linkage: the CPU library (myelin_kernels.h) exports functions of the same names. Inline, so
// that the kernels no test emulates (the convolution's) compile without g++'s unused-function warnings, which the
// first build of `scripts/myelin` would otherwise print to a newcomer.
#define __global__ static inline
#define __device__
#define __forceinline__ inline

// The .cu file's float overloads of fabs (and of the other math functions) come from <cmath>, as on the device.
using std::fabs;

#include "myelin_kernels.cu"

namespace myelin_emulation {

template <class T>
using Param = typename std::remove_cv<typename std::remove_reference<T>::type>::type;

template <class... A, std::size_t... I>
static void call(void (*kernel)(A...), void** params, std::index_sequence<I...>) {
    kernel(*static_cast<Param<A>*>(params[I])...);
}

// Runs every thread of a 1-D grid of `blocks` x `threads`.
template <class... A>
static void run_grid(void (*kernel)(A...), unsigned int blocks, unsigned int threads, void** params) {
    gridDim = {blocks, 1, 1};
    blockDim = {threads, 1, 1};
    for (unsigned int b = 0; b < blocks; b++) {
        blockIdx = {b, 0, 0};
        for (unsigned int t = 0; t < threads; t++) {
            threadIdx = {t, 0, 0};
            call(kernel, params, std::index_sequence_for<A...>{});
        }
    }
}

}  // namespace myelin_emulation

// Emulates cuLaunchKernel(function `name`, grid (blocks, 1, 1), block (threads, 1, 1), params). Returns 0, -1 for
// an unknown kernel name, -2 for a grid or block size a device would refuse (blocks outside [1, 2^31 - 1],
// threads outside [1, 1024]).
inline int myelin_emulate_launch(const char* name, int blocks, int threads, void** params) {
    if (blocks < 1 || threads < 1 || threads > 1024) {
        return -2;
    }
#define MYELIN_EMULATED(kernel)                                                                      \
    if (std::strcmp(name, #kernel) == 0) {                                                            \
        myelin_emulation::run_grid(kernel, (unsigned int) blocks, (unsigned int) threads, params);    \
        return 0;                                                                                     \
    }
    // The launched kernels of myelin_kernel_table.h, both precisions.
#define MYELIN_EMULATED_PAIR(name, arity) MYELIN_EMULATED(name##_f32) MYELIN_EMULATED(name##_f64)
    MYELIN_ELEMENTWISE_KERNELS(MYELIN_EMULATED_PAIR)
#undef MYELIN_EMULATED_PAIR
#undef MYELIN_EMULATED
    return -1;
}

#endif  // MYELIN_CUDA_HOST_EMULATION_H
