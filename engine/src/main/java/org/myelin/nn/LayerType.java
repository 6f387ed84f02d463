package org.myelin.nn;

/**
 * One kind of layer as the module registry ({@link Modules#TYPES}) knows it: the record its config binds to
 * (snake_case keys, defaults and range checks in the record's compact constructor) and the factory that builds the
 * layer from a bound config.
 *
 * @param config  the config record class, bound by {@link org.myelin.config.ConfigBinder}
 * @param factory builds the layer; {@link LayerBuild} gives the seed, the allocation budget and child building
 * @param <C>     the config record
 */
public record LayerType<C extends Record>(Class<C> config, Factory<C> factory) {

    /** Builds a layer from its bound config. */
    @FunctionalInterface
    public interface Factory<C extends Record> {
        Module create(C config, LayerBuild build);
    }

    /** {@code new LayerType<>(config, factory)} with the type arguments inferred. */
    public static <C extends Record> LayerType<C> of(Class<C> config, Factory<C> factory) {
        return new LayerType<>(config, factory);
    }

    Module create(Record config, LayerBuild build) {
        return factory.create(this.config.cast(config), build);
    }
}
