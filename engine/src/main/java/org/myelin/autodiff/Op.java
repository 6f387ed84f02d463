package org.myelin.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable operation: one application of it to concrete inputs.
 *
 * <p>An {@code Op} instance is created per application. {@link #forward} computes the output from the input
 * arrays and saves what {@link #backward} will need; {@link #backward} maps the upstream gradient
 * dL/d(output) ({@code gradOut}) to one gradient per input. The engine ({@link Autograd}) owns the graph walk
 * and the accumulation of gradients; an op owns only its local derivative.
 *
 * <p>Contract: an op never mutates its inputs or {@code gradOut}; attributes are final fields; it returns
 * {@code null} for an input whose gradient is not needed ({@link #needsGrad(int)}) and may skip computing it.
 * The arrays it returns from {@code forward} and {@code backward} are fresh (or views of fresh arrays) and
 * belong to the caller.
 */
public abstract class Op {

    private boolean[] needsGrad = new boolean[0];

    /**
     * A short name for error messages, e.g. {@code "MatMul"}: the class's simple name without the {@code Op}
     * suffix that an op class takes when a layer has its name ({@code BatchNormOp} reports {@code "BatchNorm"}).
     */
    public String name() {
        String simple = getClass().getSimpleName();
        return simple.endsWith("Op") && simple.length() > 2 ? simple.substring(0, simple.length() - 2) : simple;
    }

    /** Computes the output from the input values and saves what backward needs. */
    protected abstract INDArray forward(INDArray... inputs);

    /**
     * Gradient of the loss with respect to each input, given the gradient with respect to the output.
     *
     * @param gradOut dL/d(output), the same shape as the output of {@link #forward}
     * @return one array per input, shaped like that input, or {@code null} where {@link #needsGrad(int)} is false
     */
    protected abstract INDArray[] backward(INDArray gradOut);

    /** Whether the gradient of input {@code i} is wanted by the engine. */
    protected final boolean needsGrad(int i) {
        return i < needsGrad.length && needsGrad[i];
    }

    /** Called by the engine when the graph is released; ops drop saved arrays here so they can be freed. */
    protected void release() {}

    final void setNeedsGrad(boolean[] flags) {
        this.needsGrad = flags;
    }
}
