package org.myelin.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.myelin.optim.ClipByGlobalNorm;
import org.myelin.optim.ClipByValue;
import org.myelin.optim.GradientTransform;
import org.myelin.optim.L1Penalty;
import org.myelin.optim.L2Penalty;
import org.myelin.optim.MaxNormConstraint;
import org.myelin.train.JobConfig;

/**
 * The regularisation of a distributed run as numbers, so that driver and executors build the same engine objects
 * from it (the engine's transforms are not serializable): L2 and L1 penalties, clipping by value and by global
 * norm (gradient transforms, applied in that order after backward), and a max-norm constraint (after each step).
 * 0 switches one off. The same keys as the job config's {@code regularization} section.
 */
public record Regularization(double l2, double l1, double clipValue, double clipNorm, double maxNorm)
        implements Serializable {

    /** No regularisation. */
    public static final Regularization NONE = new Regularization(0, 0, 0, 0, 0);

    public Regularization {
        check("l2", l2);
        check("l1", l1);
        check("clip_value", clipValue);
        check("clip_norm", clipNorm);
        check("max_norm", maxNorm);
    }

    private static void check(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("Regularization: " + name + " must be >= 0 and finite, was " + v);
        }
    }

    /** From a job config's {@code regularization} section, bound and checked by {@link JobConfig}. */
    public static Regularization fromConfig(JobConfig.Regularization r) {
        return new Regularization(r.l2(), r.l1(), r.clipValue(), r.clipNorm(), r.maxNorm());
    }

    /** The gradient transforms, in the order the engine's training job applies them. */
    public List<GradientTransform> transforms() {
        List<GradientTransform> t = new ArrayList<>();
        if (l2 > 0) {
            t.add(new L2Penalty(l2));
        }
        if (l1 > 0) {
            t.add(new L1Penalty(l1));
        }
        if (clipValue > 0) {
            t.add(new ClipByValue(clipValue));
        }
        if (clipNorm > 0) {
            t.add(new ClipByGlobalNorm(clipNorm));
        }
        return t;
    }

    /** The constraints applied after each optimiser step. */
    public List<MaxNormConstraint> constraints() {
        return maxNorm > 0 ? List.of(new MaxNormConstraint(maxNorm)) : List.of();
    }
}
