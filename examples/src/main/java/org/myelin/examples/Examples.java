package org.myelin.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The registry of the notes' experiments behind {@code myelin example NAME}, in the order of the table in docs/examples.md
 * (from perceptrons to training mechanics). Each name maps to a fresh instance per call.
 */
public final class Examples {
    private static final Map<String, Supplier<Example>> ALL = new LinkedHashMap<>();

    static {
        register(GatesExample.NAME, GatesExample::new);
        register(SpiralsExample.NAME, SpiralsExample::new);
        register(FiniteDifferenceExample.NAME, FiniteDifferenceExample::new);
        register(SaturationExample.NAME, SaturationExample::new);
        register(VanishingExample.NAME, VanishingExample::new);
        register(ExplodingExample.NAME, ExplodingExample::new);
        register(OverfittingExample.NAME, OverfittingExample::new);
        register(DropoutExample.NAME, DropoutExample::new);
        register(EarlyStoppingExample.NAME, EarlyStoppingExample::new);
        register(BatchNormExample.NAME, BatchNormExample::new);
        register(OptimizersExample.NAME, OptimizersExample::new);
        register(InitExample.NAME, InitExample::new);
        register(ApproximationExample.NAME, ApproximationExample::new);
        register(BatchSizesExample.NAME, BatchSizesExample::new);
        register(CnnFeaturesExample.NAME, CnnFeaturesExample::new);
    }

    private Examples() {}

    private static void register(String name, Supplier<Example> factory) {
        ALL.put(name, factory);
    }

    /** The example names, in registry order. */
    public static List<String> names() {
        return new ArrayList<>(ALL.keySet());
    }

    /** A fresh instance of every example, in registry order. */
    public static List<Example> all() {
        List<Example> out = new ArrayList<>();
        ALL.values().forEach(f -> out.add(f.get()));
        return out;
    }

    /**
     * A fresh instance of the example {@code name}.
     *
     * @throws IllegalArgumentException naming the unknown example and listing the known ones
     */
    public static Example byName(String name) {
        Supplier<Example> f = name == null ? null : ALL.get(name);
        if (f == null) {
            throw new IllegalArgumentException(
                    "unknown example '" + name + "'; expected one of " + names() + " (myelin example --list)");
        }
        return f.get();
    }
}
