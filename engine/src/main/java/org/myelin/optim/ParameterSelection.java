package org.myelin.optim;

import java.util.Set;
import java.util.function.Predicate;

/** Which parameters (by dotted name) a penalty or constraint applies to. */
public final class ParameterSelection {
    private ParameterSelection() {}

    /** Weights only: names ending in {@code "weight"} ({@code "layers.0.weight"}); biases and others excluded. */
    public static Predicate<String> weights() {
        return name -> name.endsWith("weight");
    }

    /** Every parameter. */
    public static Predicate<String> all() {
        return name -> true;
    }

    /** Exactly the named parameters. */
    public static Predicate<String> only(String... names) {
        Set<String> set = Set.of(names);
        return set::contains;
    }
}
