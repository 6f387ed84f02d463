package org.myelin.cli;

import picocli.CommandLine.Option;

/** {@code --batch-size N}, the samples per step of training or per forward pass of evaluation (train, eval). */
public final class BatchSizeOption {
    @Option(
            names = "--batch-size",
            paramLabel = "N",
            converter = Converters.PositiveWholeNumber.class,
            description = "samples per step (train: environment MYELIN_BATCH_SIZE; eval: per forward pass, default"
                    + " 1000)")
    Integer batchSize;
}
