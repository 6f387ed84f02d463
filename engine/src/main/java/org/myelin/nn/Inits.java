package org.myelin.nn;

import java.util.function.Function;
import java.util.function.Supplier;
import org.myelin.ConfigurationException;
import org.myelin.config.NameWithArguments;
import org.myelin.config.Registry;
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

    private Inits() {}

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
        // b - a must be finite too: uniform(-Double.MAX_VALUE, Double.MAX_VALUE) drew infinite weights.
        if (!(Double.isFinite(a) && Double.isFinite(b) && a < b && Double.isFinite(b - a))) {
            throw new IllegalArgumentException(
                    "Inits.uniform: bounds must be finite with a < b and b - a finite, was a = " + a + ", b = " + b);
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
            throw new IllegalArgumentException(
                    "Inits.normal: mean must be finite and std finite and > 0, was mean = " + mean + ", std = " + std);
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
                double a = Math.sqrt(
                        6.0 / (requirePositive(name(), "fan-in", fanIn) + requirePositive(name(), "fan-out", fanOut)));
                return drawUniform(type, shape, -a, a, rng);
            }
        };
    }

    /** Xavier/Glorot normal: {@code N(0, 2 / (fanIn + fanOut))}. */
    public static Init xavierNormal() {
        return new Named("xavier_normal") {
            @Override
            public INDArray sample(DataType type, long[] shape, long fanIn, long fanOut, Random rng) {
                double std = Math.sqrt(
                        2.0 / (requirePositive(name(), "fan-in", fanIn) + requirePositive(name(), "fan-out", fanOut)));
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
     * Builds an initialiser from the {@code arity} numbers given after its name ({@code uniform(-1, 1)}:
     * {@code [-1, 1]}).
     */
    public record Factory(int arity, Function<double[], Init> make) {}

    private static Factory plain(Supplier<Init> init) {
        return new Factory(0, a -> init.get());
    }

    /**
     * The initialisers by name, with their help lines; {@code constant}, {@code uniform} and {@code normal} take
     * their numbers in parentheses ({@code uniform(-1, 1)}).
     */
    public static final Registry<Factory> NAMES = new Registry<Factory>("initialiser")
            .register("zeros", "all zeros", plain(() -> zeros()))
            .register("ones", "all ones", plain(() -> constant(1.0)))
            .register("constant", "constant(C): every entry C", new Factory(1, a -> constant(a[0])))
            .register("uniform", "uniform(A,B): U(A, B)", new Factory(2, a -> uniform(a[0], a[1])))
            .register("normal", "normal(MEAN,STD): N(MEAN, STD^2)", new Factory(2, a -> normal(a[0], a[1])))
            .register("lecun_normal", "N(0, 1/fan_in)", plain(() -> lecunNormal()))
            .register("xavier_uniform", "U(-a, a), a = sqrt(6 / (fan_in + fan_out))", plain(() -> xavierUniform()))
            .register("glorot_uniform", "xavier_uniform", plain(() -> xavierUniform()))
            .register("xavier_normal", "N(0, 2 / (fan_in + fan_out))", plain(() -> xavierNormal()))
            .register("glorot_normal", "xavier_normal", plain(() -> xavierNormal()))
            .register("he_normal", "N(0, 2/fan_in)", plain(() -> heNormal()))
            .register("kaiming_normal", "he_normal", plain(() -> heNormal()))
            .register("he_uniform", "U(-a, a), a = sqrt(6/fan_in)", plain(() -> heUniform()))
            .register("kaiming_uniform", "he_uniform", plain(() -> heUniform()));

    /**
     * The initialiser named {@code name}, as returned by {@link Init#name()}: one of {@link #NAMES}
     * ({@code glorot_*} and {@code kaiming_*} are synonyms), {@code constant(C)}, {@code uniform(A,B)} and
     * {@code normal(MEAN,STD)} with their numbers.
     *
     * @throws IllegalArgumentException naming the initialiser and the closest known one, or listing them
     */
    public static Init byName(String name) {
        try {
            return byName("", name);
        } catch (ConfigurationException e) {
            // Called from code, not from a config: a caller's bad argument.
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** {@link #byName(String)} whose errors start with {@code path}, the config key that held the name. */
    public static Init byName(String path, String name) {
        if (name == null) {
            throw new ConfigurationException(path, "initialiser missing; expected one of " + NAMES.names());
        }
        NameWithArguments call = NameWithArguments.parse(path, "initialiser", name);
        Factory f = NAMES.get(path, call.name());
        try {
            return f.make().apply(call.require(path, "initialiser", name, f.arity()));
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(path, "initialiser '" + name + "': " + e.getMessage());
        }
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
