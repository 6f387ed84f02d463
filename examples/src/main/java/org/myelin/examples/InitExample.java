package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Dense;
import org.myelin.nn.Init;
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
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code init}: zeros against random initialisation (Duke slides; Oxford ML §3.2.1, symmetry breaking; see
 * docs/notes.md). A 2-{@value #HIDDEN}-1 network with logistic hidden units starts with every weight zero: all hidden
 * units compute the same value and receive the same gradient, so they stay identical however long it trains, and the
 * network is no better than one hidden unit. Started from Xavier-uniform weights, the units differ from the first step
 * and the loss ends lower.
 *
 * <p>Two moons ({@value #POINTS} points, noise 0.1), cross-entropy, plain full-batch gradient descent (learning
 * rate {@value #LEARNING_RATE}), {@value #STEPS} steps, seed {@value #SEED}. Writes {@code init_loss.png},
 * {@code init_units.png} (each hidden unit's incoming weights after training) and {@code init.csv}.
 */
public final class InitExample implements Example {
    public static final String NAME = "init";
    static final int HIDDEN = 8;
    static final int POINTS = 128;
    static final int STEPS = 150;
    static final double LEARNING_RATE = 1.0;
    static final long SEED = 4;

    /**
     * For each start: the largest difference between any hidden unit's incoming weights and bias and unit 0's
     * after training, and the final training loss.
     */
    public record Result(
            double zerosUnitSpread,
            double randomUnitSpread,
            double zerosLoss,
            double randomLoss,
            String summary,
            List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "zeros vs random initialisation of a hidden layer: symmetry breaking (Duke slides, Oxford ML §3.2.1; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset moons = Synthetic.twoMoons(POINTS, 0.1, SEED, DataType.DOUBLE);
        Sequential zeros = model(Inits.zeros());
        Sequential random = model(Inits.xavierUniform());
        double[] zerosLoss = train(zeros, moons);
        double[] randomLoss = train(random, moons);
        Dense zHidden = (Dense) zeros.get(0);
        Dense rHidden = (Dense) random.get(0);
        double zSpread = spread(zHidden);
        double rSpread = spread(rHidden);

        double[] step = Runs.count(STEPS);
        Path lossPng = outDir.resolve("init_loss.png");
        LinePlot.titled("2-" + HIDDEN + "-1 logistic network: zero vs random initial weights")
                .xLabel("step")
                .yLabel("training loss (cross-entropy)")
                .series("all weights zero", step, zerosLoss)
                .series("Xavier uniform", step, randomLoss)
                .save(lossPng);
        INDArray zw = zHidden.weight().value();
        INDArray rw = rHidden.weight().value();
        Path unitsPng = outDir.resolve("init_units.png");
        LinePlot.titled("Incoming weights of the " + HIDDEN + " hidden units after training")
                .xLabel("weight from x1")
                .yLabel("weight from x2")
                .scatter(
                        "zero start (all " + HIDDEN + " units on one point)",
                        zw.getRow(0).toDoubleVector(),
                        zw.getRow(1).toDoubleVector())
                .scatter(
                        "random start",
                        rw.getRow(0).toDoubleVector(),
                        rw.getRow(1).toDoubleVector())
                .save(unitsPng);
        Path csv = new Table()
                .column("step", step)
                .column("loss_zeros", zerosLoss)
                .column("loss_random", randomLoss)
                .column("unit", Runs.count(HIDDEN))
                .column("zeros_w1", zw.getRow(0).toDoubleVector())
                .column("zeros_w2", zw.getRow(1).toDoubleVector())
                .column("random_w1", rw.getRow(0).toDoubleVector())
                .column("random_w2", rw.getRow(1).toDoubleVector())
                .write(outDir.resolve("init.csv"));
        String summary = String.format(
                "2-%d-1 logistic network after %d gradient steps:%n"
                        + "  all weights zero: hidden units differ by at most %s; training loss %s%n"
                        + "  Xavier uniform:   hidden units differ by up to  %s; training loss %s",
                HIDDEN,
                STEPS,
                Runs.fmt(zSpread),
                Runs.fmt(zerosLoss[STEPS - 1]),
                Runs.fmt(rSpread),
                Runs.fmt(randomLoss[STEPS - 1]));
        return new Result(
                zSpread,
                rSpread,
                zerosLoss[STEPS - 1],
                randomLoss[STEPS - 1],
                summary,
                List.of(lossPng, unitsPng, csv));
    }

    private static Sequential model(Init weights) {
        return Models.mlpBuilder(2, HIDDEN, 1)
                .optDataType(DataType.DOUBLE)
                .optSeed(SEED)
                .optHidden(Activations.LOGISTIC)
                .optWeightInit(weights)
                .build();
    }

    private static double[] train(Sequential model, Dataset data) {
        History h = new Trainer(
                        model,
                        LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS,
                        new Sgd(model.namedParameters(), LEARNING_RATE),
                        TrainingOptions.of(STEPS, data.size(), SEED),
                        List.of())
                .fit(data, null);
        return Runs.column(h, EpochRecord::trainLoss);
    }

    /** max over units j and inputs of |theta[:, j] - theta[:, 0]|, theta the weights stacked on the bias. */
    static double spread(Dense hidden) {
        INDArray theta = org.nd4j.linalg.factory.Nd4j.vstack(
                hidden.weight().value(), hidden.bias().value().reshape(1, hidden.out()));
        return theta.subColumnVector(theta.getColumn(0).reshape(theta.rows(), 1))
                .amaxNumber()
                .doubleValue();
    }
}
