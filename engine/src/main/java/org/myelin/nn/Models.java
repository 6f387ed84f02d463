package org.myelin.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ready-made architectures for the common cases the trainer and command line use.
 *
 * <p>Reproducibility: layer {@code i} of the returned {@link Sequential} is built with seed
 * {@code Seeds.child(seed, i)}, the same derivation {@link Modules#fromConfig(java.util.Map, long)} uses, so
 * the same arguments give bit-identical weights, and {@code Modules.fromConfig(model.config(), seed)} rebuilds
 * the same initial model.
 */
public final class Models {

    private static final Logger log = LoggerFactory.getLogger(Models.class);

    private Models() {
    }

    /**
     * A multilayer perceptron {@code sizes[0] -> sizes[1] -> ... -> sizes[k]}: Dense layers with the
     * {@code hidden} activation after every one but the last, which produces logits (no output activation:
     * pair it with a fused loss such as softmax cross-entropy). Biases start at zero.
     *
     * @param sizes input size, hidden sizes, output size: at least two, each {@code > 0}
     */
    public static Sequential mlp(DataType type, long seed, Activation hidden, Init weightInit, int... sizes) {
        return mlpBuilder(sizes).optDataType(type).optSeed(seed).optHidden(hidden).optWeightInit(weightInit).build();
    }

    /**
     * A builder for {@link #mlp} with the optional extras: dropout after each hidden activation, batch
     * normalisation of each hidden pre-activation (004 6.8.3: {@code Dense -> BatchNorm -> activation ->
     * Dropout}), a hidden bias initialiser (e.g. {@link Inits#reluBias()}, 002 3.2.1).
     */
    public static MlpBuilder mlpBuilder(int... sizes) {
        return new MlpBuilder(sizes);
    }

    /** Settings of an MLP; defaults: FLOAT, seed 0, ReLU, {@link Dense#DEFAULT_WEIGHT_INIT}, no dropout, no batch norm. */
    public static final class MlpBuilder {
        private final int[] sizes;
        private DataType type = DataType.FLOAT;
        private long seed;
        private Activation hidden = Activations.RELU;
        private Init weightInit = Dense.DEFAULT_WEIGHT_INIT;
        private Init hiddenBiasInit = Dense.DEFAULT_BIAS_INIT;
        private double dropout;
        private boolean batchNorm;

        private MlpBuilder(int[] sizes) {
            if (sizes == null || sizes.length < 2) {
                throw new IllegalArgumentException("Models.mlp: sizes must hold the input and output size at least, was "
                        + Arrays.toString(sizes));
            }
            for (int i = 0; i < sizes.length; i++) {
                if (sizes[i] <= 0) {
                    throw new IllegalArgumentException("Models.mlp: sizes[" + i + "] must be > 0, was " + sizes[i]
                            + " in " + Arrays.toString(sizes));
                }
            }
            this.sizes = sizes.clone();
        }

        public MlpBuilder optDataType(DataType t) {
            this.type = ModuleConfig.requireFloatType("Models.mlp", t);
            return this;
        }

        public MlpBuilder optSeed(long s) {
            this.seed = s;
            return this;
        }

        /** Activation after each hidden Dense layer (default ReLU). */
        public MlpBuilder optHidden(Activation f) {
            if (f == null) {
                throw new IllegalArgumentException("Models.mlp: hidden activation must not be null");
            }
            this.hidden = f;
            return this;
        }

        /** Weight initialiser of every Dense layer. */
        public MlpBuilder optWeightInit(Init init) {
            if (init == null) {
                throw new IllegalArgumentException("Models.mlp: weight initialiser must not be null");
            }
            this.weightInit = init;
            return this;
        }

        /** Bias initialiser of the hidden Dense layers (the output layer's bias starts at zero). */
        public MlpBuilder optHiddenBiasInit(Init init) {
            if (init == null) {
                throw new IllegalArgumentException("Models.mlp: hidden bias initialiser must not be null");
            }
            this.hiddenBiasInit = init;
            return this;
        }

        /** Dropout rate after each hidden activation, in [0, 1); 0 (the default) adds no dropout layers. */
        public MlpBuilder optDropout(double rate) {
            if (!(rate >= 0 && rate < 1)) {
                throw new IllegalArgumentException("Models.mlp: dropout rate must be in [0, 1), was " + rate);
            }
            this.dropout = rate;
            return this;
        }

        /**
         * Whether to batch-normalise each hidden pre-activation (default false). The hidden Dense layers then
         * have no bias: the batch norm's shift B takes its role and a bias would be subtracted out again.
         */
        public MlpBuilder optBatchNorm(boolean on) {
            this.batchNorm = on;
            return this;
        }

        public Sequential build() {
            List<Module> layers = new ArrayList<>();
            int last = sizes.length - 1;
            for (int i = 0; i < last; i++) {
                boolean output = i == last - 1;
                long childSeed = Seeds.child(seed, layers.size());
                layers.add(new Dense(sizes[i], sizes[i + 1], output || !batchNorm, type, weightInit,
                        output ? Dense.DEFAULT_BIAS_INIT : hiddenBiasInit, childSeed));
                if (output) {
                    break;
                }
                if (batchNorm) {
                    layers.add(new BatchNorm(sizes[i + 1], type));
                }
                layers.add(new ActivationLayer(hidden));
                if (dropout > 0) {
                    layers.add(new Dropout(dropout, Seeds.child(seed, layers.size())));
                }
            }
            Sequential model = new Sequential(layers);
            log.debug("built MLP {} ({} parameters, {}, seed {})", Arrays.toString(sizes), model.parameterCount(),
                    type, seed);
            return model;
        }
    }
}
