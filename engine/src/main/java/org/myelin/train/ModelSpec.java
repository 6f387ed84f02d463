package org.myelin.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.MemoryLimit;
import org.myelin.config.ConfigBinder;
import org.myelin.data.Dataset;
import org.myelin.io.Json;
import org.myelin.nn.ActivationSizes;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.ModuleConfig;
import org.myelin.nn.Modules;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The {@code model} section of a job config, bound by {@link ConfigBinder}: a preset ({@code architecture}
 * {@code mlp} with {@code hidden}, {@code activation}, {@code init}, {@code dropout}, {@code batch_norm}; {@code cnn};
 * {@code lenet}) or any module tree as {@code layers}, a list of layer configs built as a
 * {@link org.myelin.nn.Sequential} ({@code architecture} {@code layers}, implied by the key). Every default is
 * written once, here; every error names its path ({@code model.layers[1].bais: unknown key; did you mean bias?}).
 *
 * <p>{@link #of} binds it, {@link #build} builds the model once the training data are known.
 */
public record ModelSpec(
        String architecture,
        List<Number> hidden,
        String activation,
        String init,
        Double dropout,
        Boolean batchNorm,
        String dataType,
        List<Map<String, Object>> layers) {

    /** The presets and {@code layers}, for messages. */
    public static final List<String> ARCHITECTURES = List.of("mlp", "cnn", "lenet", "layers");
    /** Hidden sizes of the default model. */
    public static final List<Integer> DEFAULT_HIDDEN = JobConfig.DEFAULT_HIDDEN;

    public ModelSpec {
        architecture = architecture != null ? architecture : layers != null ? "layers" : "mlp";
        if (!ARCHITECTURES.contains(architecture)) {
            throw new ConfigurationException(
                    "architecture", "must be mlp, cnn, lenet or layers, was \"" + architecture + "\"");
        }
        boolean mlp = architecture.equals("mlp");
        if (layers != null && !architecture.equals("layers")) {
            throw new ConfigurationException(
                    "layers", "is for architecture \"layers\", the architecture is \"" + architecture + "\"");
        }
        if (layers == null && architecture.equals("layers")) {
            throw new ConfigurationException(
                            "layers",
                            "missing; architecture \"layers\" needs a list of layer configs (\"layers\": [{\"type\":"
                                    + " \"dense\", \"units\": 64}, ...]; see docs/configuration.md)")
                    .onCommandLine(
                            "\"layers\" builds the model.layers list of a job config file, and none was given:"
                                    + " pass --config FILE.json holding \"model\": {\"layers\": [{\"type\": \"dense\","
                                    + " \"units\": 64}, ...]} (see docs/configuration.md), or choose --model mlp, cnn or lenet");
        }
        if (!mlp) {
            requireAbsent(architecture, "hidden", hidden);
            requireAbsent(architecture, "activation", activation);
            requireAbsent(architecture, "init", init);
            requireAbsent(architecture, "dropout", dropout);
            requireAbsent(architecture, "batch_norm", batchNorm);
        }
        hidden = hidden == null ? (mlp ? List.copyOf(DEFAULT_HIDDEN) : null) : sizes(hidden);
        activation = activation == null ? (mlp ? "relu" : null) : activation;
        if (activation != null) {
            requireTrainable("activation", activation, Activations.byName("activation", activation));
        }
        init = init == null ? (mlp ? "he_normal" : null) : init;
        if (init != null) {
            Inits.byName("init", init);
        }
        dropout = dropout == null ? (mlp ? 0.0 : null) : dropout;
        if (dropout != null && !(dropout >= 0 && dropout < 1)) {
            throw new ConfigurationException("dropout", "must be in [0, 1), was " + dropout);
        }
        batchNorm = batchNorm == null ? (mlp ? false : null) : batchNorm;
        dataType = dataType == null ? "float32" : dataType;
        try {
            ModuleConfig.parseDataType(dataType);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("data_type", e.getMessage());
        }
        if (layers != null) {
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) == null) { // List.copyOf's NullPointerException: "model: null"
                    throw new ConfigurationException(
                            "layers[" + i + "]", "null; expected a layer config (an object with a \"type\")");
                }
                if ("activation".equals(layers.get(i).get("type"))
                        && layers.get(i).get("activation") instanceof String name) {
                    String path = "layers[" + i + "].activation";
                    requireTrainable(path, name, Activations.byName(path, name));
                }
            }
        }
        layers = layers == null ? null : List.copyOf(layers);
    }

    /**
     * Refuses an activation without a gradient (one_hot, hardmax: forward only) in a model that is to be trained:
     * the config was accepted and the first backward pass failed, after the job had started, without naming the key.
     */
    private static void requireTrainable(String path, String name, org.myelin.ops.Activation activation) {
        if (!activation.differentiable()) {
            throw new ConfigurationException(
                    path,
                    "activation '" + name + "' has no gradient (it is forward only), so a model with it cannot be"
                            + " trained; use it for predictions only, and train through softmax");
        }
    }

    /** Whole numbers in 1..Integer.MAX_VALUE, as Integers; a huge JSON integer is refused, never wrapped. */
    private static List<Number> sizes(List<Number> hidden) {
        List<Number> out = new ArrayList<>(hidden.size());
        for (int i = 0; i < hidden.size(); i++) {
            Number v = hidden.get(i);
            java.util.OptionalLong n = v == null ? java.util.OptionalLong.empty() : Json.exactLong(v);
            if (n.isEmpty() || n.getAsLong() < 1) {
                throw new ConfigurationException("hidden[" + i + "]", "must be an integer >= 1, was " + v);
            }
            if (n.getAsLong() > Integer.MAX_VALUE) {
                throw new ConfigurationException(
                        "hidden[" + i + "]", "must be an integer in 1.." + Integer.MAX_VALUE + ", was " + v);
            }
            out.add((int) n.getAsLong());
        }
        return List.copyOf(out);
    }

    private static void requireAbsent(String architecture, String key, Object value) {
        if (value != null) {
            throw new ConfigurationException(
                    key, "unknown key for architecture \"" + architecture + "\" (it is an mlp" + " setting)");
        }
    }

    /** Binds a job's {@code model} section ({@code null}: all defaults); errors start with {@code model.}. */
    public static ModelSpec of(Map<String, ?> raw) {
        return ConfigBinder.bind("model", raw, ModelSpec.class);
    }

    /** The parameters' data type. */
    public DataType type() {
        return ModuleConfig.parseDataType(dataType);
    }

    /** Whether the model takes images {@code [N, C, H, W]}: a convolutional preset, or layers that start with one. */
    public boolean takesImages() {
        return switch (architecture) {
            case "cnn", "lenet" -> true;
            case "layers" ->
                !layers.isEmpty()
                        && Models.IMAGE_LAYER_TYPES.contains(layers.get(0).get("type"));
            default -> false;
        };
    }

    /** Whether the MLP preset has batch norm (layers lists say it with their own batch_norm layers). */
    public boolean hasBatchNorm() {
        return Boolean.TRUE.equals(batchNorm);
    }

    /**
     * The untrained model for {@code train}'s samples and targets, initialised from {@code seed}; records what makes
     * the run in {@code identity}.
     *
     * @throws ConfigurationException naming the model key that does not fit the data or the memory limit
     */
    public Module build(long seed, Dataset train, RunIdentity identity) {
        return build(seed, train, 1, identity);
    }

    /**
     * {@link #build(long, Dataset, RunIdentity)} for training in batches of {@code batchSize}: a {@code layers} list
     * is sized before anything is allocated, its parameters and buffers against {@link MemoryLimit} (the error
     * names the layer, {@code model.layers[1]}, and the sizes), then the activations of each layer for one batch
     * (the output, and for a convolution its im2col matrix) against the same limit. A preset ({@code mlp},
     * {@code cnn}, {@code lenet}) has its activations for one batch sized the same way before its first forward
     * pass; the error names {@code training.batch_size} (or {@code model.architecture} when a batch of one sample
     * does not fit) and the preset's layer.
     *
     * @throws ConfigurationException naming the model key that does not fit the data or the memory limit
     */
    public Module build(long seed, Dataset train, int batchSize, RunIdentity identity) {
        Module model = buildUnchecked(seed, train, batchSize, identity);
        if (!architecture.equals("layers")) {
            long batch = batchOf(batchSize, train.size());
            try {
                requireActivationMemory("", model, batchShape(train.featureShape(), batch), width());
            } catch (ConfigurationException e) {
                String at = e.path().startsWith(".") ? e.path().substring(1) : e.path(); // layers[i]
                String layer = at + " (" + layerName(model, at) + ")";
                if (batch > 1) {
                    throw new ConfigurationException(
                            "training.batch_size",
                            batchSize + " is too large for \"" + architecture + "\": its " + layer + ", " + e.problem()
                                    + "; or lower training.batch_size (--batch-size)");
                }
                throw new ConfigurationException(
                        "model.architecture",
                        "\"" + architecture + "\" does not fit the memory limit for these data (" + train + "): its "
                                + layer + ", " + e.problem());
            }
        }
        return model;
    }

    /** Bytes per value of the parameters' data type. */
    private int width() {
        return type() == DataType.DOUBLE ? 8 : 4;
    }

    /** The samples of one batch: {@code batchSize}, at most the whole set, at least one. */
    private static long batchOf(int batchSize, long samples) {
        return Math.max(1, Math.min(batchSize, samples));
    }

    /** {@code [batch, featureShape...]}. */
    private static long[] batchShape(long[] featureShape, long batch) {
        long[] shape = new long[featureShape.length + 1];
        shape[0] = batch;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        return shape;
    }

    /** The class of the layer at {@code path} ({@code layers[i]}) of a preset, for messages. */
    private static String layerName(Module model, String path) {
        if (model instanceof org.myelin.nn.Sequential seq && path.startsWith("layers[") && path.endsWith("]")) {
            try {
                return seq.get(Integer.parseInt(path.substring(7, path.length() - 1)))
                        .getClass()
                        .getSimpleName();
            } catch (RuntimeException e) {
                return "?";
            }
        }
        return "?";
    }

    private Module buildUnchecked(long seed, Dataset train, int batchSize, RunIdentity identity) {
        DataType type = type();
        return switch (architecture) {
            case "mlp" -> mlp(type, seed, train, identity);
            case "cnn", "lenet" -> {
                identity.put("model.architecture", architecture);
                long[] image = train.featureShape();
                if (image.length != 3) {
                    throw new ConfigurationException(
                            "model.architecture",
                            "\"" + architecture + "\" needs images [N, C, H, W], the data are " + train);
                }
                try {
                    int c = (int) image[0];
                    int h = (int) image[1];
                    int w = (int) image[2];
                    yield architecture.equals("cnn")
                            ? Models.smallCnn(type, seed, c, h, w, train.numTargets())
                            : Models.lenet5(type, seed, c, h, w, train.numTargets());
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("model", e.getMessage());
                }
            }
            default -> {
                List<Object> typed = new ArrayList<>();
                for (Map<String, Object> layer : layers) {
                    if (layer != null
                            && !layer.containsKey(ModuleConfig.DATA_TYPE)
                            && !layer.containsKey("dataType")
                            && layer.get("type") instanceof String t
                            && Modules.takesDataType(t)) {
                        // Layers with parameters take the job's data type unless they name one.
                        Map<String, Object> withType = new LinkedHashMap<>(layer);
                        withType.put(ModuleConfig.DATA_TYPE, dataType);
                        layer = withType;
                    }
                    typed.add(layer);
                }
                int width = type == DataType.DOUBLE ? 8 : 4;
                Module model = Modules.fromConfigWithinMemoryLimit(
                        "model", Map.of("type", "sequential", "layers", typed), seed, width);
                requireActivationMemory(
                        "model", model, batchShape(train.featureShape(), batchOf(batchSize, train.size())), width);
                identity.put("model.layers", model.config());
                yield model;
            }
        };
    }

    private Module mlp(DataType type, long seed, Dataset train, RunIdentity identity) {
        identity.put("model.hidden", hidden)
                .put("model.activation", activation)
                .put("model.init", init)
                .put("model.dropout", dropout)
                .put("model.batch_norm", batchNorm);
        if (train.featureShape().length != 1) {
            throw new ConfigurationException(
                    "model.architecture",
                    "an MLP takes rows [N, d], the data are " + train
                            + " (set data.images to false, or use a convolutional architecture)");
        }
        int[] sizes = new int[hidden.size() + 2];
        sizes[0] = train.numFeatures();
        for (int i = 0; i < hidden.size(); i++) {
            sizes[i + 1] = hidden.get(i).intValue();
        }
        sizes[sizes.length - 1] = train.numTargets();
        requireMemoryFor(sizes, batchNorm, type);
        try {
            return Models.mlpBuilder(sizes)
                    .optDataType(type)
                    .optSeed(seed)
                    .optHidden(Activations.byName(activation))
                    .optWeightInit(Inits.byName(init))
                    .optDropout(dropout)
                    .optBatchNorm(batchNorm)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("model", e.getMessage());
        }
    }

    /**
     * Refuses a module tree whose activations for one batch (input shape {@code shape}) exceed {@link MemoryLimit}:
     * each layer's output, and a convolution's im2col matrix besides ({@link ActivationSizes}), checked layer by
     * layer before the first forward pass allocates them (a padding of 100000 on an MNIST image asks for
     * terabytes). Layers after one that does not take the shape it is given are not sized: that layer's own check
     * reports it at the first forward pass.
     */
    static void requireActivationMemory(String path, Module module, long[] shape, int width) {
        for (ActivationSizes.Layer l : ActivationSizes.of(module, shape)) {
            try {
                MemoryLimit.check(
                        "for a batch of " + shape[0] + ", its output " + java.util.Arrays.toString(l.output())
                                + (l.im2col() > 0
                                        ? String.format(
                                                java.util.Locale.ROOT,
                                                " and its im2col matrix (%,d values)",
                                                l.im2col())
                                        : ""),
                        l.values(),
                        width,
                        "values");
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(l.path().isEmpty() ? path : path + "." + l.path(), e.getMessage());
            }
        }
    }

    /**
     * Refuses, before anything is allocated, an MLP whose parameters exceed {@link MemoryLimit}: weights and biases
     * of every layer, and the four per-feature arrays of each batch norm (counted without overflow).
     */
    private static void requireMemoryFor(int[] sizes, boolean batchNorm, DataType type) {
        long elements = 0;
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            shape.append(i == 0 ? "" : "-").append(sizes[i]);
            if (i + 1 < sizes.length) {
                long layer =
                        MemoryLimit.saturatedSum(MemoryLimit.saturatedProduct(sizes[i], sizes[i + 1]), sizes[i + 1]);
                elements = MemoryLimit.saturatedSum(elements, layer);
                if (batchNorm && i + 2 < sizes.length) {
                    elements = MemoryLimit.saturatedSum(elements, 4L * sizes[i + 1]);
                }
            }
        }
        try {
            MemoryLimit.check("the MLP " + shape, elements, type == DataType.DOUBLE ? 8 : 4);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("model.hidden", e.getMessage());
        }
    }
}
