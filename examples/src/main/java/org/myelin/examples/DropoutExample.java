package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizers;
import org.myelin.plot.LinePlot;
import org.myelin.train.Callback;
import org.myelin.train.EpochRecord;
import org.myelin.train.Evaluation;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code dropout}: the same ReLU MLP trained on a small training set with and without dropout (rate
 * {@value #RATE} after each hidden layer; CS 489 §12.1, Oxford ML §3.3, MIT 6.390 §6.8.2 (see docs/notes.md)). Without
 * dropout the network fits its training set and the validation loss stays well above the training loss; dropout narrows
 * that gap.
 *
 * <p>Data: the first {@value #MNIST_TRAIN} MNIST training images and the first {@value #MNIST_VALIDATION} test
 * images when MNIST is in the cache ({@code ~/.cache/myelin/mnist}, fetched by {@code myelin train}; this
 * example never downloads), with a 784-128-128-10 network; otherwise a synthetic set of 10 Gaussian classes in
 * {@value #SYNTHETIC_DIMENSIONS} dimensions ({@value #SYNTHETIC_TRAIN} training, {@value #SYNTHETIC_VALIDATION}
 * validation samples) with a {@value #SYNTHETIC_DIMENSIONS}-128-128-10 network. Adam (learning rate 0.001),
 * batches of 50, {@value #EPOCHS} epochs, seed {@value #SEED}. Both losses are measured after each epoch with
 * dropout off (evaluation mode), so they are comparable. Writes {@code dropout.png} and {@code dropout.csv}.
 */
public final class DropoutExample implements Example {
    public static final String NAME = "dropout";
    static final double RATE = 0.5;
    static final int MNIST_TRAIN = 1000;
    static final int MNIST_VALIDATION = 1000;
    static final int SYNTHETIC_DIMENSIONS = 40;
    static final int SYNTHETIC_TRAIN = 300;
    static final int SYNTHETIC_VALIDATION = 1000;
    static final int EPOCHS = 15;
    static final long SEED = 10;

    private final Path mnistDir;

    /** Uses MNIST from the default cache when it is there, else the synthetic set. */
    public DropoutExample() {
        this(Mnist.isCached(Mnist.defaultCacheDir()) ? Mnist.cachePath(Mnist.defaultCacheDir()) : null);
    }

    /** Uses MNIST from {@code mnistDir}, or the synthetic set when it is null. */
    public DropoutExample(Path mnistDir) {
        this.mnistDir = mnistDir;
    }

    /** Final training and validation loss (evaluation mode) without and with dropout, and the data used. */
    public record Result(
            String data,
            double plainTrain,
            double plainValidation,
            double dropoutTrain,
            double dropoutValidation,
            String summary,
            List<Path> files)
            implements Outcome {
        public double plainGap() {
            return plainValidation - plainTrain;
        }

        public double dropoutGap() {
            return dropoutValidation - dropoutTrain;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a small MNIST subset (or synthetic data) with and without dropout: the train/validation gap (CS 489 §12.1; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset train;
        Dataset validation;
        String dataName;
        if (mnistDir != null) {
            Mnist mnist = Mnist.load(mnistDir);
            train = mnist.train().subset(range(MNIST_TRAIN));
            validation = mnist.test().subset(range(MNIST_VALIDATION));
            dataName = "MNIST (" + MNIST_TRAIN + " training, " + MNIST_VALIDATION + " validation images)";
        } else {
            Dataset[] sets = gaussianClasses();
            train = sets[0];
            validation = sets[1];
            dataName = "synthetic: 10 Gaussian classes in " + SYNTHETIC_DIMENSIONS + " dimensions (" + SYNTHETIC_TRAIN
                    + " training, " + SYNTHETIC_VALIDATION + " validation samples)";
        }
        double[][] plain = train(train, validation, 0);
        double[][] dropped = train(train, validation, RATE);
        double[] epochs = Runs.count(EPOCHS);
        Path png = outDir.resolve("dropout.png");
        LinePlot.titled("Dropout on " + (mnistDir != null ? "an MNIST subset" : "synthetic data"))
                .xLabel("epoch")
                .yLabel("cross-entropy loss (dropout off)")
                .series("no dropout: training", epochs, plain[0])
                .series("no dropout: validation", epochs, plain[1])
                .series("dropout " + RATE + ": training", epochs, dropped[0])
                .series("dropout " + RATE + ": validation", epochs, dropped[1])
                .save(png);
        Path csv = new Table()
                .column("epoch", epochs)
                .column("plain_train_loss", plain[0])
                .column("plain_validation_loss", plain[1])
                .column("dropout_train_loss", dropped[0])
                .column("dropout_validation_loss", dropped[1])
                .write(outDir.resolve("dropout.csv"));
        int last = EPOCHS - 1;
        String summary = String.format(
                "Dropout on %s, after %d epochs (losses with dropout off):%n"
                        + "  no dropout:   training %s, validation %s, gap %s%n"
                        + "  dropout %s:  training %s, validation %s, gap %s",
                dataName,
                EPOCHS,
                Runs.fmt(plain[0][last]),
                Runs.fmt(plain[1][last]),
                Runs.fmt(plain[1][last] - plain[0][last]),
                RATE,
                Runs.fmt(dropped[0][last]),
                Runs.fmt(dropped[1][last]),
                Runs.fmt(dropped[1][last] - dropped[0][last]));
        return new Result(
                dataName,
                plain[0][last],
                plain[1][last],
                dropped[0][last],
                dropped[1][last],
                summary,
                List.of(png, csv));
    }

    /** Rows: training loss and validation loss per epoch, both in evaluation mode. */
    private static double[][] train(Dataset train, Dataset validation, double rate) {
        Sequential model = Models.mlpBuilder(train.numFeatures(), 128, 128, 10)
                .optDataType(train.dataType())
                .optSeed(SEED)
                .optDropout(rate)
                .build();
        LossFunction loss = LossFunction.SOFTMAX_CROSS_ENTROPY;
        List<Double> trainLoss = new ArrayList<>();
        Callback evaluateTraining = new Callback() {
            @Override
            public boolean onEpochEnd(Trainer trainer, EpochRecord r) {
                trainLoss.add(Evaluation.of(trainer.model(), loss, train, 1000).loss());
                return false;
            }
        };
        History h = new Trainer(
                        model,
                        loss,
                        Optimizers.create("adam", Map.of("learning_rate", 0.001), model.namedParameters()),
                        TrainingOptions.of(EPOCHS, 50, SEED),
                        List.of(evaluateTraining))
                .fit(train, validation);
        return new double[][] {
            trainLoss.stream().mapToDouble(Double::doubleValue).toArray(), Runs.column(h, EpochRecord::validationLoss)
        };
    }

    /** Ten classes, each a Gaussian cloud (standard deviation 3) around a random N(0, 1) centre. */
    private static Dataset[] gaussianClasses() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(SEED);
        INDArray centres =
                rng.nextGaussian(new long[] {10, SYNTHETIC_DIMENSIONS}).castTo(DataType.FLOAT);
        Dataset[] out = new Dataset[2];
        int[] sizes = {SYNTHETIC_TRAIN, SYNTHETIC_VALIDATION};
        for (int s = 0; s < 2; s++) {
            int n = sizes[s];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 10;
            }
            INDArray x = rng.nextGaussian(new long[] {n, SYNTHETIC_DIMENSIONS})
                    .castTo(DataType.FLOAT)
                    .muli(3.0);
            x.addi(centres.getRows(labels));
            out[s] = Dataset.classification(x, labels, 10);
        }
        return out;
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
