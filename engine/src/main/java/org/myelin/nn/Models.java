package org.myelin.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.myelin.MemoryLimit;
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

    private Models() {}

    /**
     * A multilayer perceptron {@code sizes[0] -> sizes[1] -> ... -> sizes[k]}: Dense layers with the
     * {@code hidden} activation after every one but the last, which produces logits (no output activation:
     * pair it with a fused loss such as softmax cross-entropy). Biases start at zero.
     *
     * @param sizes input size, hidden sizes, output size: at least two, each {@code > 0}
     */
    public static Sequential mlp(DataType type, long seed, Activation hidden, Init weightInit, int... sizes) {
        return mlpBuilder(sizes)
                .optDataType(type)
                .optSeed(seed)
                .optHidden(hidden)
                .optWeightInit(weightInit)
                .build();
    }

    /**
     * A builder for {@link #mlp} with the optional extras: dropout after each hidden activation, batch
     * normalisation of each hidden pre-activation (MIT 6.390 §6.8.3: {@code Dense -> BatchNorm -> activation ->
     * Dropout}), a hidden bias initialiser (e.g. {@link Inits#reluBias()}, Oxford ML §3.2.1; see docs/notes.md).
     */
    public static MlpBuilder mlpBuilder(int... sizes) {
        return new MlpBuilder(sizes);
    }

    /**
     * LeNet-5 (LeCun et al. 1998) in its common modern form, ReLU and max pooling instead of scaled tanh and trainable
     * subsampling: {@code conv 6@5x5 ("same") -> ReLU -> maxpool 2 -> conv 16@5x5 -> ReLU -> maxpool 2 -> flatten ->
     * dense 120 -> ReLU -> dense 84 -> ReLU -> dense classes} (logits out). He-normal weights (fan-in
     * {@code in kh kw} for the convolutions), zero biases; layer i seeded with {@code Seeds.child(seed, i)}.
     *
     * <p>Shapes: {@code [N, channels, height, width] -> [N, classes]}; MNIST: {@code [N, 1, 28, 28]}, 61,706
     * parameters.
     *
     * @throws IllegalArgumentException if the images are too small for the two 5x5 convolutions and poolings
     */
    public static Sequential lenet5(DataType type, long seed, int channels, int height, int width, int classes) {
        requireImage(channels, height, width, classes);
        List<Module> layers = new ArrayList<>();
        layers.add(Conv2d.builder(channels, 6, 5)
                .optSame(true)
                .optDataType(type)
                .optSeed(Seeds.child(seed, layers.size()))
                .build());
        layers.add(new ActivationLayer(Activations.RELU));
        layers.add(Pool2d.max(2));
        layers.add(Conv2d.builder(6, 16, 5)
                .optDataType(type)
                .optSeed(Seeds.child(seed, layers.size()))
                .build());
        layers.add(new ActivationLayer(Activations.RELU));
        layers.add(Pool2d.max(2));
        return withClassifier(
                "Models.lenet5 (\"lenet\")",
                layers,
                type,
                seed,
                0.0,
                new int[] {channels, height, width},
                classes,
                120,
                84);
    }

    /**
     * A small modern CNN, the shape of PyTorch's MNIST example: {@code conv 32@3x3 -> ReLU -> conv 64@3x3 -> ReLU ->
     * maxpool 2 -> dropout 0.25 -> flatten -> dense 128 -> ReLU -> dropout 0.5 -> dense classes} (logits out).
     * He-normal weights, zero biases; layer i seeded with {@code Seeds.child(seed, i)}.
     *
     * <p>Shapes: {@code [N, channels, height, width] -> [N, classes]}; MNIST: {@code [N, 1, 28, 28]}, 1,199,882
     * parameters.
     *
     * @throws IllegalArgumentException if the images are smaller than 6 x 6
     */
    public static Sequential smallCnn(DataType type, long seed, int channels, int height, int width, int classes) {
        requireImage(channels, height, width, classes);
        List<Module> layers = new ArrayList<>();
        layers.add(Conv2d.builder(channels, 32, 3)
                .optDataType(type)
                .optSeed(Seeds.child(seed, layers.size()))
                .build());
        layers.add(new ActivationLayer(Activations.RELU));
        layers.add(Conv2d.builder(32, 64, 3)
                .optDataType(type)
                .optSeed(Seeds.child(seed, layers.size()))
                .build());
        layers.add(new ActivationLayer(Activations.RELU));
        layers.add(Pool2d.max(2));
        layers.add(new Dropout(0.25, Seeds.child(seed, layers.size())));
        return withClassifier(
                "Models.smallCnn (\"cnn\")",
                layers,
                type,
                seed,
                0.5,
                new int[] {channels, height, width},
                classes,
                128);
    }

    /** Refuses a non-positive image size (ND4J failed on it with "Length must be >= 0") or fewer than 2 classes. */
    private static void requireImage(int channels, int height, int width, int classes) {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("Models: channels, height and width must be >= 1, was " + channels
                    + " x " + height + " x " + width);
        }
        if (classes < 2) {
            throw new IllegalArgumentException("Models: classes must be >= 2, was " + classes);
        }
    }

    /**
     * Appends flatten, the hidden dense + ReLU (+ dropout) layers and the output layer to a feature extractor, once
     * the whole model's parameters are known to fit the memory limit ({@code name} says which preset in the error).
     */
    private static Sequential withClassifier(
            String name,
            List<Module> layers,
            DataType type,
            long seed,
            double dropout,
            int[] image,
            int classes,
            int... hidden) {
        // The flattened size follows from the convolutions' and poolings' output shapes, computed without an
        // array: a blank image through them allocated c x h x w values first, 40 GB for images [1, 100000, 100000]
        // (std::bad_alloc) before the parameter check below could refuse the model. outputShape refuses an image
        // too small for a window as forward does, with the same message.
        long[] shape = {1, image[0], image[1], image[2]};
        for (Module layer : layers) {
            if (layer instanceof Conv2d conv) {
                shape = conv.outputShape(shape);
            } else if (layer instanceof Pool2d pool) {
                shape = pool.outputShape(shape);
            }
        }
        long features = MemoryLimit.saturatedProduct(shape[1], MemoryLimit.saturatedProduct(shape[2], shape[3]));
        long parameters = new Sequential(layers).parameterCount();
        // Each layer's constructor checks its own parameters, not their sum: on MNIST the small CNN's 1,199,882
        // parameters (4.8 MB as float32) were built under a limit of 4.75 MB, its largest layer holding 1,179,776.
        // The extractor's few parameters exist by now (each checked, and independent of the image's height and width);
        // the dense
        // layers, nearly all the rest, are counted before any of them is allocated.
        long in = features;
        for (long out : concat(hidden, classes)) {
            parameters = MemoryLimit.saturatedSum(
                    parameters, MemoryLimit.saturatedSum(MemoryLimit.saturatedProduct(in, out), out));
            in = out;
        }
        ModuleConfig.requireWithinMemoryLimit(
                name + " for images " + Arrays.toString(image) + " and " + classes + " classes",
                parameters,
                type,
                "parameters");
        List<Module> all = new ArrayList<>(layers);
        all.add(new Flatten());
        long width = features;
        for (int h : hidden) {
            all.add(new Dense(
                    width, h, true, type, Inits.heNormal(), Dense.DEFAULT_BIAS_INIT, Seeds.child(seed, all.size())));
            all.add(new ActivationLayer(Activations.RELU));
            if (dropout > 0) {
                all.add(new Dropout(dropout, Seeds.child(seed, all.size())));
            }
            width = h;
        }
        all.add(new Dense(
                width, classes, true, type, Inits.heNormal(), Dense.DEFAULT_BIAS_INIT, Seeds.child(seed, all.size())));
        Sequential model = new Sequential(all);
        log.debug("built CNN {} ({} parameters, {}, seed {})", model, model.parameterCount(), type, seed);
        return model;
    }

    /** {@code hidden} followed by {@code last}: the widths of a classifier's dense layers. */
    private static long[] concat(int[] hidden, int last) {
        long[] widths = new long[hidden.length + 1];
        for (int i = 0; i < hidden.length; i++) {
            widths[i] = hidden[i];
        }
        widths[hidden.length] = last;
        return widths;
    }

    /**
     * Whether {@code model} takes images {@code [N, C, H, W]}: its first layer (descending into a
     * {@link Sequential}) is a convolution or pooling layer. Data for such a model keeps its image shape; for any
     * other model it is flattened to {@code [N, d]}.
     */
    public static boolean expectsImages(Module model) {
        Module first = model;
        while (first instanceof Sequential seq) {
            first = seq.get(0);
        }
        return first instanceof Conv2d || first instanceof Pool2d || first instanceof GlobalAvgPool2d;
    }

    /** The config types of the layers that take images (see {@link #expectsImages}). */
    public static final java.util.Set<String> IMAGE_LAYER_TYPES =
            java.util.Set.of(Conv2d.TYPE, Pool2d.MAX, Pool2d.AVG, GlobalAvgPool2d.TYPE);

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
                throw new IllegalArgumentException(
                        "Models.mlp: sizes must hold the input and output size at least, was "
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
                layers.add(new Dense(
                        sizes[i],
                        sizes[i + 1],
                        output || !batchNorm,
                        type,
                        weightInit,
                        output ? Dense.DEFAULT_BIAS_INIT : hiddenBiasInit,
                        childSeed));
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
            log.debug(
                    "built MLP {} ({} parameters, {}, seed {})",
                    Arrays.toString(sizes),
                    model.parameterCount(),
                    type,
                    seed);
            return model;
        }
    }
}
