// The one list of the native kernels' activations and CUDA-launched elementwise kernels (X-macros).
//
// Included by the CPU kernels (myelin_kernels.h) and the CUDA kernels (../cuda/myelin_kernels.cu, which includes it
// as "../cpp/myelin_kernel_table.h"): each generates its activation enum and its switch cases from these lists, so
// an id cannot differ between the two, and a list entry without its formula fails to compile. Java mirrors the
// lists by hand (NativeKernels' id constants, KernelActivation, CudaLaunchedKernels.KERNELS); the tests
// KernelTableTest (cuda-kernels) and KernelActivationTableTest (engine) parse this file and fail naming any
// name or id that disagrees. Keep one entry per line in the form shown: the tests read them with a regular
// expression.
//
// Adding an activation: one MYELIN_ACTIVATIONS line here, its Fw<Formula> / Bw<Formula> structs in
// myelin_kernels.h and its <Formula> struct in myelin_kernels.cu, its NativeKernels constant and its
// KernelActivation mapping.
#ifndef MYELIN_KERNEL_TABLE_H
#define MYELIN_KERNEL_TABLE_H

// X(NAME, id, Formula): NAME and id are the NativeKernels constant; Formula names the structs holding f and f'.
#define MYELIN_ACTIVATIONS(X)          \
    X(IDENTITY, 0, Identity)           \
    X(LOGISTIC, 1, Logistic)           \
    X(TANH, 2, Tanh)                   \
    X(ARCTAN, 3, Arctan)               \
    X(RELU, 4, Relu)                   \
    X(LEAKY_RELU, 5, LeakyRelu)        \
    X(THRESHOLD, 6, Threshold)

// X(NAME, Formula): the activations whose derivative has a from-output form (f' from the saved a = f(z));
// KernelActivation.hasFromOutputForm is true for exactly these.
#define MYELIN_FROM_OUTPUT_ACTIVATIONS(X) \
    X(LOGISTIC, Logistic)                 \
    X(TANH, Tanh)

// X(name, arity): the elementwise CUDA kernels the engine launches (CudaLaunchedKernels.KERNELS), each exported as
// name_f32 and name_f64 by myelin_kernels.cu and myelin_kernels.h with `arity` parameters (checked by
// static_assert in both, so the parameter arrays the engine builds for cuLaunchKernel keep their length).
#define MYELIN_ELEMENTWISE_KERNELS(X)      \
    X(myelin_backward, 6)                  \
    X(myelin_backward_from_output, 5)      \
    X(myelin_bias_forward, 8)              \
    X(myelin_backward_bias, 8)             \
    X(myelin_column_sums, 4)               \
    X(myelin_sgd, 8)                       \
    X(myelin_adam, 14)                     \
    X(myelin_sgd_plain, 5)

// Generators shared by both files.
#define MYELIN_ACTIVATION_ENUMERATOR(NAME, ID, FORMULA) NAME = ID,

namespace myelin_table {
template <class F>
struct Arity;
template <class R, class... A>
struct Arity<R(A...)> {
    static constexpr int value = sizeof...(A);
};
}  // namespace myelin_table

#define MYELIN_ASSERT_ARITY(NAME, ARITY)                                                                      \
    static_assert(myelin_table::Arity<decltype(NAME##_f32)>::value == ARITY, #NAME "_f32: arity differs from " \
                                                                                   "myelin_kernel_table.h");   \
    static_assert(myelin_table::Arity<decltype(NAME##_f64)>::value == ARITY, #NAME "_f64: arity differs from " \
                                                                                   "myelin_kernel_table.h");

#endif  // MYELIN_KERNEL_TABLE_H
