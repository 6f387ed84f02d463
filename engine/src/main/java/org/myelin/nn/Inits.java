package org.myelin.nn;

import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The initialisers of the notes (Duke slides, Oxford ML §3.2.1, MIT 6.390 §6.6; see docs/notes.md) and the standard
 * fan-scaled ones.
 *
 * <p>Zeros and constants are exact and deterministic; they leave every unit of a layer identical, the
 * symmetry problem of Duke slides and Oxford ML §3.2.1 (use them for biases, or to demonstrate the problem). The random
 * ones draw from the {@link Random} given to {@link Init#sample}. With fan-in {@code D} and fan-out {@code F}:
 * <ul>
 *   <li>{@link #lecunNormal()}: {@code N(0, 1/D)}, the rule of Oxford ML §3.2.1 for sigmoid (and ReLU) units;</li>
 *   <li>{@link #xavierUniform()}: {@code U(-a, a)}, {@code a = sqrt(6 / (D + F))}; {@link #xavierNormal()}:
 *       {@code N(0, 2 / (D + F))} (Glorot and Bengio 2010; "Xavier" of Duke slides);</li>
 *   <li>{@link #heNormal()}: {@code N(0, 2/D)}; {@link #heUniform()}: {@code U(-a, a)}, {@code a = sqrt(6/D)}
 *       (He et al. 2015, for ReLU layers; "He" of Duke slides).</li>
 * </ul>
 * {@code N(m, v)} is written with its variance; the standard deviation is its square root.
 */
public final class Inits {

    /** The small positive bias Oxford ML §3.2.1 (see docs/notes.md) recommends for ReLU units, so most start out of the flat region. */
    public static final double RELU_BIAS = 0.01;

    private static final Init ZEROS = new Named("zeros") {
        @Override
        public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
            return Nd4j.zeros(type, shape);
        }
    };

    private Inits() {
    }

    /** All zeros (the usual bias initialiser; as a weight initialiser it cannot break symmetry, Duke slides; see docs/notes.md). */
    public static Init zeros() {
        return ZEROS;
    }

    /** Every entry equal to {@code c}, finite. */
    public static Init constant(double c) {
        if (!Double.isFinite(c)) {
            throw new IllegalArgumentException("Inits.constant: value must be finite, was " + c);
        }
        return new Named("constant(" + c + ")") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                return Nd4j.valueArrayOf(shape, c, type);
            }
        };
    }

    /** {@code constant(RELU_BIAS)}: the small positive bias for ReLU units of Oxford ML §3.2.1 (see docs/notes.md). */
    public static Init reluBias() {
        return constant(RELU_BIAS);
    }

    /** Uniform on {@code [a, b)}, finite with {@code a < b}. */
    public static Init uniform(double a, double b) {
        if (!(Double.isFinite(a) && Double.isFinite(b) && a < b)) {
            throw new IllegalArgumentException("Inits.uniform: bounds must be finite with a < b, was a = " + a
                    + ", b = " + b);
        }
        return new Named("uniform(" + a + "," + b + ")") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                return drawUniform(type, shape, a, b, rng);
            }
        };
    }

    /** Normal with mean {@code mean} and standard deviation {@code std > 0}. */
    public static Init normal(double mean, double std) {
        if (!(Double.isFinite(mean) && Double.isFinite(std) && std > 0)) {
            throw new IllegalArgumentException("Inits.normal: mean must be finite and std finite and > 0, was mean = "
                    + mean + ", std = " + std);
        }
        return new Named("normal(" + mean + "," + std + ")") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                return drawNormal(type, shape, mean, std, rng);
            }
        };
    }

    /** {@code N(0, 1/D)} with D the fan-in: the initialisation of Oxford ML §3.2.1 (LeCun normal; see docs/notes.md). */
    public static Init lecunNormal() {
        return new Named("lecun_normal") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                return drawNormal(type, shape, 0.0, Math.sqrt(1.0 / requirePositive(name(), "fan-in", fanIn)), rng);
            }
        };
    }

    /** Xavier/Glorot uniform: {@code U(-a, a)} with {@code a = sqrt(6 / (fanIn + fanOut))}. */
    public static Init xavierUniform() {
        return new Named("xavier_uniform") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                double a = Math.sqrt(6.0 / (requirePositive(name(), "fan-in", fanIn)
                        + requirePositive(name(), "fan-out", fanOut)));
                return drawUniform(type, shape, -a, a, rng);
            }
        };
    }

    /** Xavier/Glorot normal: {@code N(0, 2 / (fanIn + fanOut))}. */
    public static Init xavierNormal() {
        return new Named("xavier_normal") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                double std = Math.sqrt(2.0 / (requirePositive(name(), "fan-in", fanIn)
                        + requirePositive(name(), "fan-out", fanOut)));
                return drawNormal(type, shape, 0.0, std, rng);
            }
        };
    }

    /** He/Kaiming normal for ReLU layers: {@code N(0, 2 / fanIn)}. */
    public static Init heNormal() {
        return new Named("he_normal") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                return drawNormal(type, shape, 0.0, Math.sqrt(2.0 / requirePositive(name(), "fan-in", fanIn)), rng);
            }
        };
    }

    /** He/Kaiming uniform for ReLU layers: {@code U(-a, a)} with {@code a = sqrt(6 / fanIn)}. */
    public static Init heUniform() {
        return new Named("he_uniform") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                double a = Math.sqrt(6.0 / requirePositive(name(), "fan-in", fanIn));
                return drawUniform(type, shape, -a, a, rng);
            }
        };
    }

    /**
     * The initialiser named {@code name}, as returned by {@link Init#name()}: {@code zeros}, {@code ones},
     * {@code constant(C)}, {@code uniform(A,B)}, {@code normal(MEAN,STD)}, {@code lecun_normal},
     * {@code xavier_uniform}, {@code xavier_normal}, {@code he_normal}, {@code he_uniform} ({@code glorot_*}
     * and {@code kaiming_*} are accepted as synonyms).
     *
     * @throws IllegalArgumentException naming the initialiser and listing the known ones
     */
    public static Init byName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("Inits.byName: name must not be null");
        }
        String n = name.replace(" ", "").toLowerCase(Locale.ROOT);
        switch (n) {
            case "zeros":
                return zeros();
            case "ones":
                return constant(1.0);
            case "lecun_normal":
                return lecunNormal();
            case "xavier_uniform":
            case "glorot_uniform":
                return xavierUniform();
            case "xavier_normal":
            case "glorot_normal":
                return xavierNormal();
            case "he_normal":
            case "kaiming_normal":
                return heNormal();
            case "he_uniform":
            case "kaiming_uniform":
                return heUniform();
            default:
                break;
        }
        if (n.startsWith("constant(") && n.endsWith(")")) {
            double[] args = arguments(name, n, "constant", 1);
            return constant(args[0]);
        }
        if (n.startsWith("uniform(") && n.endsWith(")")) {
            double[] args = arguments(name, n, "uniform", 2);
            return uniform(args[0], args[1]);
        }
        if (n.startsWith("normal(") && n.endsWith(")")) {
            double[] args = arguments(name, n, "normal", 2);
            return normal(args[0], args[1]);
        }
        throw new IllegalArgumentException("unknown initialiser '" + name + "'; expected one of zeros, ones,"
                + " constant(C), uniform(A,B), normal(MEAN,STD), lecun_normal, xavier_uniform, xavier_normal,"
                + " he_normal, he_uniform");
    }

    private static double[] arguments(String original, String n, String function, int count) {
        String inner = n.substring(function.length() + 1, n.length() - 1);
        String[] parts = inner.split(",", -1);
        if (parts.length != count) {
            throw new IllegalArgumentException("initialiser '" + original + "': " + function + " takes " + count
                    + " argument(s), was given " + parts.length);
        }
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            try {
                out[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("initialiser '" + original + "': argument '" + parts[i]
                        + "' is not a number");
            }
        }
        return out;
    }

    private static long requirePositive(String init, String what, long fan) {
        if (fan <= 0) {
            throw new IllegalArgumentException(init + ": " + what + " must be > 0, was " + fan);
        }
        return fan;
    }

    private static INDArray drawUniform(DataType type, long[] shape, double a, double b, Random rng) {
        INDArray out = Nd4j.createUninitialized(type, shape, 'c');
        Nd4j.getExecutioner().exec(new UniformDistribution(out, a, b), rng);
        return out;
    }

    private static INDArray drawNormal(DataType type, long[] shape, double mean, double std, Random rng) {
        INDArray out = Nd4j.createUninitialized(type, shape, 'c');
        Nd4j.getExecutioner().exec(new GaussianDistribution(out, mean, std), rng);
        return out;
    }

    /** Initialisers are values identified by their name. */
    private abstract static class Named implements Init {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public final String name() {
            return name;
        }

        @Override
        public final boolean equals(Object o) {
            return o instanceof Named && ((Named) o).name.equals(name);
        }

        @Override
        public final int hashCode() {
            return name.hashCode();
        }

        @Override
        public final String toString() {
            return name;
        }
    }
}
