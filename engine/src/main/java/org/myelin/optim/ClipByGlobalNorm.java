package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradient clipping by global norm (Oxford ML "Other ideas"; Pascanu et al. 2013; see docs/notes.md): with
 * {@code N = sqrt(sum over parameters of ||g||^2)}, if {@code N > c} every gradient is scaled by {@code c / N}, in
 * place, so the direction is kept and the global norm becomes {@code c}. PyTorch's {@code clip_grad_norm_} scales by
 * {@code c / (N + 1e-6)} instead, so its clipped norm falls short of {@code c} by a relative {@code 1e-6 / N}.
 *
 * <p>{@link #apply} returns {@code N}, the global norm before clipping, for the trainer to log. If {@code N} is
 * not finite (a NaN or infinite gradient), the gradients are left unchanged and the non-finite norm is returned:
 * scaling would not repair them, and the caller decides (skip the step, stop).
 */
public final class ClipByGlobalNorm implements GradientTransform {
    private final double maxNorm;

    public ClipByGlobalNorm(double maxNorm) {
        this.maxNorm = Preconditions.positive("ClipByGlobalNorm", "max norm", maxNorm);
    }

    public double maxNorm() {
        return maxNorm;
    }

    /** The global norm {@code sqrt(sum ||g||^2)} of the gradients present, without changing them. */
    public static double globalNorm(Map<String, Tensor> parameters) {
        double sumSq = 0;
        for (Tensor t : parameters.values()) {
            INDArray grad = t.grad();
            if (grad != null) {
                double n = grad.norm2Number().doubleValue();
                sumSq += n * n;
            }
        }
        return Math.sqrt(sumSq);
    }

    @Override
    public double apply(Map<String, Tensor> parameters) {
        double norm = globalNorm(parameters);
        if (Double.isFinite(norm) && norm > maxNorm) {
            double scale = maxNorm / norm;
            for (Tensor t : parameters.values()) {
                if (t.grad() != null) {
                    t.grad().muli(scale);
                }
            }
        }
        return norm;
    }
}
