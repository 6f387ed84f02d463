package org.myelin.nn;

import java.util.Map;
import org.myelin.MemoryLimit;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.FusedActivate;
import org.myelin.kernel.FusedDense;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A fully connected (dense, linear) layer {@code Z = X W + b} (CS 489 §9, Oxford ML FE1, CS 479 row-vector form).
 *
 * <p>Shapes: X {@code [B, in]}, parameter {@code weight} W {@code [in, out]}, parameter {@code bias} b
 * {@code [out]} (absent when built without bias), Z {@code [B, out]}. The weight is the transpose of the
 * column-vector notes' {@code W} (docs/notes.md, "Layout").
 *
 * <p>Initialisation lives in {@link #resetParameters(long)}: W from the weight initialiser with fan-in
 * {@code in} and fan-out {@code out} (default {@link Inits#xavierUniform()}), b from the bias initialiser
 * (default {@link Inits#zeros()}; {@link Inits#reluBias()} is the small positive bias of Oxford ML §3.2.1 for ReLU
 * units). W is drawn before b from one stream seeded with the given seed, so a seed fixes both bit for bit.
 */
public final class Dense extends Module implements ActivationFusing {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "dense";
    /** Weight initialiser used unless another is given: Xavier uniform. */
    public static final Init DEFAULT_WEIGHT_INIT = Inits.xavierUniform();
    /** Bias initialiser used unless another is given: zeros. */
    public static final Init DEFAULT_BIAS_INIT = Inits.zeros();

    private final long in;
    private final long out;
    private final DataType type;
    private final Init weightInit;
    private final Init biasInit;
    private final Tensor weight;
    private final Tensor bias;

    /** A layer with bias and the default initialisers, drawn with {@code seed}. */
    public Dense(long in, long out, DataType type, long seed) {
        this(in, out, true, type, DEFAULT_WEIGHT_INIT, DEFAULT_BIAS_INIT, seed);
    }

    /**
     * @param in         input features, {@code > 0}
     * @param out        output features, {@code > 0}
     * @param bias       whether the layer has a bias (leave it out before batch norm, whose shift takes its role)
     * @param type       FLOAT or DOUBLE, the type of the parameters and of the inputs the layer accepts
     * @param weightInit initialiser of W
     * @param biasInit   initialiser of b (unused without bias)
     * @param seed       seed of the initial values; the same seed gives bit-identical parameters
     */
    public Dense(long in, long out, boolean bias, DataType type, Init weightInit, Init biasInit, long seed) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Dense: sizes must be > 0, was in = " + in + ", out = " + out);
        }
        ModuleConfig.requireCountable("Dense", "weight", in, out);
        this.in = in;
        this.out = out;
        this.type = ModuleConfig.requireFloatType(describe(), type);
        if (weightInit == null || biasInit == null) {
            throw new IllegalArgumentException(describe() + ": initialisers must not be null");
        }
        this.weightInit = weightInit;
        this.biasInit = biasInit;
        ModuleConfig.requireWithinMemoryLimit(
                describe(),
                MemoryLimit.saturatedSum(MemoryLimit.saturatedProduct(in, out), bias ? out : 0),
                type,
                "parameters");
        this.weight = registerParameter("weight", Nd4j.create(type, in, out));
        this.bias = bias ? registerParameter("bias", Nd4j.create(type, out)) : null;
        resetParameters(seed);
    }

    /** A builder for the optional settings: {@code Dense.builder(784, 512).optBias(false).build()}. */
    public static Builder builder(long in, long out) {
        return new Builder(in, out);
    }

    /**
     * Draws fresh initial values into W (then b) from a stream seeded with {@code seed}, in place: tensors
     * already handed out (to an optimiser, say) see the new values. Clears the gradients.
     */
    public void resetParameters(long seed) {
        Random rng = Seeds.newRandom(seed);
        try {
            weight.value().assign(weightInit.sample(type, weight.shape(), in, out, rng));
            if (bias != null) {
                bias.value().assign(biasInit.sample(type, bias.shape(), in, out, rng));
            }
        } finally {
            Seeds.close(rng);
        }
        zeroGrad();
    }

    /** {@code X W + b}; Shapes: {@code [B, in] -> [B, out]}. */
    @Override
    public Tensor forward(Tensor input) {
        return forward(input, Activations.IDENTITY);
    }

    /**
     * {@code f(X W + b)}, the layer and the activation that follows it in one op ({@link FusedDense}: a gemm and
     * one fused bias-and-activation pass each way) where {@code f} is elementwise and the layer has a bias;
     * otherwise the layer's output goes through {@link Ops#activate}. {@link Sequential} calls this for a dense
     * layer followed by an {@link ActivationLayer}. Shapes: {@code [B, in] -> [B, out]}.
     */
    @Override
    public Tensor forward(Tensor input, Activation activation) {
        requireBatchInput(describe(), input, in, type);
        if (activation == null) { // a NullPointerException inside the op otherwise
            throw new IllegalArgumentException(
                    describe() + ": activation must not be null (Activations.IDENTITY for none)");
        }
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        if (bias != null && FusedDense.supports(activation)) {
            return Autograd.apply(new FusedDense(activation), input, weight, bias);
        }
        Tensor z = Ops.matmul(input, weight);
        z = bias == null ? z : Ops.biasAdd(z, bias);
        return activation == Activations.IDENTITY ? z : Autograd.apply(new FusedActivate(activation), z);
    }

    /**
     * The config of a dense layer: {@code in} and {@code out} sizes and {@code data_type} required; {@code bias}
     * (default true), {@code weight_init} and {@code bias_init} (initialiser names, defaults
     * {@link #DEFAULT_WEIGHT_INIT} and {@link #DEFAULT_BIAS_INIT}) optional.
     */
    public record Config(Number in, Number out, Boolean bias, String dataType, String weightInit, String biasInit) {
        public Config {
            in = ConfigValues.positive("in", in);
            out = ConfigValues.positive("out", out);
            bias = bias == null || bias;
            dataType = ConfigValues.dataType("data_type", dataType);
            weightInit = ConfigValues.init("weight_init", weightInit, DEFAULT_WEIGHT_INIT);
            biasInit = ConfigValues.init("bias_init", biasInit, DEFAULT_BIAS_INIT);
        }
    }

    /** {@code {"type":"dense","in":..,"out":..,"bias":..,"data_type":..,"weight_init":..,"bias_init":..}}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(
                TYPE,
                new Config(in, out, bias != null, ModuleConfig.dataTypeName(type), weightInit.name(), biasInit.name()));
    }

    static Dense fromConfig(Config c, LayerBuild build) {
        long in = c.in().longValue();
        long out = c.out().longValue();
        build.reserve("weight", in, out);
        if (c.bias()) {
            build.reserve("bias", out);
        }
        return new Dense(
                in,
                out,
                c.bias(),
                ConfigValues.parse(c.dataType()),
                Inits.byName(c.weightInit()),
                Inits.byName(c.biasInit()),
                build.seed());
    }

    /** The weight W {@code [in, out]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias b {@code [out]}, or {@code null} for a layer without bias. */
    public Tensor bias() {
        return bias;
    }

    public long in() {
        return in;
    }

    public long out() {
        return out;
    }

    public boolean hasBias() {
        return bias != null;
    }

    public DataType dataType() {
        return type;
    }

    public Init weightInit() {
        return weightInit;
    }

    public Init biasInit() {
        return biasInit;
    }

    private String describe() {
        return "Dense[" + in + "->" + out + "]";
    }

    @Override
    public String toString() {
        return describe() + (bias == null ? " (no bias)" : "");
    }

    /** Optional settings of a {@link Dense} layer; required sizes are given to {@link Dense#builder}. */
    public static final class Builder {
        private final long in;
        private final long out;
        private boolean bias = true;
        private DataType type = DataType.FLOAT;
        private Init weightInit = DEFAULT_WEIGHT_INIT;
        private Init biasInit = DEFAULT_BIAS_INIT;
        private long seed;

        private Builder(long in, long out) {
            this.in = in;
            this.out = out;
        }

        /** Whether the layer has a bias (default true). */
        public Builder optBias(boolean on) {
            this.bias = on;
            return this;
        }

        /** Parameter data type (default FLOAT). */
        public Builder optDataType(DataType t) {
            this.type = t;
            return this;
        }

        /** Weight initialiser (default {@link Dense#DEFAULT_WEIGHT_INIT}). */
        public Builder optWeightInit(Init init) {
            this.weightInit = init;
            return this;
        }

        /** Bias initialiser (default {@link Dense#DEFAULT_BIAS_INIT}). */
        public Builder optBiasInit(Init init) {
            this.biasInit = init;
            return this;
        }

        /** Seed of the initial values (default 0). */
        public Builder optSeed(long s) {
            this.seed = s;
            return this;
        }

        public Dense build() {
            return new Dense(in, out, bias, type, weightInit, biasInit, seed);
        }
    }
}
