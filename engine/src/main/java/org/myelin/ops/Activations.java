package org.myelin.ops;

import org.myelin.ConfigurationException;
import org.myelin.config.NameWithArguments;
import org.myelin.config.Registry;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Every activation of the notes (CS 489 §3.1-3.2 and §6.3, CS 479 §1.5, MIT 6.390 §6.5.12; see docs/notes.md).
 * Elementwise ones act on each entry; softmax and one-hot act on each row of a {@code [B, n]} batch.
 */
public final class Activations {

    private Activations() {}

    /** Logistic sigmoid {@code 1 / (1 + e^-z)}; {@code f' = a (1 - a) = e / (1 + e)^2}, {@code e = exp(-|z|)}. */
    public static final Activation LOGISTIC = new Elementwise("logistic") {
        @Override
        public INDArray forward(INDArray z) {
            return Transforms.sigmoid(z, true);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            if (z == null) {
                return a.rsub(1.0).muli(a).muli(gradOut); // from the saved output alone (its tails cancel to 0)
            }
            // e / (1 + e)^2 with e = exp(-|z|), as the native kernels: a (1 - a) cancels to 0 once a rounds to 1
            // (z > 37 in float64), where the derivative is still e^-z (1.9e-22 at z = 50).
            INDArray e = Transforms.exp(Transforms.abs(z, true).negi(), false);
            INDArray t = e.add(1.0);
            return e.divi(t.muli(t)).muli(gradOut);
        }
    };

    /** Hyperbolic tangent; {@code f' = 1 - a^2 = 4e / (1 + e)^2}, {@code e = exp(-2|z|)}. */
    public static final Activation TANH = new Elementwise("tanh") {
        @Override
        public INDArray forward(INDArray z) {
            return Transforms.tanh(z, true);
        }

        @Override
        public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
            if (z == null) {
                return a.mul(a).rsubi(1.0).muli(gradOut); // from the saved output alone (its tails cancel to 0)
            }
            // 4e / (1 + e)^2 with e = exp(-2|z|), as the native kernels: 1 - a^2 cancels to 0 once |a| rounds to 1
            // (|z| > 19 in float64), where the derivative is still 4 e^-2|z| (1.7e-17 at |z| = 20).
            INDArray e = Transforms.exp(Transforms.abs(z, true).muli(-2.0), false);
            INDArray t = e.add(1.0);
            return e.muli(4.0).divi(t.muli(t)).muli(gradOut);
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

    /** Builds an activation from the numbers given after its name ({@code leaky_relu(0.05)}: {@code [0.05]}). */
    @FunctionalInterface
    public interface Factory {
        Activation create(String path, String text, NameWithArguments call);
    }

    private static Factory fixed(Activation a) {
        return (path, text, call) -> {
            call.require(path, "activation", text, 0);
            return a;
        };
    }

    /**
     * The activations by name, with their help lines; a name may carry arguments in parentheses
     * ({@code leaky_relu(0.05)}).
     */
    public static final Registry<Factory> NAMES = new Registry<Factory>("activation")
            .register("logistic", "1 / (1 + e^-z)", fixed(LOGISTIC))
            .register("sigmoid", "the logistic function", fixed(LOGISTIC))
            .register("tanh", "hyperbolic tangent", fixed(TANH))
            .register("arctan", "arc tangent", fixed(ARCTAN))
            .register("threshold", "1 where z >= 0, else 0 (no gradient)", fixed(THRESHOLD))
            .register("step", "the threshold function", fixed(THRESHOLD))
            .register("relu", "max(0, z)", fixed(RELU))
            .register(
                    "leaky_relu",
                    "z where z >= 0, else slope z; leaky_relu(SLOPE), slope in [0, 1), default "
                            + LeakyRelu.DEFAULT_SLOPE,
                    (path, text, call) -> leakyRelu(
                            path,
                            text,
                            call.arguments().length == 0
                                    ? LeakyRelu.DEFAULT_SLOPE
                                    : call.require(path, "activation", text, 1)[0]))
            .register("identity", "z", fixed(IDENTITY))
            .register("linear", "the identity", fixed(IDENTITY))
            .register("softmax", "e^z / sum(e^z) over each row", fixed(SOFTMAX))
            .register("one_hot", "one-hot of each row's arg-max (forward only)", fixed(ONE_HOT))
            .register("onehot", "one_hot", fixed(ONE_HOT))
            .register("hardmax", "one_hot", fixed(ONE_HOT));

    private static Activation leakyRelu(String path, String text, double slope) {
        try {
            return leakyRelu(slope);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(path, "activation '" + text + "': " + e.getMessage());
        }
    }

    /** The activation named {@code name} (as returned by {@link Activation#name()}), e.g. "relu", "leaky_relu(0.01)". */
    public static Activation byName(String name) {
        try {
            return byName("", name);
        } catch (ConfigurationException e) {
            // Called from code, not from a config: a caller's bad argument.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The activation named {@code name}; errors start with {@code path}, the config key that held the name
     * ({@code model.activation: unknown activation 'rleu'; did you mean relu?}).
     *
     * @throws ConfigurationException for an unknown name or invalid arguments
     */
    public static Activation byName(String path, String name) {
        if (name == null) {
            throw new ConfigurationException(path, "activation missing; expected one of " + NAMES.names());
        }
        NameWithArguments call = NameWithArguments.parse(path, "activation", name.trim());
        return NAMES.get(path, call.name()).create(path, name, call);
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
