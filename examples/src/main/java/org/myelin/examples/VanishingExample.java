package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Init;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.myelin.optim.Sgd;
import org.myelin.plot.LinePlot;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code vanishing}: per-layer gradient norms of a deep network (CS 489 §13.1, Oxford ML §3.1.2; see docs/notes.md).
 * Backprop multiplies the gradient by {@code sigma'(z) <= 1/4} at every logistic layer, so in a deep logistic network
 * the gradient norms shrink layer by layer towards the input. ReLU units with He initialisation (slope 1 where active),
 * or logistic units with batch normalisation (pre-activations kept near 0, where the slope is largest), do not
 * shrink it the same way.
 *
 * <p>Networks 2-{@value #WIDTH}x{@value #DEPTH}-1 (five hidden layers) on two moons ({@value #POINTS} points),
 * logistic output with cross-entropy, plain SGD (learning rate 0.1, batches of 32) for {@value #EPOCHS} epochs:
 * logistic units with the notes' N(0, 1/D) initialisation; ReLU with He; logistic with batch norm. The norm of
 * a layer is the L2 norm of its weight gradient, averaged over an epoch's steps (the trainer's history).
 * Writes {@code vanishing_layers.png} (first epoch, per layer), {@code vanishing_training.png} (the logistic
 * network's layers over training) and {@code vanishing.csv}.
 */
public final class VanishingExample implements Example {
    public static final String NAME = "vanishing";
    static final int WIDTH = 32;
    static final int DEPTH = 5;
    static final int POINTS = 256;
    static final int EPOCHS = 8;
    static final long SEED = 5;

    /** Per Dense layer (input side first), the weight-gradient norm of the first epoch, for one network. */
    public record Network(String name, double[] firstEpochNorms, double[][] normsByEpoch) {
        /** First layer's norm over the last (output) layer's. */
        public double inputToOutputRatio() {
            return firstEpochNorms[0] / firstEpochNorms[firstEpochNorms.length - 1];
        }
    }

    public record Result(Network logistic, Network relu, Network batchNorm, String summary, List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "per-layer gradient norms of a deep logistic net vs ReLU+He and batch norm (CS 489 §13.1, Oxford ML §3.1.2; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset moons = Synthetic.twoMoons(POINTS, 0.1, SEED, DataType.DOUBLE);
        Network logistic = train("logistic, N(0, 1/D)", Activations.LOGISTIC, Inits.lecunNormal(), false, moons);
        Network relu = train("ReLU, He", Activations.RELU, Inits.heNormal(), false, moons);
        Network bn = train("logistic + batch norm", Activations.LOGISTIC, Inits.lecunNormal(), true, moons);

        double[] layer = Runs.count(DEPTH + 1);
        Path layersPng = outDir.resolve("vanishing_layers.png");
        LinePlot.titled("Gradient norm per layer, first epoch (5 hidden layers of " + WIDTH + ")")
                .xLabel("layer (1 = input side, 6 = output)")
                .yLabel("||dE/dW|| (mean over the epoch's steps)")
                .logY()
                .series(logistic.name(), layer, logistic.firstEpochNorms())
                .series(relu.name(), layer, relu.firstEpochNorms())
                .series(bn.name(), layer, bn.firstEpochNorms())
                .save(layersPng);
        LinePlot overTraining = LinePlot.titled("Logistic network: gradient norm of each layer during training")
                .xLabel("epoch")
                .yLabel("||dE/dW|| (mean over the epoch's steps)")
                .logY();
        double[] epochs = Runs.count(EPOCHS);
        for (int l = 0; l <= DEPTH; l++) {
            overTraining.series("layer " + (l + 1), epochs, logistic.normsByEpoch()[l]);
        }
        Path trainingPng = outDir.resolve("vanishing_training.png");
        overTraining.save(trainingPng);

        Table table = new Table()
                .column("layer", layer)
                .column("logistic_first_epoch", logistic.firstEpochNorms())
                .column("relu_he_first_epoch", relu.firstEpochNorms())
                .column("logistic_batchnorm_first_epoch", bn.firstEpochNorms())
                .column("epoch", epochs);
        for (int l = 0; l <= DEPTH; l++) {
            table.column("logistic_layer" + (l + 1) + "_by_epoch", logistic.normsByEpoch()[l]);
        }
        Path csv = table.write(outDir.resolve("vanishing.csv"));
        StringBuilder s =
                new StringBuilder("Weight-gradient norm per layer in the first epoch (layer 1 = input side):\n");
        for (Network n : List.of(logistic, relu, bn)) {
            s.append(String.format("  %-22s", n.name()));
            for (double v : n.firstEpochNorms()) {
                s.append(' ').append(Runs.fmt(v));
            }
            s.append(String.format("   (layer 1 / layer 6 = %s)%n", Runs.fmt(n.inputToOutputRatio())));
        }
        return new Result(logistic, relu, bn, s.toString().stripTrailing(), List.of(layersPng, trainingPng, csv));
    }

    private static Network train(String name, Activation f, Init init, boolean batchNorm, Dataset data) {
        int[] sizes = new int[DEPTH + 2];
        sizes[0] = 2;
        for (int i = 1; i <= DEPTH; i++) {
            sizes[i] = WIDTH;
        }
        sizes[DEPTH + 1] = 1;
        Sequential model = Models.mlpBuilder(sizes)
                .optDataType(DataType.DOUBLE)
                .optSeed(SEED)
                .optHidden(f)
                .optWeightInit(init)
                .optBatchNorm(batchNorm)
                .build();
        History h = new Trainer(
                        model,
                        LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS,
                        new Sgd(model.namedParameters(), 0.1),
                        TrainingOptions.of(EPOCHS, 32, SEED),
                        List.of())
                .fit(data, null);
        List<String> weights = Runs.denseWeightNames(model);
        double[][] byEpoch = new double[weights.size()][];
        double[] first = new double[weights.size()];
        for (int l = 0; l < weights.size(); l++) {
            String w = weights.get(l);
            byEpoch[l] = Runs.column(h, r -> r.gradientNorms().get(w));
            first[l] = byEpoch[l][0];
        }
        return new Network(name, first, byEpoch);
    }
}
