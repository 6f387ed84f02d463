package org.myelin.ops;

import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Every activation of the notes (CS 489 §3.1-3.2 and §6.3, CS 479 §1.5, MIT 6.390 §6.5.12; see docs/notes.md).
 * Elementwise ones act on each entry; softmax and one-hot act on each row of a {@code [B, n]} batch.
 */
public final class Activations {

    private Activations() {
    }

    /** Logistic sigmoid {@code 1 / (1 + e^-z)}; {@code f' = a (1 - a)}. */
    public static final Activation LOGISTIC = new Elementwise("logistic") {
        @Override
        public INDArray forward(INDArray z) {
            return Transforms.sigmoid(z, true);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            return a.rsub(1.0).muli(a).muli(gradOut);
        }
    };

    /** Hyperbolic tangent; {@code f' = 1 - a^2}. */
    public static final Activation TANH = new Elementwise("tanh") {
        @Override
        public INDArray forward(INDArray z) {
            return Transforms.tanh(z, true);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            return a.mul(a).rsubi(1.0).muli(gradOut);
        }
    };

    /** Arctangent; {@code f' = 1 / (1 + z^2)}. */
    public static final Activation ARCTAN = new Elementwise("arctan") {
        @Override
        public INDArray forward(INDArray z) {
            return Transforms.atan(z, true);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            return gradOut.div(z.mul(z).addi(1.0));
        }
    };

    /**
     * Threshold (step) {@code f(z) = 1 if z >= 0 else 0} (CS 489 §3.1, MIT 6.390 §6.5.12; see docs/notes.md); its
     * derivative is 0 wherever it exists, so no gradient flows through it (MIT 6.390 §6.5.12).
     */
    public static final Activation THRESHOLD = new Elementwise("threshold") {
        @Override
        public INDArray forward(INDArray z) {
            return step(z);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            return Nd4j.zeros(gradOut.dataType(), gradOut.shape());
        }
    };

    /** Rectified linear unit {@code max(0, z)}; {@code f' = step(z)}, so 1 at z = 0 as in the notes (MIT 6.390 eq. 6.33; see docs/notes.md). */
    public static final Activation RELU = new Elementwise("relu") {
        @Override
        public INDArray forward(INDArray z) {
            return Transforms.relu(z, true);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            return step(z).muli(gradOut);
        }
    };

    /** Identity {@code f(z) = z}; {@code f' = 1}. */
    public static final Activation IDENTITY = new Elementwise("identity") {
        @Override
        public INDArray forward(INDArray z) {
            return z.dup();
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            return gradOut.dup();
        }
    };

    /** Row-wise softmax {@code a_i = e^(z_i) / sum_j e^(z_j)}; see {@link Softmax}. */
    public static final Activation SOFTMAX = new Softmax();

    /** Row-wise one-hot of the arg-max (hardmax); forward only. */
    public static final Activation ONE_HOT = new OneHot();

    /**
     * Leaky ReLU {@code f(z) = z if z >= 0 else slope z} (CS 479 §1.5; see docs/notes.md); {@code f' = 1 or slope}.
     *
     * @param slope the slope for negative inputs, finite and in [0, 1)
     */
    public static Activation leakyRelu(double slope) {
        return new LeakyRelu(slope);
    }

    /** The activation named {@code name} (as returned by {@link Activation#name()}), e.g. "relu", "leaky_relu(0.01)". */
    public static Activation byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "logistic":
            case "sigmoid":
                return LOGISTIC;
            case "tanh":
                return TANH;
            case "arctan":
                return ARCTAN;
            case "threshold":
            case "step":
                return THRESHOLD;
            case "relu":
                return RELU;
            case "identity":
            case "linear":
                return IDENTITY;
            case "softmax":
                return SOFTMAX;
            case "one_hot":
            case "onehot":
            case "hardmax":
                return ONE_HOT;
            case "leaky_relu":
                return leakyRelu(LeakyRelu.DEFAULT_SLOPE);
            default:
                if (n.startsWith("leaky_relu(") && n.endsWith(")")) {
                    String arg = n.substring("leaky_relu(".length(), n.length() - 1);
                    try {
                        return leakyRelu(Double.parseDouble(arg));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("activation '" + name + "': slope '" + arg
                                + "' is not a number");
                    }
                }
                throw new IllegalArgumentException("unknown activation '" + name + "'; expected one of logistic,"
                        + " tanh, arctan, threshold, relu, leaky_relu(SLOPE), identity, softmax, one_hot");
        }
    }

    /** {@code 1.0 where z >= 0 else 0.0}, a fresh array of z's type. */
    static INDArray step(INDArray z) {
        // A comparison and a cast: two native passes. (putWhereWithMask was ~40x slower on [128, 512].)
        return z.gte(0.0).castTo(z.dataType());
    }

    private abstract static class Elementwise implements Activation {
        private final String name;

        Elementwise(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Leaky ReLU with its slope; created by {@link #leakyRelu(double)}. */
    public static final class LeakyRelu extends Elementwise {
        static final double DEFAULT_SLOPE = 0.01;
        private final double slope;

        LeakyRelu(double slope) {
            super("leaky_relu(" + slope + ")");
            if (!(slope >= 0 && slope < 1)) {
                throw new IllegalArgumentException("leaky_relu: slope must be in [0, 1), was " + slope);
            }
            this.slope = slope;
        }

        /** The slope for negative inputs, in [0, 1). */
        public double slope() {
            return slope;
        }

        @Override
        public INDArray forward(INDArray z) {
            return Transforms.leakyRelu(z, slope, true);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            // f' = slope + (1 - slope) step(z)
            INDArray local = step(z).muli(1.0 - slope).addi(slope);
            return local.muli(gradOut);
        }
    }

}
