package org.myelin.optim;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Tensor;
import org.myelin.config.ConfigBinder;
import org.myelin.config.Registry;

/**
 * The optimisers by name: one {@link Registry} entry each, with its help line and its {@link Kind} (the
 * hyper-parameter record and the constructor). The record holds every key and its default once; a config section
 * {@code {"type": "adam", "learning_rate": 0.01}} binds to it through {@link ConfigBinder} (snake_case keys,
 * unknown keys refused with the closest valid one, ranges checked by the record), and {@link Optimizer#config()}
 * writes the same keys back, so that {@link #fromConfig} rebuilds an equivalent optimiser.
 *
 * <p>Beside the config path, typed builders: {@code Optimizers.adam().learningRate(1e-3).build(parameters)}.
 *
 * <p>Adding an optimiser: its class (with its {@code Hyper} record and {@code Builder}), one {@code register} line
 * and one builder method here, and its test (docs/architecture.md).
 */
public final class Optimizers {
    private Optimizers() {}

    /**
     * How one optimiser is built: its hyper-parameter record (the keys of its config section, with their defaults
     * and ranges) and its constructor.
     *
     * @param <H> the hyper-parameter record
     */
    public record Kind<H extends Record>(
            Class<H> hyper, BiFunction<Map<String, Tensor>, H, ? extends Optimizer> factory) {
        /** Binds {@code hyper} (without its {@code "type"}) at {@code path} and builds the optimiser. */
        public Optimizer create(String path, Map<String, ?> hyperParameters, Map<String, Tensor> parameters) {
            return factory.apply(parameters, bind(path, hyperParameters));
        }

        /** Binds the hyper-parameters of a config section at {@code path}, ignoring its {@code "type"}. */
        public H bind(String path, Map<String, ?> hyperParameters) {
            Map<String, Object> values = new LinkedHashMap<>(hyperParameters == null ? Map.of() : hyperParameters);
            values.remove("type");
            return ConfigBinder.bind(path, values, hyper);
        }

        /** Builds the optimiser from hyper-parameters bound by {@link #bind}. */
        public Optimizer build(Map<String, Tensor> parameters, Record hyperParameters) {
            return factory.apply(parameters, hyper.cast(hyperParameters));
        }
    }

    private static <H extends Record> Kind<H> kind(
            Class<H> hyper, BiFunction<Map<String, Tensor>, H, ? extends Optimizer> factory) {
        return new Kind<>(hyper, factory);
    }

    /** Every optimiser, in the order of the docs. */
    public static final Registry<Kind<?>> REGISTRY = new Registry<Kind<?>>("optimizer")
            .register("sgd", "plain gradient descent: w -= lr g", kind(Sgd.Hyper.class, Sgd::new))
            .register(
                    "momentum",
                    "gradient descent with momentum, heavy_ball, friction or convex form",
                    kind(Momentum.Config.class, (p, c) -> new Momentum(p, c.hyper())))
            .register(
                    "nesterov",
                    "Nesterov accelerated gradient (PyTorch's form)",
                    kind(Nesterov.Hyper.class, Nesterov::new))
            .register(
                    "adagrad",
                    "Adagrad: per-weight rates from the sum of squared gradients",
                    kind(Adagrad.Hyper.class, Adagrad::new))
            .register(
                    "rmsprop",
                    "RMSprop: per-weight rates from a moving mean of squared gradients",
                    kind(RmsProp.Hyper.class, RmsProp::new))
            .register(
                    "adadelta",
                    "Adadelta: unit-free steps from moving means of squared gradients and steps",
                    kind(Adadelta.Hyper.class, Adadelta::new))
            .register("adam", "Adam with bias correction (PyTorch's eps placement)", kind(Adam.Hyper.class, Adam::new))
            .register("adamw", "Adam with decoupled weight decay", kind(AdamW.Hyper.class, AdamW::new))
            .register(
                    "lion",
                    "Lion: sign of an interpolated momentum, decoupled weight decay",
                    kind(Lion.Hyper.class, Lion::new));

    /** The names {@link #create} accepts, in registration order. */
    public static final List<String> NAMES = REGISTRY.names();

    public static Sgd.Builder sgd() {
        return new Sgd.Builder();
    }

    public static Momentum.Builder momentum() {
        return new Momentum.Builder();
    }

    public static Nesterov.Builder nesterov() {
        return new Nesterov.Builder();
    }

    public static Adagrad.Builder adagrad() {
        return new Adagrad.Builder();
    }

    public static RmsProp.Builder rmsprop() {
        return new RmsProp.Builder();
    }

    public static Adadelta.Builder adadelta() {
        return new Adadelta.Builder();
    }

    public static Adam.Builder adam() {
        return new Adam.Builder();
    }

    public static AdamW.Builder adamw() {
        return new AdamW.Builder();
    }

    public static Lion.Builder lion() {
        return new Lion.Builder();
    }

    /**
     * Builds the optimiser {@code name} (case-insensitive) over {@code parameters}; {@code hyper} holds its
     * hyper-parameters by config key (a {@code "type"} entry is ignored). Errors name the key under the path
     * {@code optimizer}.
     *
     * @throws ConfigurationException for an unknown name or key, a value of the wrong type or out of range
     */
    public static Optimizer create(String name, Map<String, ?> hyper, Map<String, Tensor> parameters) {
        return REGISTRY.get("optimizer.type", name).create("optimizer", hyper, parameters);
    }

    /** Builds an optimiser from a map with a {@code "type"} entry, such as {@link Optimizer#config()} returns. */
    public static Optimizer fromConfig(Map<String, ?> config, Map<String, Tensor> parameters) {
        return fromConfig("optimizer", config, parameters);
    }

    /** {@link #fromConfig(Map, Map)} for a section at {@code path} of a larger config, for messages. */
    public static Optimizer fromConfig(String path, Map<String, ?> config, Map<String, Tensor> parameters) {
        Object type = config == null ? null : config.get("type");
        if (type != null && !(type instanceof String)) {
            throw new ConfigurationException(path + ".type", "must be a string, was " + type);
        }
        return REGISTRY.get(path + ".type", (String) type).create(path, config, parameters);
    }

    /**
     * The config map of an optimiser: {@code "type"}, then each non-null component of {@code hyper} under its
     * snake_case key, in declaration order (what {@link Optimizer#config()} returns).
     */
    public static Map<String, Object> config(String type, Record hyper) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        for (RecordComponent rc : hyper.getClass().getRecordComponents()) {
            try {
                Object v = rc.getAccessor().invoke(hyper);
                if (v != null) {
                    c.put(ConfigBinder.key(rc.getName()), v);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Optimizers: cannot read " + rc.getName() + " of " + hyper, e);
            }
        }
        return c;
    }
}
