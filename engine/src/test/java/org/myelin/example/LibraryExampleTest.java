package org.myelin.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.data.Dataset;
import org.myelin.data.Split;
import org.myelin.data.Synthetic;
import org.myelin.io.ModelFile;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/** The README's library example, compiled and run so that it cannot rot. Keep the two in step. */
class LibraryExampleTest {

    @Test
    void readmeExampleBuildsTrainsEvaluatesAndSaves(@TempDir Path dir) throws Exception {
        // --- README example begins ---
        Dataset moons = Synthetic.twoMoons(1000, 0.1, 42, DataType.FLOAT).asOneHot();
        Split split = Split.of(moons, 0.8, 0.1, 0.1, 42);

        Module model = Models.mlpBuilder(2, 32, 32, 2).optSeed(42).build(); // ReLU MLP, logits out
        Optimizer adam = Optimizers.adam().learningRate(0.01).build(model.namedParameters());
        Trainer trainer =
                new Trainer(model, LossFunction.SOFTMAX_CROSS_ENTROPY, adam, TrainingOptions.of(30, 32, 42), List.of());
        trainer.fit(split.train(), split.validation());

        Evaluation test = Evaluation.of(model, LossFunction.SOFTMAX_CROSS_ENTROPY, split.test(), 256);
        System.out.printf("test accuracy %.3f%n", test.accuracy());
        ModelFile.save(dir.resolve("moons.zip"), model, Map.of("loss", "softmax_cross_entropy"));
        // --- README example ends ---

        assertTrue(test.accuracy() >= 0.95, "accuracy " + test.accuracy());
        Module loaded = ModelFile.load(dir.resolve("moons.zip")).model();
        assertEquals(
                test.loss(),
                Evaluation.of(loaded, LossFunction.SOFTMAX_CROSS_ENTROPY, split.test(), 256)
                        .loss(),
                0.0);
    }
}
