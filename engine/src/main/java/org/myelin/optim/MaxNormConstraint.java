package org.myelin.optim;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Predicate;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Max-norm constraint (Oxford ML "Other ideas": hard constraints on the weights rather than a soft penalty; Srivastava
 * et al. 2014; see docs/notes.md), applied to the parameters after {@link Optimizer#step()}: each unit's incoming
 * weight vector is rescaled to norm {@code <= c}, {@code w_j <- w_j min(1, c / ||w_j||)}, in place.
 *
 * <p>Shapes: a weight {@code W [in, out]} (row-major batches, {@code Z = X W + b}) has unit {@code j}'s incoming
 * weights in column {@code j}; a vector weight {@code [n]} (one weight per unit, e.g. a normalisation gain) is
 * clamped elementwise to {@code [-c, c]}. Other ranks are rejected. Default selection: weights only
 * ({@link ParameterSelection#weights()}).
 */
public final class MaxNormConstraint {
    private final double maxNorm;
    private final Predicate<String> selection;

    public MaxNormConstraint(double maxNorm, Predicate<String> selection) {
        this.maxNorm = Preconditions.positive("MaxNormConstraint", "max norm", maxNorm);
        if (selection == null) {
            throw new IllegalArgumentException("MaxNormConstraint: selection must not be null");
        }
        this.selection = selection;
    }

    /** The constraint on weights only. */
    public MaxNormConstraint(double maxNorm) {
        this(maxNorm, ParameterSelection.weights());
    }

    public double maxNorm() {
        return maxNorm;
    }

    /** Rescales the selected parameters in place; returns how many columns (units) were rescaled. */
    public long apply(Map<String, Tensor> parameters) {
        long rescaled = 0;
        for (Map.Entry<String, Tensor> e : parameters.entrySet()) {
            if (!selection.test(e.getKey())) {
                continue;
            }
            INDArray w = e.getValue().value();
            if (w.rank() == 1) {
                rescaled += Transforms.abs(w, true)
                        .gt(maxNorm)
                        .castTo(DataType.INT64)
                        .sumNumber()
                        .longValue();
                Transforms.min(Transforms.max(w, -maxNorm, false), maxNorm, false);
            } else if (w.rank() == 2) {
                INDArray norms = w.norm2(0);
                long over = norms.gt(maxNorm).castTo(DataType.INT64).sumNumber().longValue();
                if (over > 0) {
                    // scale_j = min(1, c / ||w_j||); a zero column gives c / 0 = inf, so scale 1.
                    INDArray scale = Transforms.min(norms.rdivi(maxNorm), 1.0, false);
                    w.muliRowVector(scale);
                    rescaled += over;
                }
            } else {
                throw new IllegalArgumentException("MaxNormConstraint: parameter '" + e.getKey() + "' has shape "
                        + Arrays.toString(w.shape()) + ", expected a weight [in, out] or a vector [n]");
            }
        }
        return rescaled;
    }
}
