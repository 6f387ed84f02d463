package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.Dense;
import org.myelin.nn.Inits;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Sgd;
import org.myelin.plot.LinePlot;
import org.myelin.train.Callback;
import org.myelin.train.EpochRecord;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code saturation}: one logistic unit {@code a = sigma(w x + b)} learning NOT ({@code x in {-1, 1}},
 * {@code y = (1 - x) / 2}) from a saturated wrong start, with squared loss {@code (a - y)^2} and with
 * cross-entropy (Oxford ML §3.1.1; see docs/notes.md).
 *
 * <p>With squared loss {@code dl/dz = 2 (a - y) sigma'(z)}: at {@code |z| = 5}, {@code sigma'(z) = 0.0066}, so
 * the step is tiny although the output is wrong. With cross-entropy {@code dl/dz = a - y}, about 1. The notes
 * write the start as w = -5, b = 0, but compute {@code z = -5} at {@code x = -1}, which needs w = +5 (w = -5
 * already implements NOT); this example starts from w = +5, b = 0, the saturated wrong state of their
 * computation. Plain gradient descent, learning rate {@value #LEARNING_RATE}, full batch, {@value #STEPS}
 * steps. Writes {@code saturation.png} (both runs' squared error and the cross-entropy run's loss) and
 * {@code saturation.csv} (w, b and the losses per step).
 */
public final class SaturationExample implements Example {
    public static final String NAME = "saturation";
    static final int STEPS = 50;
    static final double LEARNING_RATE = 1.0;
    static final double START_WEIGHT = 5.0;

    /**
     * Squared error {@code mean (a - y)^2} of both runs before training and after {@value #STEPS} steps, and
     * how many of the two patterns each run gets right at the end.
     */
    public record Result(
            double squaredRunStart,
            double squaredRunEnd,
            double crossEntropyRunEnd,
            int squaredRunCorrect,
            int crossEntropyRunCorrect,
            String summary,
            List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a saturated sigmoid unit learning NOT: squared loss stalls, cross-entropy does not (Oxford ML §3.1.1; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset not = Synthetic.not(DataType.DOUBLE);
        double[][] sq = train(new Sequential(unit(), new ActivationLayer(Activations.LOGISTIC)), LossFunction.MSE, not);
        double[][] ce = train(new Sequential(unit()), LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS, not);
        double[] sqErr = new double[STEPS + 1];
        double[] ceErr = new double[STEPS + 1];
        double[] ceLoss = new double[STEPS + 1];
        for (int i = 0; i <= STEPS; i++) {
            sqErr[i] = squaredError(sq[0][i], sq[1][i]);
            ceErr[i] = squaredError(ce[0][i], ce[1][i]);
            ceLoss[i] = crossEntropy(ce[0][i], ce[1][i]);
        }
        double[] step = Runs.linspace(0, STEPS, STEPS + 1);
        Path png = outDir.resolve("saturation.png");
        LinePlot.titled("A saturated sigmoid unit learning NOT from w = 5, b = 0")
                .xLabel("gradient descent step")
                .yLabel("loss")
                .series("squared loss run: (a - y)^2", step, sqErr)
                .series("cross-entropy run: (a - y)^2", step, ceErr)
                .series("cross-entropy run: cross-entropy", step, ceLoss)
                .save(png);
        Path csv = new Table()
                .column("step", step)
                .column("squared_run_w", sq[0])
                .column("squared_run_b", sq[1])
                .column("squared_run_squared_error", sqErr)
                .column("cross_entropy_run_w", ce[0])
                .column("cross_entropy_run_b", ce[1])
                .column("cross_entropy_run_squared_error", ceErr)
                .column("cross_entropy_run_cross_entropy", ceLoss)
                .write(outDir.resolve("saturation.csv"));
        int sqCorrect = correct(sq[0][STEPS], sq[1][STEPS]);
        int ceCorrect = correct(ce[0][STEPS], ce[1][STEPS]);
        String summary = String.format(
                "Sigmoid unit learning NOT from w = 5, b = 0 (squared error (a - y)^2, mean of"
                        + " the two patterns):%n"
                        + "  start:                            %s%n"
                        + "  squared loss, after %d steps:     %s (w = %s, %d of 2 patterns right)%n"
                        + "  cross-entropy, after %d steps:    %s (w = %s, %d of 2 patterns right)",
                Runs.fmt(sqErr[0]),
                STEPS,
                Runs.fmt(sqErr[STEPS]),
                Runs.fmt(sq[0][STEPS]),
                sqCorrect,
                STEPS,
                Runs.fmt(ceErr[STEPS]),
                Runs.fmt(ce[0][STEPS]),
                ceCorrect);
        return new Result(sqErr[0], sqErr[STEPS], ceErr[STEPS], sqCorrect, ceCorrect, summary, List.of(png, csv));
    }

    private static Dense unit() {
        return new Dense(1, 1, true, DataType.DOUBLE, Inits.constant(START_WEIGHT), Inits.zeros(), 0);
    }

    /** Trains and returns {w, b} before each step and after the last: two rows of STEPS + 1 values. */
    private static double[][] train(Sequential model, LossFunction loss, Dataset data) {
        Dense unit = (Dense) model.get(0);
        double[][] wb = new double[2][STEPS + 1];
        Callback record = new Callback() {
            @Override
            public boolean onEpochEnd(Trainer trainer, EpochRecord r) {
                wb[0][r.epoch()] = unit.weight().value().getDouble(0);
                wb[1][r.epoch()] = unit.bias().value().getDouble(0);
                return false;
            }
        };
        wb[0][0] = unit.weight().value().getDouble(0);
        wb[1][0] = unit.bias().value().getDouble(0);
        Module m = model;
        new Trainer(
                        m,
                        loss,
                        new Sgd(m.namedParameters(), LEARNING_RATE),
                        TrainingOptions.of(STEPS, data.size(), 0),
                        List.of(record))
                .fit(data, null);
        return wb;
    }

    private static double sigma(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Mean over the NOT patterns (x = 1, y = 0) and (x = -1, y = 1) of (a - y)^2. */
    static double squaredError(double w, double b) {
        double a1 = sigma(w + b);
        double a2 = sigma(-w + b);
        return (a1 * a1 + (a2 - 1) * (a2 - 1)) / 2;
    }

    static double crossEntropy(double w, double b) {
        return (-Math.log(1 - sigma(w + b)) - Math.log(sigma(-w + b))) / 2;
    }

    static int correct(double w, double b) {
        return (sigma(w + b) < 0.5 ? 1 : 0) + (sigma(-w + b) >= 0.5 ? 1 : 0);
    }
}
