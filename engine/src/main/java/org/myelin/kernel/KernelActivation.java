package org.myelin.kernel;

import org.myelin.kernels.NativeKernels;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;

/**
 * The native kernels' id (and leaky ReLU slope) of an elementwise activation of {@link Activations}; null for
 * softmax, one-hot and activations defined elsewhere, which stay on ND4J.
 */
record KernelActivation(int id, double alpha) {

    static KernelActivation of(Activation f) {
        if (f == Activations.LOGISTIC) {
            return new KernelActivation(NativeKernels.LOGISTIC, 0);
        } else if (f == Activations.TANH) {
            return new KernelActivation(NativeKernels.TANH, 0);
        } else if (f == Activations.ARCTAN) {
            return new KernelActivation(NativeKernels.ARCTAN, 0);
        } else if (f == Activations.RELU) {
            return new KernelActivation(NativeKernels.RELU, 0);
        } else if (f == Activations.IDENTITY) {
            return new KernelActivation(NativeKernels.IDENTITY, 0);
        } else if (f == Activations.THRESHOLD) {
            return new KernelActivation(NativeKernels.THRESHOLD, 0);
        } else if (f instanceof Activations.LeakyRelu leaky) {
            return new KernelActivation(NativeKernels.LEAKY_RELU, leaky.slope());
        }
        return null;
    }

    /** Whether the from-output form ({@code f'} from {@code a = f(z)}) exists: logistic and tanh. */
    static boolean hasFromOutputForm(Activation f) {
        return f == Activations.LOGISTIC || f == Activations.TANH;
    }
}
