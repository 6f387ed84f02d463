package org.myelin.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Op;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One application of one op to concrete inputs, for the per-op tests: a fresh op from {@code op} applied to
 * {@code inputs}, where the differentiable ones become parameters and the others (loss targets) constants.
 *
 * @param name           what the case is, shown as the test name
 * @param op             makes a fresh op instance per application (ops are single-use)
 * @param inputs         the input values, in the op's order
 * @param differentiable which inputs are checked (the others get no gradient: loss targets)
 * @param activation     the activation an {@link Activate} case applies, else {@code null}
 * @param zeroGradient   whether the op's derivative is 0 everywhere it exists (threshold)
 */
record OpCase(
        String name,
        Supplier<Op> op,
        INDArray[] inputs,
        boolean[] differentiable,
        Activation activation,
        boolean zeroGradient) {

    static OpCase of(String name, Supplier<Op> op, INDArray... inputs) {
        boolean[] all = new boolean[inputs.length];
        java.util.Arrays.fill(all, true);
        return new OpCase(name, op, inputs, all, null, false);
    }

    /** A loss: input 0 (prediction) is checked, input 1 (target) is a constant. */
    static OpCase loss(String name, Supplier<Op> op, INDArray prediction, INDArray target) {
        return new OpCase(name, op, new INDArray[] {prediction, target}, new boolean[] {true, false}, null, false);
    }

    static OpCase activation(Activation f, INDArray z) {
        return new OpCase(
                "Activate[" + f.name() + "] " + Shapes.str(z.shape()),
                () -> new Activate(f),
                new INDArray[] {z},
                new boolean[] {true},
                f,
                false);
    }

    OpCase withZeroGradient() {
        return new OpCase(name, op, inputs, differentiable, activation, true);
    }

    /** The class of the op this case applies. */
    Class<? extends Op> opClass() {
        return op.get().getClass();
    }

    /** The checked inputs, in order: the arguments {@link #function()} expects. */
    INDArray[] checkedInputs() {
        List<INDArray> out = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            if (differentiable[i]) {
                out.add(inputs[i]);
            }
        }
        return out.toArray(new INDArray[0]);
    }

    /** The op as a function of the checked inputs; the other inputs enter as constants. */
    Function<Tensor[], Tensor> function() {
        return checked -> Autograd.apply(op.get(), tensors(checked));
    }

    /** All inputs as tensors: {@code checked} where differentiable, constants elsewhere. */
    Tensor[] tensors(Tensor[] checked) {
        Tensor[] all = new Tensor[inputs.length];
        int k = 0;
        for (int i = 0; i < inputs.length; i++) {
            all[i] = differentiable[i] ? checked[k++] : Tensor.constant(inputs[i]);
        }
        return all;
    }

    @Override
    public String toString() {
        return name;
    }
}
