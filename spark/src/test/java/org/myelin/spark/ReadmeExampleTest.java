package org.myelin.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.myelin.data.Dataset;
import org.myelin.data.Split;
import org.myelin.data.Synthetic;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/** The README's "Training on Spark" example, compiled and run so that it cannot rot. Keep the two in step. */
class ReadmeExampleTest {

    @Test
    void readmeSparkExampleTrainsMoons() {
        // --- README example begins ---
        Dataset moons = Synthetic.twoMoons(2000, 0.1, 42, DataType.FLOAT).asOneHot();
        Split split = Split.of(moons, 0.9, 0, 0.1, 42);
        Module model = Models.mlpBuilder(2, 32, 32, 2).optSeed(42).build();
        Optimizer adam = Optimizers.adam().learningRate(0.01).build(model.namedParameters());

        try (JavaSparkContext sc = new JavaSparkContext(SparkConfs.create("local[2]", 1));
                SparkData data = SparkData.of(sc, split.train(), 2)) {
            SparkTrainer trainer = new SparkTrainer(
                    sc,
                    model,
                    adam,
                    LossFunction.SOFTMAX_CROSS_ENTROPY,
                    TrainingOptions.of(10, 64, 42),
                    SparkOptions.localSteps(4)); // or SparkOptions.synchronous()
            SparkHistory history = trainer.fit(data, null);
            RoundRecord last = history.rounds().get(history.rounds().size() - 1);
            System.out.printf(
                    "%d rounds, %.0f samples/s, last round: compute %.1f ms, communication %.1f ms%n",
                    history.rounds().size(),
                    history.samplesPerSecond(),
                    1e3 * last.computeSeconds(),
                    1e3 * last.communicationSeconds());
        }
        Evaluation test = Evaluation.of(model, LossFunction.SOFTMAX_CROSS_ENTROPY, split.test(), 256);
        System.out.printf("test accuracy %.3f%n", test.accuracy());
        // --- README example ends ---
        assertTrue(test.accuracy() > 0.95, "accuracy " + test.accuracy());
    }
}
