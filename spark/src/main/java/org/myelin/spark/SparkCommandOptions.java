package org.myelin.spark;

import org.myelin.cli.Converters;
import org.myelin.cli.UsageException;
import picocli.CommandLine.Option;

/**
 * The options {@code myelin train --spark} adds to those of {@code myelin train} ({@link SparkTrainCommand}); the
 * trainer gets them as {@link SparkOptions}.
 */
final class SparkCommandOptions {
    @Option(
            names = "--spark",
            paramLabel = "MASTER",
            description = "Spark master URL: local[2], local-cluster[2,1,1024], spark://HOST:7077 (required)")
    String master;

    @Option(
            names = "--partitions",
            paramLabel = "P",
            defaultValue = "2",
            converter = Converters.PositiveWholeNumber.class,
            description = "data partitions (default ${DEFAULT-VALUE})")
    int partitions;

    @Option(
            names = "--local-steps",
            paramLabel = "K",
            defaultValue = "0",
            converter = Converters.NonNegativeWholeNumber.class,
            description = "0 (default): synchronous gradient averaging, one step per round on the global batch;"
                    + " K >= 1: K local steps per partition, then parameters and optimiser state are averaged"
                    + " (batch size = global batch, B / P per partition)")
    int localSteps;

    @Option(
            names = "--threads",
            paramLabel = "T",
            defaultValue = "1",
            converter = Converters.PositiveWholeNumber.class,
            description = "threads per executor and task: spark.task.cpus and OMP_NUM_THREADS"
                    + " (default ${DEFAULT-VALUE})")
    int threads;

    @Option(
            names = "--checkpoint-rounds",
            paramLabel = "N",
            defaultValue = "50",
            converter = Converters.NonNegativeWholeNumber.class,
            description = "checkpoint every N rounds to OUT/" + SparkTrainMain.CHECKPOINT_FILE
                    + " (default ${DEFAULT-VALUE}; resumed from unless --no-resume)")
    int checkpointRounds;

    @Option(
            names = "--share-classpath",
            description = "executors use the driver's class path (executors on this" + " machine)")
    boolean shareClassPath;

    /**
     * Checks what picocli cannot: a master is given. The counts' converters refuse a value out of range quoting it
     * ({@code --partitions must be an integer in 1..2147483647, was '0'}); checked again here for a caller that sets
     * the fields.
     */
    void validate() {
        if (master == null) {
            throw new UsageException(
                    "--spark MASTER is required (local[2], local-cluster[2,1,1024]," + " spark://HOST:7077)");
        }
        atLeast("--partitions", partitions, 1);
        atLeast("--local-steps", localSteps, 0);
        atLeast("--threads", threads, 1);
        atLeast("--checkpoint-rounds", checkpointRounds, 0);
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new UsageException(name + " must be >= " + min + ", was " + value);
        }
    }
}
