package org.myelin.nn;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rebuilding modules from their {@link Module#config()} and copying their state.
 *
 * <p>Each module type registers a factory under its config {@code "type"}; the built-in ones are
 * {@code dense}, {@code activation}, {@code dropout}, {@code batch_norm}, {@code layer_norm},
 * {@code sequential}, and for images {@code conv2d}, {@code max_pool2d}, {@code avg_pool2d},
 * {@code global_avg_pool2d} and {@code flatten}. A new module type calls {@link #register} once instead of editing a central switch.
 */
public final class Modules {

    /** Builds a module from its config; {@code seed} fixes its random initial values and random streams. */
    @FunctionalInterface
    public interface Factory {
        Module create(ModuleConfig config, long seed);
    }

    private static final Map<String, Factory> FACTORIES = new ConcurrentSkipListMap<>();

    static {
        register(Dense.TYPE, Dense::fromConfig);
        register(ActivationLayer.TYPE, ActivationLayer::fromConfig);
        register(Dropout.TYPE, Dropout::fromConfig);
        register(BatchNorm.TYPE, BatchNorm::fromConfig);
        register(LayerNorm.TYPE, LayerNorm::fromConfig);
        register(Sequential.TYPE, Sequential::fromConfig);
        register(Conv2d.TYPE, Conv2d::fromConfig);
        register(Pool2d.MAX, Pool2d::fromConfig);
        register(Pool2d.AVG, Pool2d::fromConfig);
        register(GlobalAvgPool2d.TYPE, GlobalAvgPool2d::fromConfig);
        register(Flatten.TYPE, Flatten::fromConfig);
    }

    private Modules() {
    }

    /** Makes {@code type} known to {@link #fromConfig}. */
    public static void register(String type, Factory factory) {
        if (type == null || type.isEmpty() || factory == null) {
            throw new IllegalArgumentException("Modules.register: type and factory must be given, was type '"
                    + type + "'");
        }
        if (FACTORIES.putIfAbsent(type, factory) != null) {
            throw new IllegalArgumentException("Modules.register: type '" + type + "' is already registered");
        }
    }

    /** The registered module types, sorted. */
    public static Set<String> knownTypes() {
        return Collections.unmodifiableSet(FACTORIES.keySet());
    }

    /** {@link #fromConfig(Map, long)} with seed 0. */
    public static Module fromConfig(Map<String, Object> config) {
        return fromConfig(config, 0L);
    }

    /**
     * An untrained module with the architecture {@code config} describes (as produced by {@link Module#config()},
     * possibly after a JSON round trip), with the data type it names. Its parameters are freshly initialised
     * from {@code seed}; trained values are loaded afterwards by name through {@link Module#namedParameters()}
     * and {@link Module#namedBuffers()} (or {@link #copyState}). {@code fromConfig(m.config(), s)} of a model
     * built by {@link Models} with seed {@code s} reproduces its initial parameters bit for bit.
     *
     * @throws org.myelin.ConfigurationException for an unknown type (naming it and listing the known ones) or a
     *                                  missing or invalid field (naming its dotted path, e.g. {@code layers.1.out})
     */
    public static Module fromConfig(Map<String, Object> config, long seed) {
        return build(ModuleConfig.of(config, ""), seed);
    }

    /**
     * {@link #fromConfig(Map, long)} that refuses, before allocating, an architecture whose parameters and buffers
     * hold more than {@code maxElements} elements in all (for configs read from files: a damaged size cannot make
     * it allocate gigabytes). Module types registered by others take part when their factory calls
     * {@link ModuleConfig#reserve}.
     *
     * @throws org.myelin.ConfigurationException naming the module's path when the architecture is larger
     */
    public static Module fromConfig(Map<String, Object> config, long seed, long maxElements) {
        return build(ModuleConfig.of(config, "", maxElements), seed);
    }

    static Module build(ModuleConfig c, long seed) {
        if (!c.has("type")) {
            throw c.invalid("'" + c.at("type") + "' is missing; expected one of " + knownTypes());
        }
        String type = c.type();
        Factory f = FACTORIES.get(type);
        if (f == null) {
            throw c.invalid("unknown module type '" + type + "' at '" + (c.path().isEmpty() ? "config" : c.path())
                    + "'; known types: " + knownTypes());
        }
        try {
            return f.create(c, seed);
        } catch (ModuleConfig.ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw c.invalid("'" + (c.path().isEmpty() ? "config" : c.path()) + "' (" + type + "): " + e.getMessage());
        }
    }

    /**
     * Copies every parameter and buffer value of {@code source} into the same-named one of {@code target}, in
     * place (for example to restore the best weights, or to give a rebuilt model trained values).
     *
     * @throws IllegalArgumentException if the names, shapes or data types differ; nothing is copied then
     */
    public static void copyState(Module source, Module target) {
        Map<String, Tensor> sp = source.namedParameters();
        Map<String, Tensor> tp = target.namedParameters();
        Map<String, INDArray> sb = source.namedBuffers();
        Map<String, INDArray> tb = target.namedBuffers();
        if (!sp.keySet().equals(tp.keySet())) {
            throw new IllegalArgumentException("Modules.copyState: parameter names differ: source has "
                    + sp.keySet() + ", target has " + tp.keySet());
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
