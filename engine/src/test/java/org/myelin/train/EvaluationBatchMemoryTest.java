package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;
import org.myelin.data.Dataset;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.GlobalAvgPool2d;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Evaluation#of} sizes one batch's pass against the memory limit before the first forward pass, as
 * {@code myelin eval --batch-size} does (the same check, {@link Evaluation#requireBatchFits}): LeNet-5 on [1, 28, 28]
 * holds 49,602 values (198,408 bytes) per sample in a pass (every layer's output and the two convolutions' im2col
 * matrices), so under a 1 MiB limit 5 samples fit and 64 do not. The evaluation runs in a workspace, where
 * {@code Sequential.forward}'s own prediction check does not apply, so it had no check at all.
 */
class EvaluationBatchMemoryTest {

    @BeforeEach
    void setLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
    }

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    private static Dataset images(int n) {
        INDArray targets = Nd4j.zeros(DataType.FLOAT, n, 10);
        targets.getColumn(0).assign(1);
        return Dataset.of(Nd4j.rand(DataType.FLOAT, n, 1, 28, 28), targets);
    }

    private static Sequential lenet() {
        return Models.lenet5(DataType.FLOAT, 1, 1, 28, 28, 10);
    }

    @Test
    void aBatchWhosePassDoesNotFitIsRefusedNamingTheBatchSizeAndTheLargestThatFits() {
        Dataset data = images(64);
        String m = assertThrows(
                        IllegalArgumentException.class,
                        () -> Evaluation.of(lenet(), LossFunction.SOFTMAX_CROSS_ENTROPY, data, 64))
                .getMessage();
        assertEquals(
                "Evaluation: batch size 64 is too large for the model: a batch of 64 [64, 1, 28, 28] (its largest"
                        + " layer: layers[0] (Conv2d), output [64, 6, 28, 28] and im2col matrix (1,254,400 values))"
                        + " needs 12.11 MiB (12698112 bytes) for its 3,174,528 values, more than the limit of 1.00 MiB"
                        + " (1048576 bytes) (-Dmyelin.maxParameterBytes); to allow it, raise the limit with"
                        + " -Dmyelin.maxParameterBytes=SIZE (e.g. 16g; for scripts/myelin in MYELIN_JAVA_OPTS) on a"
                        + " machine with the memory for it; or evaluate in batches of at most 5 samples",
                m);
        assertEquals(
                64,
                Evaluation.of(lenet(), LossFunction.SOFTMAX_CROSS_ENTROPY, data, 5)
                        .samples());
    }

    @Test
    void aBatchSizeBeyondTheDataIsSizedForTheSamplesThereAre() {
        String m = assertThrows(
                        IllegalArgumentException.class,
                        () -> Evaluation.of(lenet(), LossFunction.SOFTMAX_CROSS_ENTROPY, images(8), 1000))
                .getMessage();
        assertTrue(
                m.startsWith("Evaluation: batch size 1000 is too large for the model: a batch of 8 [8, 1, 28, 28]"), m);
        assertTrue(m.endsWith("; or evaluate in batches of at most 5 samples"), m);
    }

    @Test
    void aModelWhoseOneSampleDoesNotFitIsRefusedAsSuch() {
        // A convolution padded by 200 outputs 10 x 426 x 426 values per sample besides an im2col matrix of 9 x 426 x
        // 426.
        Module wide = new Sequential(
                Conv2d.builder(1, 10, 3).optPadding(200, 200).build(),
                new GlobalAvgPool2d(),
                new Dense(10, 10, DataType.FLOAT, 1));
        String m = assertThrows(
                        IllegalArgumentException.class,
                        () -> Evaluation.of(wide, LossFunction.SOFTMAX_CROSS_ENTROPY, images(2), 1))
                .getMessage();
        assertTrue(m.startsWith("Evaluation: batch size 1 is too large for the model: a batch of 1"), m);
        assertTrue(m.endsWith("; one sample does not fit"), m);
    }

    @Test
    void theTrainerRefusesAnEvaluationBatchThatDoesNotFitBeforeItsFirstStep() {
        Sequential model = lenet();
        INDArray before = model.namedParameters().get("0.weight").value().dup();
        // Training batches of 4 fit; the validation's default batch of 1000 (here its 64 samples) does not.
        Trainer trainer = new Trainer(
                model,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.adam().learningRate(0.01).build(model.namedParameters()),
                TrainingOptions.of(1, 4, 7),
                List.of());
        String m = assertThrows(IllegalArgumentException.class, () -> trainer.fit(images(8), images(64)))
                .getMessage();
        assertTrue(
                m.startsWith(
                        "Trainer: the validation set in batches of TrainingOptions.evaluationBatchSize: Evaluation:"
                                + " batch size 1000 is too large for the model: a batch of 64"),
                m);
        assertEquals(before, model.namedParameters().get("0.weight").value(), "a training step ran");
    }
}
