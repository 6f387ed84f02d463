package org.myelin.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;
import org.myelin.data.Dataset;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.train.LossFunction;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link SparkTrainer#fit} runs the engine trainer's checks ({@link org.myelin.train.FitChecks}) on the driver
 * before its first round: the validation set's evaluation batch against the memory limit (before, refused by the
 * evaluation after the first epoch's rounds), the training data against the model (before, a failed task in the first
 * round) and the training targets' range (before, not refused at all). Each fit is refused before any round, the
 * model unchanged.
 */
class FitChecksTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(SparkConfs.create("local[2]", 1));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static SparkTrainer trainer(Module m) {
        return new SparkTrainer(
                sc,
                m,
                Fixtures.adam(m),
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                TrainingOptions.of(1, 20, 1),
                SparkOptions.synchronous());
    }

    private static String refusal(SparkTrainer t, SparkData train, Dataset validation) {
        Module m = t.model();
        INDArray before = Fixtures.values(m).get(0).dup();
        String message = assertThrows(IllegalArgumentException.class, () -> t.fit(train, validation))
                .getMessage();
        assertEquals(0, t.round(), "rounds ran before the refusal");
        assertEquals(before, Fixtures.values(m).get(0), "the model changed before the refusal");
        return message;
    }

    @Test
    void aValidationSetWhoseEvaluationBatchDoesNotFitIsRefusedBeforeTheFirstRound() {
        Module m = Fixtures.mlp(DataType.FLOAT, 1); // built before the limit: its parameters are not what is sized
        try (SparkData d = SparkData.of(sc, Fixtures.moons(40, DataType.FLOAT), 2)) {
            System.setProperty(Settings.MAX_PARAMETER_BYTES, "8k");
            try {
                // The validation's 200 samples in one batch of TrainingOptions.evaluationBatchSize (1000) pass 8 KiB;
                // the training batches of 20 are sized by no one here and train.
                String message = refusal(trainer(m), d, Fixtures.moons(200, DataType.FLOAT));
                assertTrue(
                        message.startsWith("SparkTrainer: the validation set in batches of"
                                + " TrainingOptions.evaluationBatchSize: Evaluation: batch size 1000 is too large for"
                                + " the model: a batch of 200 [200, 2]"),
                        message);
                assertTrue(message.endsWith("; or evaluate in batches of at most 31 samples"), message);
            } finally {
                System.clearProperty(Settings.MAX_PARAMETER_BYTES);
            }
        }
    }

    @Test
    void trainingAndValidationDataAreCheckedAgainstTheModelAndTheLossBeforeTheFirstRound() {
        Dataset moons = Fixtures.moons(40, DataType.FLOAT);
        Module threeInputs =
                Models.mlpBuilder(3, 16, 2).optDataType(DataType.FLOAT).build();
        try (SparkData d = SparkData.of(sc, moons, 2);
                SparkData scaled = SparkData.of(
                        sc, Dataset.of(moons.features(), moons.targets().mul(2)), 2)) {
            String m = refusal(trainer(threeInputs), d, null);
            assertTrue(
                    m.startsWith("SparkTrainer: the training set does not fit the model: Dense[3->16]: input has shape"
                            + " [2, 2], expected [*, 3]"),
                    m);
            assertEquals(
                    "SparkTrainer: softmax_cross_entropy needs targets in [0, 1] (one-hot rows or class"
                            + " probabilities), the training targets range over [0.0, 2.0]",
                    refusal(trainer(Fixtures.mlp(DataType.FLOAT, 1)), scaled, null));
            Dataset wide = Dataset.of(
                    org.nd4j.linalg.factory.Nd4j.rand(DataType.FLOAT, 10, 3),
                    moons.targets()
                            .get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
            m = refusal(trainer(Fixtures.mlp(DataType.FLOAT, 1)), d, wide);
            assertTrue(m.startsWith("SparkTrainer: the validation set does not fit the model: "), m);
        }
    }

    @Test
    void theChecksLeaveTrainingAsItWas() {
        // A fit that passes the checks trains as before: they ran the model without recording, buffers restored.
        try (SparkData d = SparkData.of(sc, Fixtures.moons(40, DataType.FLOAT), 2)) {
            SparkTrainer t = trainer(Fixtures.mlp(DataType.FLOAT, 1));
            t.fit(d, Fixtures.moons(20, DataType.FLOAT));
            assertEquals(2, t.round());
            assertEquals(
                    List.of(1),
                    t.history().epochs().epochs().stream().map(e -> e.epoch()).toList());
        }
    }
}
