package org.myelin.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.autodiff.Tensor;
import org.myelin.config.ConfigBinder;

/**
 * The typed builder of one optimiser ({@code Optimizers.adam().learningRate(1e-3).build(parameters)}): each setter
 * records a value under its config key, and {@link #build} binds them through the same path as a job config, so
 * the defaults and range checks stay in the optimiser's hyper-parameter record, written once. Unset values take
 * the record's defaults.
 *
 * @param <B> the builder itself, for chaining
 * @param <O> the optimiser it builds
 */
public abstract class OptimizerBuilder<B extends OptimizerBuilder<B, O>, O extends Optimizer> {
    private final String type;
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** @param type the optimiser's registered name */
    protected OptimizerBuilder(String type) {
        this.type = type;
    }

    /** Records {@code value} for the hyper-parameter record component {@code component} ({@code learningRate}). */
    @SuppressWarnings("unchecked")
    protected final B set(String component, Object value) {
        values.put(ConfigBinder.key(component), value);
        return (B) this;
    }

    /** The values set so far as a config map with its {@code "type"}, as {@link Optimizers#fromConfig} takes. */
    public final Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.putAll(values);
        return c;
    }

    /**
     * The optimiser over {@code parameters}.
     *
     * @throws org.myelin.ConfigurationException for a value out of range, naming the optimiser and the value
     */
    @SuppressWarnings("unchecked")
    public final O build(Map<String, Tensor> parameters) {
        return (O) Optimizers.create(type, values, parameters);
    }
}
