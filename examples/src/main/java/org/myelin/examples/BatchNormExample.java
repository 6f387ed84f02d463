package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Sgd;
import org.myelin.plot.LinePlot;
import org.myelin.train.EpochRecord;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code batchnorm}: a deep logistic network 2-{@value #WIDTH}x{@value #DEPTH}-1 with and without batch
 * normalisation of each hidden pre-activation (MIT 6.390 §6.8.3: standardise per unit over the mini-batch, then scale
 * by G and shift by B; see docs/notes.md). Without it the small slopes of the logistic units multiply up and the early
 * layers barely learn (see {@code vanishing}); with it the pre-activations stay where the slope is largest, and the
 * network reaches the target training loss {@value #TARGET} in fewer epochs.
 *
 * <p>Two moons ({@value #POINTS} points, noise 0.1), N(0, 1/D) initialisation, plain SGD (learning rate
 * {@value #LEARNING_RATE}, batches of 32), at most {@value #MAX_EPOCHS} epochs, seed {@value #SEED}. The training
 * loss of an epoch is the mean over its batches. Writes {@code batchnorm.png} and {@code batchnorm.csv}.
 */
public final class BatchNormExample implements Example {
    public static final String NAME = "batchnorm";
    static final int WIDTH = 32;
    static final int DEPTH = 5;
    static final int POINTS = 256;
    static final int MAX_EPOCHS = 15;
    static final double TARGET = 0.3;
    static final double LEARNING_RATE = 0.1;
    static final long SEED = 5;

    /**
     * Epochs until the training loss first fell to {@value #TARGET} or below ({@code -1} if it did not within
     * {@value #MAX_EPOCHS}), and the training loss per epoch, without and with batch norm.
     */
    public record Result(
            int plainEpochs,
            int batchNormEpochs,
            double[] plainLoss,
            double[] batchNormLoss,
            String summary,
            List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a deep sigmoid network with and without batch normalisation: epochs to a target loss (MIT 6.390 §6.8.3; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset moons = Synthetic.twoMoons(POINTS, 0.1, SEED, DataType.DOUBLE);
        double[] plain = train(moons, false);
        double[] bn = train(moons, true);
        int plainEpochs = epochsTo(plain);
        int bnEpochs = epochsTo(bn);
        double[] target = new double[MAX_EPOCHS];
        java.util.Arrays.fill(target, TARGET);
        Path png = outDir.resolve("batchnorm.png");
        LinePlot.titled("Deep logistic network (5 hidden layers of " + WIDTH + ") with and without batch norm")
                .xLabel("epoch")
                .yLabel("training loss (cross-entropy)")
                .series("without batch norm", Runs.count(plain.length), plain)
                .series("with batch norm", Runs.count(bn.length), bn)
                .series("target " + TARGET, Runs.count(MAX_EPOCHS), target)
                .save(png);
        Path csv = new Table()
                .column("epoch", Runs.count(MAX_EPOCHS))
                .column("train_loss_plain", plain)
                .column("train_loss_batchnorm", bn)
                .write(outDir.resolve("batchnorm.csv"));
        String summary = String.format(
                "Epochs until the training loss reaches %s (at most %d):%n"
                        + "  without batch norm: %s (final loss %s)%n"
                        + "  with batch norm:    %s (final loss %s)",
                TARGET,
                MAX_EPOCHS,
                describe(plainEpochs),
                Runs.fmt(plain[plain.length - 1]),
                describe(bnEpochs),
                Runs.fmt(bn[bn.length - 1]));
        return new Result(plainEpochs, bnEpochs, plain, bn, summary, List.of(png, csv));
    }

    private static double[] train(Dataset data, boolean batchNorm) {
        int[] sizes = new int[DEPTH + 2];
        java.util.Arrays.fill(sizes, WIDTH);
        sizes[0] = 2;
        sizes[DEPTH + 1] = 1;
        Sequential model = Models.mlpBuilder(sizes)
                .optDataType(DataType.DOUBLE)
                .optSeed(SEED)
                .optHidden(Activations.LOGISTIC)
                .optWeightInit(Inits.lecunNormal())
                .optBatchNorm(batchNorm)
                .build();
        History h = new Trainer(
                        model,
                        LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS,
                        new Sgd(model.namedParameters(), LEARNING_RATE),
                        TrainingOptions.of(MAX_EPOCHS, 32, SEED),
                        List.of())
                .fit(data, null);
        return Runs.column(h, EpochRecord::trainLoss);
    }

    private static int epochsTo(double[] loss) {
        for (int i = 0; i < loss.length; i++) {
            if (loss[i] <= TARGET) {
                return i + 1;
            }
        }
        return -1;
    }

    private static String describe(int epochs) {
        return epochs < 0 ? "not reached" : epochs + " epochs";
    }
}
