package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizers;
import org.myelin.plot.LinePlot;
import org.myelin.train.EarlyStopping;
import org.myelin.train.EpochRecord;
import org.myelin.train.Evaluation;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code early-stopping}: a ReLU MLP 2-64-64-1 trained on only {@value #TRAIN_POINTS} noisy two-moons points
 * starts to fit their noise, and its validation loss (on {@value #VALIDATION_POINTS} other points) passes a
 * minimum and rises. Early stopping (Oxford ML §3.3, MIT 6.390 §6.8.1.1; see docs/notes.md) stops training
 * {@value #PATIENCE} epochs after the best validation loss and restores the weights of that epoch.
 *
 * <p>Adam (learning rate 0.01), full-batch steps, at most {@value #MAX_EPOCHS} epochs, seed {@value #SEED}.
 * Writes {@code early_stopping.png} (training and validation loss, the best epoch and the stop) and
 * {@code early_stopping.csv}.
 */
public final class EarlyStoppingExample implements Example {
    public static final String NAME = "early-stopping";
    static final int TRAIN_POINTS = 40;
    static final int VALIDATION_POINTS = 400;
    static final int MAX_EPOCHS = 300;
    static final int PATIENCE = 20;
    static final long SEED = 2;

    /**
     * @param epochsRun          epochs trained before stopping
     * @param bestEpoch          the epoch with the lowest validation loss (1-based)
     * @param bestValidationLoss the lowest validation loss seen during training
     * @param lastValidationLoss the validation loss of the last epoch trained
     * @param restoredValidationLoss the validation loss of the model after training (the restored weights)
     */
    public record Result(
            int epochsRun,
            int bestEpoch,
            double bestValidationLoss,
            double lastValidationLoss,
            double restoredValidationLoss,
            double[] validationLosses,
            String summary,
            List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "stop after the patience and restore the best validation weights (Oxford ML §3.3, MIT 6.390 §6.8.1.1; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset train = Synthetic.twoMoons(TRAIN_POINTS, 0.3, SEED, DataType.DOUBLE);
        Dataset validation = Synthetic.twoMoons(VALIDATION_POINTS, 0.3, SEED + 1, DataType.DOUBLE);
        Sequential model = Models.mlpBuilder(2, 64, 64, 1)
                .optDataType(DataType.DOUBLE)
                .optSeed(SEED)
                .build();
        LossFunction loss = LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS;
        EarlyStopping stopping = new EarlyStopping(PATIENCE, 0.0, true);
        History h = new Trainer(
                        model,
                        loss,
                        Optimizers.create("adam", Map.of("learning_rate", 0.01), model.namedParameters()),
                        TrainingOptions.of(MAX_EPOCHS, TRAIN_POINTS, SEED),
                        List.of(stopping))
                .fit(train, validation);
        double restored =
                Evaluation.of(model, loss, validation, VALIDATION_POINTS).loss();

        double[] epochs = Runs.epochs(h);
        double[] trainLoss = Runs.column(h, EpochRecord::trainLoss);
        double[] valLoss = Runs.column(h, EpochRecord::validationLoss);
        int best = stopping.bestEpoch();
        Path png = outDir.resolve("early_stopping.png");
        LinePlot.titled("Early stopping (patience " + PATIENCE + ") on " + TRAIN_POINTS + " noisy two-moons points")
                .xLabel("epoch")
                .yLabel("cross-entropy loss")
                .series("training loss", epochs, trainLoss)
                .series("validation loss", epochs, valLoss)
                .scatter("best validation loss (weights restored), epoch " + best, new double[] {best}, new double[] {
                    stopping.bestValidationLoss()
                })
                .scatter("stopped, epoch " + epochs.length, new double[] {epochs.length}, new double[] {
                    valLoss[valLoss.length - 1]
                })
                .save(png);
        Path csv = new Table()
                .column("epoch", epochs)
                .column("train_loss", trainLoss)
                .column("validation_loss", valLoss)
                .write(outDir.resolve("early_stopping.csv"));
        String summary = String.format(
                "Early stopping, patience %d, at most %d epochs:%n"
                        + "  best validation loss %s at epoch %d; stopped after epoch %d (validation loss %s)%n"
                        + "  restored model's validation loss: %s",
                PATIENCE,
                MAX_EPOCHS,
                Runs.fmt(stopping.bestValidationLoss()),
                best,
                epochs.length,
                Runs.fmt(valLoss[valLoss.length - 1]),
                Runs.fmt(restored));
        return new Result(
                epochs.length,
                best,
                stopping.bestValidationLoss(),
                valLoss[valLoss.length - 1],
                restored,
                valLoss,
                summary,
                List.of(png, csv));
    }
}
