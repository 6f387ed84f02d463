package org.myelin.autodiff;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A node of the computation graph: an ND4J array value, its gradient, whether it requires one, and the op
 * that produced it.
 *
 * <p>Leaves are created with {@link #constant} (no gradient) or {@link #parameter} (gradient accumulated into
 * {@link #grad()} by every {@link #backward()} until {@link #zeroGrad()}). Tensors produced by ops are made by
 * {@link Autograd#apply}; they carry their producing op until the graph is released by a backward pass.
 *
 * <p>The value is not copied: code that creates a tensor from an array must not mutate that array while a
 * graph that uses it is alive (optimisers update parameters in place only between a backward and the next
 * forward).
 */
public final class Tensor {

    private final INDArray value;
    private final boolean requiresGrad;
    private final String label;
    private INDArray grad;
    Node creator;
    /** Set when a backward pass released the graph that produced this tensor. */
    boolean released;

    Tensor(INDArray value, boolean requiresGrad, Node creator, String label) {
        if (value == null) {
            throw new IllegalArgumentException("Tensor: value must not be null");
        }
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.creator = creator;
        this.label = label;
    }

    /** A leaf that needs no gradient (inputs, targets, constants). */
    public static Tensor constant(INDArray value) {
        return new Tensor(value, false, null, null);
    }

    /** A leaf whose gradient is accumulated by backward passes (a trainable parameter). */
    public static Tensor parameter(INDArray value) {
        return new Tensor(trainable(value, null), true, null, null);
    }

    /** A named trainable leaf; the name appears in error messages and diagnostics. */
    public static Tensor parameter(String name, INDArray value) {
        return new Tensor(trainable(value, name), true, null, name);
    }

    /** A gradient step needs real numbers: an integer or boolean array cannot be a parameter. */
    private static INDArray trainable(INDArray value, String name) {
        if (value != null && !value.dataType().isFPType()) {
            throw new IllegalArgumentException("Tensor.parameter(" + (name == null ? "" : name + ", ")
                    + "value): a trainable value must be floating-point (float32 or float64), was "
                    + value.dataType());
        }
        return value;
    }

    /** A float64 scalar constant, mainly for tests and examples. */
    public static Tensor scalar(double v) {
        return constant(Nd4j.scalar(v));
    }

    /** The value. Returns the array itself, not a copy. */
    public INDArray value() {
        return value;
    }

    /** The accumulated gradient dL/d(this), or {@code null} if none has been computed. */
    public INDArray grad() {
        return grad;
    }

    /** Whether gradients flow to this tensor. */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Whether this tensor was created directly rather than by an op in a recorded graph. */
    public boolean isLeaf() {
        return creator == null && !released;
    }

    /** The name of the op that produced this tensor, or {@code null} for a leaf or a released graph. */
    public String opName() {
        return creator == null ? null : creator.op.name();
    }

    public long[] shape() {
        return value.shape();
    }

    public DataType dataType() {
        return value.dataType();
    }

    /** The single element of a one-element tensor. */
    public double item() {
        if (value.length() != 1) {
            throw new IllegalStateException("item(): tensor has shape " + Arrays.toString(value.shape()) + " ("
                    + value.length() + " elements), expected exactly one element");
        }
        return value.getDouble(0);
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        grad = null;
    }

    /** A new leaf sharing this value, cut from the graph: no gradient flows through it. */
    public Tensor detach() {
        return new Tensor(value, false, null, label);
    }

    /** Backward pass from a one-element tensor (the loss), seeded with dL/dL = 1. */
    public void backward() {
        Autograd.backward(this, null);
    }

    /** Backward pass from any tensor, seeded with {@code gradOut} = dL/d(this), of this tensor's shape. */
    public void backward(INDArray gradOut) {
        Autograd.backward(this, gradOut);
    }

    /** Adds {@code g} into the accumulated gradient (the sum rule); {@code g} must be owned by this tensor. */
    void accumulateGrad(INDArray g) {
        if (grad == null) {
            grad = g;
        } else {
            grad.addi(g);
        }
    }

    /** Replaces the gradient, e.g. by a clipped or penalised one; the array then belongs to this tensor. */
    public void setGrad(INDArray g) {
        if (g != null && !Arrays.equals(g.shape(), value.shape())) {
            throw new IllegalArgumentException("setGrad(" + describe() + "): gradient has shape "
                    + Arrays.toString(g.shape()) + ", expected " + Arrays.toString(value.shape()));
        }
        // The update kernels read the gradient's buffer as the parameter's type: a float64 gradient of a float32
        // parameter would be read as pairs of floats.
        if (g != null && g.dataType() != value.dataType()) {
            throw new IllegalArgumentException("setGrad(" + describe() + "): gradient has data type " + g.dataType()
                    + ", expected " + value.dataType() + " (the parameter's)");
        }
        grad = g;
    }

    String describe() {
        String what = label != null ? label : creator != null ? creator.op.name() + " output" : "tensor";
        return what + Arrays.toString(value.shape());
    }

    @Override
    public String toString() {
        return "Tensor(" + describe() + ", " + value.dataType() + (requiresGrad ? ", requiresGrad" : "") + ")";
    }
}
