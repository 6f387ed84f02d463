package org.myelin.spark;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.myelin.cli.TrainOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code myelin train --spark MASTER [spark options] [train options]}: the options of {@code myelin train} (the
 * engine's {@link TrainOptions}, the same names and defaults) plus {@link SparkCommandOptions}.
 */
@Command(
        name = "myelin train --spark",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Train the job of myelin train (same config file, options and defaults) on Spark; writes"
                + " model.zip, metrics.csv and " + SparkTrainMain.CHECKPOINT_FILE + ".",
        footer = {
            "",
            "Environment: MYELIN_EPOCHS, MYELIN_BATCH_SIZE, MYELIN_SEED override the config file, the options"
                    + " override both."
        })
final class SparkTrainCommand implements Callable<Integer> {
    private final PrintStream out;

    @Mixin
    SparkCommandOptions spark = new SparkCommandOptions();

    @Mixin
    TrainOptions train = new TrainOptions();

    SparkTrainCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        spark.validate();
        try {
            return SparkTrainMain.train(spark, train.config(), out);
        } catch (org.myelin.ConfigurationException e) {
            // Found while the job is set up (data, model): named by the option that set it, as plain train does.
            throw train.explain(e);
        }
    }
}
