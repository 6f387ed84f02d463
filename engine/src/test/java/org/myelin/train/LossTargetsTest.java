package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.nn.Dense;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Targets outside a loss's domain fail with one line instead of a NaN or meaningless loss. */
class LossTargetsTest {
    private static final Tensor PRED =
            Tensor.constant(Nd4j.createFromArray(new float[][] {{0.2f, 0.3f}, {0.6f, 0.1f}}));

    private static Tensor target(float a, float b, float c, float d) {
        return Tensor.constant(Nd4j.createFromArray(new float[][] {{a, b}, {c, d}}));
    }

    @ParameterizedTest
    @EnumSource(LossFunction.class)
    void nanTargetIsRejected(LossFunction f) {
        // Was a NaN loss for every loss function.
        var e = assertThrows(IllegalArgumentException.class, () -> f.apply(PRED, target(0, 1, Float.NaN, 0)));
        assertEquals(f.id() + ": target: row 1 column 0 is NaN", e.getMessage());
        var inf = assertThrows(
                IllegalArgumentException.class, () -> f.apply(PRED, target(0, Float.NEGATIVE_INFINITY, 1, 0)));
        assertEquals(f.id() + ": target: row 0 column 1 is -Infinity", inf.getMessage());
    }

    @ParameterizedTest
    @EnumSource(LossFunction.class)
    void crossEntropiesNeedTargetsInUnitInterval(LossFunction f) {
        if (!f.isClassification()) {
            f.apply(PRED, target(0, 2, -1, 0)); // any finite regression target
            return;
        }
        // Was a finite but meaningless loss (negative for -1: categorical cross-entropy gave -3.8).
        var e = assertThrows(IllegalArgumentException.class, () -> f.apply(PRED, target(0, 1, -1, 0)));
        assertEquals(
                f.id() + ": target row 1 column 0 is -1.0, expected a value in [0, 1] (a probability, one-hot"
                        + " or 0/1 label)",
                e.getMessage());
        var two = assertThrows(IllegalArgumentException.class, () -> f.apply(PRED, target(0, 2, 1, 0)));
        assertEquals(
                f.id() + ": target row 0 column 1 is 2.0, expected a value in [0, 1] (a probability, one-hot"
                        + " or 0/1 label)",
                two.getMessage());
        f.apply(PRED, target(0.1f, 0.9f, 1, 0)); // soft targets stay allowed
    }

    @Test
    void evaluationOfRegressionTargetsWithCrossEntropy() {
        // Was loss -0.95 and accuracy 1.0: targets of 3 read as class 1.
        var x = Nd4j.rand(DataType.FLOAT, 4, 2);
        Dataset data = Dataset.of(x, Nd4j.valueArrayOf(new long[] {4, 1}, 3f));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Evaluation.of(
                        new Dense(2, 1, DataType.FLOAT, 1), LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS, data, 3));
        assertEquals(
                "binary_cross_entropy_with_logits: target row 0 column 0 is 3.0, expected a value in [0, 1]"
                        + " (a probability, one-hot or 0/1 label)",
                e.getMessage());
    }
}
