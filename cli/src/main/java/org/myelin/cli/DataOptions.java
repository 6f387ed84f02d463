package org.myelin.cli;

import picocli.CommandLine.Option;

/** {@code --data SOURCE} and {@code --classes K}, as {@code train} and {@code eval} read them. */
public final class DataOptions {
    @Option(
            names = "--data",
            paramLabel = "SOURCE",
            description = "mnist | mnist:DIR | csv:FILE.csv | synthetic:NAME (train only: xor, spirals, moons, ...)")
    String source;

    @Option(
            names = "--classes",
            paramLabel = "K",
            converter = Converters.ClassCount.class,
            description = "csv: the label column holds classes 0..K-1 (train without it: regression)")
    Integer classes;

    /** {@code --classes}, or null when absent; a count below 1 is a usage error. */
    Integer classes() {
        if (classes != null && classes < 1) {
            throw new UsageException("--classes must be a number of classes >= 1, was " + classes);
        }
        return classes;
    }
}
