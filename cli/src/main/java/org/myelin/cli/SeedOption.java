package org.myelin.cli;

import picocli.CommandLine.Option;

/** {@code --seed N}, the seed of every random choice of a command (train, simulate). */
public final class SeedOption {
    @Option(
            names = "--seed",
            paramLabel = "N",
            converter = Converters.Seed.class,
            description = "seed of every random choice: initialisation, shuffling, dropout, spike trains"
                    + " (train: environment MYELIN_SEED; simulate: synapse and network, the other scenarios draw"
                    + " nothing at random and run the same with any seed)")
    Long seed;
}
