package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Gradient clipping by value (Oxford ML "Other ideas": a gradient of large magnitude is clipped to lie in a range; see
 * docs/notes.md): every gradient element is clamped to {@code [-c, c]}, in place, for every parameter.
 *
 * <p>{@link #apply} returns the largest absolute gradient element before clipping ({@code 0} if no parameter has
 * a gradient).
 */
public final class ClipByValue implements GradientTransform {
    private final double clipValue;

    public ClipByValue(double clipValue) {
        this.clipValue = Preconditions.positive("ClipByValue", "clip value", clipValue);
    }

    public double clipValue() {
        return clipValue;
    }

    @Override
    public double apply(Map<String, Tensor> parameters) {
        double largest = 0;
        for (Tensor t : parameters.values()) {
            INDArray grad = t.grad();
            if (grad == null) {
                continue;
            }
            largest = Math.max(largest, grad.amaxNumber().doubleValue());
            Transforms.min(Transforms.max(grad, -clipValue, false), clipValue, false);
        }
        return largest;
    }
}
