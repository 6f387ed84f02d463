package org.myelin.cli;

import picocli.CommandLine.Option;

/**
 * The data options of {@code train} and {@code eval}, declared once so that each means the same in both:
 * {@code --data SOURCE}, {@code --data-dir DIR} (MNIST), {@code --classes K} and {@code --label-column NAME} (CSV).
 */
public final class DataOptions {
    @Option(
            names = "--data",
            paramLabel = "SOURCE",
            description = "mnist | mnist:DIR | csv:FILE.csv | synthetic:NAME (train only: xor, spirals, moons, ...)")
    String source;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "mnist: the directory of the MNIST IDX files (plain or .gz) instead of the cache")
    String dataDir;

    @Option(
            names = "--classes",
            paramLabel = "K",
            converter = Converters.ClassCount.class,
            description = "csv: the label column holds classes 0..K-1 (train without it: regression)")
    Integer classes;

    @Option(names = "--label-column", paramLabel = "NAME", description = "csv: the label column (default: the last)")
    String labelColumn;

    /** How {@code --data} names each source, for messages. */
    static final java.util.Map<String, String> DATA_FORMS =
            java.util.Map.of("mnist", "mnist[:DIR]", "csv", "csv:FILE", "synthetic", "synthetic:NAME");

    /**
     * {@code --test applies only to --data csv:FILE, not mnist}: the sources whose config section takes {@code key},
     * which {@code option} sets, and the source given; null when no source takes it.
     */
    static String appliesOnly(String option, String key, String given) {
        java.util.List<String> takers = new java.util.ArrayList<>();
        for (String name : org.myelin.train.DataSources.REGISTRY.names()) {
            if (org.myelin.train.DataSources.takes(name, key)) {
                takers.add("--data " + DATA_FORMS.getOrDefault(name, name));
            }
        }
        return takers.isEmpty() ? null : option + " applies only to " + String.join(" or ", takers) + ", not " + given;
    }

    /** {@code --data mnist:DIR} and {@code --data-dir DIR} name the same directory: one of them, not both. */
    void requireOneMnistDirectory() {
        if (dataDir != null && source != null && source.startsWith("mnist:")) {
            throw new UsageException("--data-dir " + dataDir + " and --data " + source + " both name the MNIST"
                    + " directory; give one of them");
        }
    }

    /** {@code --classes}, or null when absent; a count below 1 is a usage error. */
    Integer classes() {
        if (classes != null && classes < 1) {
            throw new UsageException("--classes must be a number of classes >= 1, was " + classes);
        }
        return classes;
    }
}
