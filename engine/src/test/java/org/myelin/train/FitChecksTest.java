package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.myelin.data.Dataset;
import org.myelin.nn.BatchNorm;
import org.myelin.nn.Dense;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FitChecks} is public for trainers that run their steps elsewhere; each check stands alone, so one called
 * without {@link FitChecks#requireData} first still refuses a missing or empty set with that message, not with a
 * NullPointerException or an error from ND4J's reduction of an empty array.
 */
class FitChecksTest {

    private static Dataset empty() {
        return Dataset.classification(Nd4j.create(DataType.FLOAT, 0, 3), new int[0], 2);
    }

    @Test
    void theTargetRangeCheckRefusesAMissingOrEmptySetByName() {
        var missing = assertThrows(
                IllegalArgumentException.class,
                () -> FitChecks.requireTargetRange(
                        "Mine", LossFunction.SOFTMAX_CROSS_ENTROPY, "validation", (Dataset) null));
        assertEquals("Mine: the validation set must not be null", missing.getMessage());
        var none = assertThrows(
                IllegalArgumentException.class,
                () -> FitChecks.requireTargetRange("Mine", LossFunction.SOFTMAX_CROSS_ENTROPY, "training", empty()));
        assertEquals("Mine: the training set is empty", none.getMessage());
    }

    @Test
    void theModelCheckRefusesAMissingOrEmptySetByName() {
        var model = new Sequential(new Dense(3, 2, DataType.FLOAT, 1));
        var none = assertThrows(
                IllegalArgumentException.class,
                () -> FitChecks.requireFitsModel(
                        "Mine", model, LossFunction.SOFTMAX_CROSS_ENTROPY, "training", empty(), Optional.empty()));
        assertEquals("Mine: the training set is empty", none.getMessage());
    }

    @Test
    void aOneSampleBatchReasonRunsTheTrainingModePassAndIsNamedInTheRefusal() {
        var model = new Sequential(
                new Dense(3, 4, DataType.FLOAT, 1),
                new BatchNorm(4, DataType.FLOAT),
                new Dense(4, 2, DataType.FLOAT, 2));
        var data = Dataset.classification(Nd4j.rand(DataType.FLOAT, 5, 3), new int[] {0, 1, 0, 1, 0}, 2);
        FitChecks.requireFitsModel(
                "Mine", model, LossFunction.SOFTMAX_CROSS_ENTROPY, "training", data, Optional.empty());
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> FitChecks.requireFitsModel(
                        "Mine",
                        model,
                        LossFunction.SOFTMAX_CROSS_ENTROPY,
                        "training",
                        data,
                        Optional.of("the last batch holds 1 sample")));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "Mine: the training set does not fit the model (the last batch holds 1" + " sample): "),
                e.getMessage());
        assertTrue(model.isTraining(), "the model's mode was not restored");
    }
}
