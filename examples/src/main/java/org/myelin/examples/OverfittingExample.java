package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.Dense;
import org.myelin.nn.Inits;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.L2Penalty;
import org.myelin.optim.Optimizers;
import org.myelin.plot.LinePlot;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code overfitting}: the notes' Example 11.1. A network with 1 input, {@value #HIDDEN} tanh hidden units
 * and 1 linear output, trained with MSE on 5 noisy samples of {@code y = 0.4 x - 0.9}, fits the noise: its
 * training error ends far below its error on new samples from the same source. Weight decay (an L2 penalty
 * {@code lambda ||W||^2} on the weights, CS 489 §11.2 (see docs/notes.md), lambda = {@value #LAMBDA}) prefers small
 * weights, a smoother fit, and a lower test error.
 *
 * <p>Samples: x uniform in [-1, 1], noise standard deviation {@value #NOISE}; 5 for training (seed
 * {@value #SEED}) and {@value #TEST_POINTS} new ones for testing. Hidden weights and biases start N(0, 1) so that
 * the units' tanh curves bend inside [-1, 1], the output layer Xavier; Adam (learning rate 0.01), {@value #STEPS} full-batch steps.
 * Writes {@code overfitting.png} (data, ideal line and both fits) and {@code overfitting.csv}.
 */
public final class OverfittingExample implements Example {
    public static final String NAME = "overfitting";
    static final int HIDDEN = 1000;
    static final double NOISE = 0.1;
    static final int TEST_POINTS = 200;
    static final int STEPS = 800;
    static final double LAMBDA = 1e-3;
    static final long SEED = 11;

    /** Training and test MSE without and with weight decay. */
    public record Result(
            double trainError,
            double testError,
            double decayTrainError,
            double decayTestError,
            String summary,
            List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "1-1000-1 network on 5 noisy samples of y = 0.4x - 0.9; weight decay (CS 489 §11.1, §11.2; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset train = Synthetic.noisyLine(5, -1, 1, NOISE, SEED, DataType.DOUBLE);
        Dataset test = Synthetic.noisyLine(TEST_POINTS, -1, 1, NOISE, SEED + 1, DataType.DOUBLE);
        Sequential plain = fit(train, 0);
        Sequential decayed = fit(train, LAMBDA);
        double trainErr = Evaluation.of(plain, LossFunction.MSE, train, 1000).loss();
        double testErr = Evaluation.of(plain, LossFunction.MSE, test, 1000).loss();
        double decayTrain =
                Evaluation.of(decayed, LossFunction.MSE, train, 1000).loss();
        double decayTest = Evaluation.of(decayed, LossFunction.MSE, test, 1000).loss();

        double[] xs = Runs.linspace(-1, 1, 401);
        var grid = Nd4j.createFromArray(xs).reshape(xs.length, 1);
        double[] ideal = new double[xs.length];
        for (int i = 0; i < xs.length; i++) {
            ideal[i] = Synthetic.LINE_SLOPE * xs[i] + Synthetic.LINE_INTERCEPT;
        }
        double[] fitPlain = Runs.predict(plain, grid);
        double[] fitDecayed = Runs.predict(decayed, grid);
        Path png = outDir.resolve("overfitting.png");
        LinePlot.titled("1-" + HIDDEN + "-1 network on 5 noisy samples of y = 0.4x - 0.9")
                .xLabel("x")
                .yLabel("y")
                .scatter(
                        "new samples (test)",
                        test.features().toDoubleVector(),
                        test.targets().toDoubleVector())
                .series("ideal y = 0.4x - 0.9", xs, ideal)
                .series("fit without weight decay", xs, fitPlain)
                .series("fit with weight decay (lambda = " + LAMBDA + ")", xs, fitDecayed)
                .scatter(
                        "the 5 training samples",
                        train.features().toDoubleVector(),
                        train.targets().toDoubleVector())
                .save(png);
        Path csv = new Table()
                .column("x", xs)
                .column("ideal", ideal)
                .column("fit_plain", fitPlain)
                .column("fit_weight_decay", fitDecayed)
                .column("train_x", train.features().toDoubleVector())
                .column("train_t", train.targets().toDoubleVector())
                .write(outDir.resolve("overfitting.csv"));
        String summary = String.format(
                "1-%d-1 tanh network, 5 training samples, %d test samples (MSE):%n"
                        + "  without weight decay: training %s, test %s (test / training = %s)%n"
                        + "  with weight decay:    training %s, test %s%n"
                        + "  (the noise alone gives a test MSE of about %s)",
                HIDDEN,
                TEST_POINTS,
                Runs.fmt(trainErr),
                Runs.fmt(testErr),
                Runs.fmt(testErr / trainErr),
                Runs.fmt(decayTrain),
                Runs.fmt(decayTest),
                Runs.fmt(NOISE * NOISE));
        return new Result(trainErr, testErr, decayTrain, decayTest, summary, List.of(png, csv));
    }

    private static Sequential fit(Dataset train, double lambda) {
        Sequential model = new Sequential(
                new Dense(1, HIDDEN, true, DataType.DOUBLE, Inits.normal(0, 1), Inits.normal(0, 1), SEED),
                new ActivationLayer(Activations.TANH),
                new Dense(HIDDEN, 1, true, DataType.DOUBLE, Inits.xavierUniform(), Inits.zeros(), SEED + 1));
        TrainingOptions options = TrainingOptions.of(STEPS, train.size(), SEED);
        if (lambda > 0) {
            options = options.withGradientTransforms(List.of(new L2Penalty(lambda)));
        }
        new Trainer(
                        model,
                        LossFunction.MSE,
                        Optimizers.create("adam", Map.of("learning_rate", 0.01), model.namedParameters()),
                        options,
                        List.of())
                .fit(train, null);
        return model;
    }
}
