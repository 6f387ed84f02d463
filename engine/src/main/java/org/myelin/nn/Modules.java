package org.myelin.nn;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Tensor;
import org.myelin.config.ConfigBinder;
import org.myelin.config.Registry;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rebuilding modules from their {@link Module#config()} and copying their state.
 *
 * <p>Every layer type is one entry of {@link #TYPES}: its config {@code "type"}, a line of help, its config record and
 * its factory ({@link LayerType}). The config of a layer is its {@code "type"} plus the keys of its record, in
 * snake_case; {@link #fromConfig} looks the type up, binds the other keys to the record with
 * {@link ConfigBinder} (unknown keys named with their path and the closest valid key, type and range errors with
 * their path) and calls the factory. A new layer type is its class (with its config record and factory) and one
 * registration line below.
 *
 * <p>Model files written before the keys became snake_case spell three keys in camelCase ({@code dataType},
 * {@code weightInit}, {@code biasInit}); {@link #LEGACY_KEYS} reads them as their snake_case names.
 */
public final class Modules {

    /** The layer types by config {@code "type"}, with their help lines. */
    public static final Registry<LayerType<?>> TYPES = new Registry<LayerType<?>>("module type")
            .register(Dense.TYPE, "fully connected Z = X W + b", LayerType.of(Dense.Config.class, Dense::fromConfig))
            .register(
                    ActivationLayer.TYPE,
                    "an activation function applied to its input",
                    LayerType.of(ActivationLayer.Config.class, ActivationLayer::fromConfig))
            .register(
                    Dropout.TYPE,
                    "inverted dropout (identity in evaluation mode)",
                    LayerType.of(Dropout.Config.class, Dropout::fromConfig))
            .register(
                    BatchNorm.TYPE,
                    "batch normalisation over features or channels",
                    LayerType.of(BatchNorm.Config.class, BatchNorm::fromConfig))
            .register(
                    LayerNorm.TYPE,
                    "layer normalisation over each sample's features",
                    LayerType.of(LayerNorm.Config.class, LayerNorm::fromConfig))
            .register(
                    RmsNorm.TYPE,
                    "RMS normalisation over each sample's features, no centring",
                    LayerType.of(RmsNorm.Config.class, RmsNorm::fromConfig))
            .register(
                    Sequential.TYPE,
                    "a chain of layers applied in order",
                    LayerType.of(Sequential.Config.class, Sequential::fromConfig))
            .register(
                    Conv2d.TYPE,
                    "2-D convolution over [N, C, H, W]",
                    LayerType.of(Conv2d.Config.class, Conv2d::fromConfig))
            .register(Pool2d.MAX, "2-D max pooling", LayerType.of(Pool2d.Config.class, Pool2d::max))
            .register(
                    Pool2d.AVG,
                    "2-D average pooling (padding not counted)",
                    LayerType.of(Pool2d.Config.class, Pool2d::avg))
            .register(
                    GlobalAvgPool2d.TYPE,
                    "mean over each channel's H x W",
                    LayerType.of(GlobalAvgPool2d.Config.class, GlobalAvgPool2d::fromConfig))
            .register(
                    Flatten.TYPE, "[N, ...] to [N, features]", LayerType.of(Flatten.Config.class, Flatten::fromConfig));

    /** camelCase keys of model files written before snake_case, and the keys they mean now. */
    public static final Map<String, String> LEGACY_KEYS =
            Map.of("dataType", "data_type", "weightInit", "weight_init", "biasInit", "bias_init");

    private Modules() {}

    /** The registered module types, sorted. */
    public static Set<String> knownTypes() {
        return Collections.unmodifiableSet(new TreeSet<>(TYPES.names()));
    }

    /** {@link #fromConfig(Map, long)} with seed 0. */
    public static Module fromConfig(Map<String, ?> config) {
        return fromConfig(config, 0L);
    }

    /**
     * An untrained module with the architecture {@code config} describes (as produced by {@link Module#config()},
     * possibly after a JSON round trip), with the data type it names. Its parameters are freshly initialised
     * from {@code seed}; trained values are loaded afterwards by name through {@link Module#namedParameters()}
     * and {@link Module#namedBuffers()} (or {@link #copyState}). {@code fromConfig(m.config(), s)} of a model
     * built by {@link Models} with seed {@code s} reproduces its initial parameters bit for bit.
     *
     * @throws ConfigurationException for an unknown type (with the closest known one) or a missing, unknown or
     *                                invalid key, naming its path ({@code layers[1].momentum})
     */
    public static Module fromConfig(Map<String, ?> config, long seed) {
        return fromConfig(config, seed, Long.MAX_VALUE);
    }

    /**
     * {@link #fromConfig(Map, long)} that refuses, before allocating, an architecture whose parameters and buffers
     * hold more than {@code maxElements} elements in all (for configs read from files: a damaged size cannot make
     * it allocate gigabytes). Layer factories take part by calling {@link LayerBuild#reserve}.
     *
     * @throws ConfigurationException naming the module's path when the architecture is larger
     */
    public static Module fromConfig(Map<String, ?> config, long seed, long maxElements) {
        return build("", config, seed, new LayerBuild.Budget(maxElements, 0));
    }

    /**
     * {@link #fromConfig(Map, long)} for a module tree found at {@code path} of a larger config (a job's
     * {@code model}): every error names its full path ({@code model.layers[1].bais: unknown key; did you mean bias?}).
     */
    public static Module fromConfig(String path, Map<String, ?> config, long seed) {
        return build(path, config, seed, new LayerBuild.Budget(Long.MAX_VALUE, 0));
    }

    /**
     * {@link #fromConfig(String, Map, long)} that refuses, before allocating, a module tree whose parameters and
     * buffers exceed {@link org.myelin.MemoryLimit} at {@code bytesPerElement} bytes each: the error names the
     * layer whose arrays would pass the limit ({@code model.layers[1]: its weight [784, 1000000] ...}), the
     * model's size and the limit.
     *
     * @throws ConfigurationException naming the layer's path when the tree is larger
     */
    public static Module fromConfigWithinMemoryLimit(
            String path, Map<String, ?> config, long seed, int bytesPerElement) {
        long allowed = org.myelin.MemoryLimit.parameterBytes() / bytesPerElement;
        return build(path, config, seed, new LayerBuild.Budget(allowed, bytesPerElement));
    }

    /**
     * Whether layers of {@code type} have a {@code data_type} key (they hold parameters or buffers), so that a job
     * can give them its data type; false for an unknown type, which building reports.
     */
    public static boolean takesDataType(String type) {
        if (!TYPES.contains(type)) {
            return false;
        }
        for (RecordComponent c : TYPES.get("type", type).config().getRecordComponents()) {
            if (ConfigBinder.key(c.getName()).equals(ModuleConfig.DATA_TYPE)) {
                return true;
            }
        }
        return false;
    }

    static Module build(String path, Object raw, long seed, LayerBuild.Budget budget) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new ConfigurationException(
                    path, "must be a module config (an object with a \"type\"), was " + ConfigValues.show(raw));
        }
        String typeKey = path.isEmpty() ? "type" : path + ".type";
        Object type = map.get("type");
        if (type == null) {
            throw new ConfigurationException(typeKey, "missing; expected one of " + knownTypes());
        }
        if (!(type instanceof String name)) {
            throw new ConfigurationException(typeKey, "must be a string, was " + ConfigValues.show(type));
        }
        LayerType<?> layerType = TYPES.get(typeKey, name);
        Map<String, Object> keys = withoutType(path, map);
        Record config = ConfigBinder.bind(path, keys, layerType.config());
        try {
            return layerType.create(config, new LayerBuild(path, seed, budget));
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // A check in the layer's constructor that its config record does not repeat.
            throw new ConfigurationException(path, name + ": " + e.getMessage());
        }
    }

    /** The keys other than {@code "type"}, legacy camelCase ones under their snake_case names. */
    private static Map<String, Object> withoutType(String path, Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new ConfigurationException(path, "has a non-string key " + ConfigValues.show(e.getKey()));
            }
            String now = LEGACY_KEYS.getOrDefault(key, key);
            if (key.equals("type")) {
                continue;
            }
            if (out.containsKey(now)) {
                String old = LEGACY_KEYS.entrySet().stream()
                        .filter(l -> l.getValue().equals(now))
                        .findFirst()
                        .orElseThrow()
                        .getKey();
                throw new ConfigurationException(
                        path.isEmpty() ? now : path + "." + now,
                        "given twice, as " + now + " and as its old spelling " + old);
            }
            out.put(now, e.getValue());
        }
        return out;
    }

    /**
     * The config map of a layer: {@code "type"} first, then each component of its config record under its snake_case
     * key, in declaration order (what {@link Module#config()} returns and model files hold).
     */
    public static Map<String, Object> describe(String type, Record config) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        for (RecordComponent rc : config.getClass().getRecordComponents()) {
            try {
                c.put(ConfigBinder.key(rc.getName()), rc.getAccessor().invoke(config));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(
                        "config record " + config.getClass().getName() + " is not readable: " + e, e);
            }
        }
        return c;
    }

    /**
     * Copies every parameter and buffer value of {@code source} into the same-named one of {@code target}, in
     * place (for example to restore the best weights, or to give a rebuilt model trained values).
     *
     * <p>Only the state is compared: the names, shapes and data types of the parameters and buffers. Modules that
     * differ in what holds no state are accepted on purpose, as PyTorch's {@code load_state_dict} accepts them: an
     * activation layer in place of another ({@code [dense, relu, dense]} into {@code [dense, tanh, dense]}), a
     * dropout rate, a batch norm's eps or momentum, a convolution's stride or padding, a pooling layer. That is how a
     * trained model is given another activation or fine-tuned with other settings; the target keeps its own
     * structure. A layer added or removed renames the state after it in a {@link Sequential} ({@code 2.weight}) and is refused. To
     * require the same architecture, compare {@link Module#config()} of the two first.
     *
     * @throws IllegalArgumentException if the names, shapes or data types differ; nothing is copied then
     */
    public static void copyState(Module source, Module target) {
        if (source == null || target == null) {
            throw new IllegalArgumentException(
                    "Modules.copyState: " + (source == null ? "source" : "target") + " must not be null");
        }
        Map<String, Tensor> sp = source.namedParameters();
        Map<String, Tensor> tp = target.namedParameters();
        Map<String, INDArray> sb = source.namedBuffers();
        Map<String, INDArray> tb = target.namedBuffers();
        if (!sp.keySet().equals(tp.keySet())) {
            throw new IllegalArgumentException("Modules.copyState: parameter names differ: source has " + sp.keySet()
                    + ", target has " + tp.keySet());
        }
        if (!sb.keySet().equals(tb.keySet())) {
            throw new IllegalArgumentException("Modules.copyState: buffer names differ: source has " + sb.keySet()
                    + ", target has " + tb.keySet());
        }
        sp.forEach((k, v) -> requireCompatible(k, v.value(), tp.get(k).value()));
        sb.forEach((k, v) -> requireCompatible(k, v, tb.get(k)));
        sp.forEach((k, v) -> tp.get(k).value().assign(v.value()));
        sb.forEach((k, v) -> tb.get(k).assign(v));
    }

    private static void requireCompatible(String name, INDArray source, INDArray target) {
        if (!Arrays.equals(source.shape(), target.shape()) || source.dataType() != target.dataType()) {
            throw new IllegalArgumentException("Modules.copyState: '" + name + "' is " + source.dataType()
                    + Arrays.toString(source.shape()) + " in the source, " + target.dataType()
                    + Arrays.toString(target.shape()) + " in the target");
        }
    }
}
