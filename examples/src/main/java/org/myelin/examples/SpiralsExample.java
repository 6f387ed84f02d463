package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Dense;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.myelin.plot.Contour;
import org.myelin.plot.LinePlot;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code spirals}: logistic regression against a one-hidden-layer MLP (tanh hidden units, logistic output,
 * cross-entropy) on two interleaved spirals, a two-class set no line separates (Oxford ML §1.2; see docs/notes.md).
 *
 * <p>Logistic regression is the MLP without its hidden layer: its boundary is a line, so it stays near chance.
 * The MLP's hidden layer transforms the points so that the output unit, itself a logistic regression on the
 * hidden activations {@code a}, can separate them with a hyperplane {@code v . a + c = 0}. With
 * {@value #HIDDEN} hidden units that space cannot be drawn directly (Oxford ML Fig. 2(c) uses two); the plot shows
 * it along the output unit's own axis {@code z = v . a + c} (horizontal: the boundary is the line z = 0)
 * against the direction of largest spread of {@code a} orthogonal to {@code v}.
 *
 * <p>Data: {@value #POINTS} points, noise {@value #NOISE}, seed {@value #SEED}; both models trained with Adam
 * (learning rate 0.03) for {@value #STEPS} full-batch steps. Writes {@code spirals_boundaries.png},
 * {@code spirals_hidden.png} and {@code spirals.csv} (points with both models' outputs and the hidden coordinates).
 */
public final class SpiralsExample implements Example {
    public static final String NAME = "spirals";
    static final int POINTS = 200;
    static final double NOISE = 0.05;
    static final int HIDDEN = 32;
    static final int STEPS = 1000;
    static final long SEED = 1;

    public record Result(
            double logisticAccuracy, double mlpAccuracy, double hiddenSeparation, String summary, List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "logistic regression vs a tanh MLP on two spirals; boundaries and hidden layer (Oxford ML §1.2; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset data = Synthetic.twoSpirals(POINTS, NOISE, SEED, DataType.DOUBLE);
        LossFunction loss = LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS;
        Sequential logistic = Models.mlp(DataType.DOUBLE, SEED, Activations.TANH, Inits.xavierUniform(), 2, 1);
        Sequential mlp = Models.mlp(DataType.DOUBLE, SEED, Activations.TANH, Inits.xavierUniform(), 2, HIDDEN, 1);
        for (Sequential m : List.of(logistic, mlp)) {
            new Trainer(
                            m,
                            loss,
                            Optimizers.create("adam", Map.of("learning_rate", 0.03), m.namedParameters()),
                            TrainingOptions.of(STEPS, POINTS, SEED),
                            List.of())
                    .fit(data, null);
        }
        double accLogistic = Evaluation.of(logistic, loss, data, POINTS).accuracy();
        double accMlp = Evaluation.of(mlp, loss, data, POINTS).accuracy();

        double[] xs = Runs.linspace(-4.5, 4.5, 121);
        Contour.Lines lineBoundary = Contour.lines(xs, xs, Runs.onGrid(logistic, xs, xs, DataType.DOUBLE), 0.0);
        Contour.Lines mlpBoundary = Contour.lines(xs, xs, Runs.onGrid(mlp, xs, xs, DataType.DOUBLE), 0.0);
        Path boundaries = outDir.resolve("spirals_boundaries.png");
        LinePlot.titled("Two spirals: decision boundaries (output probability 0.5)")
                .xLabel("x1")
                .yLabel("x2")
                .size(760, 800)
                .scatter("class 0", Runs.featureOfClass(data, 0, 0), Runs.featureOfClass(data, 1, 0))
                .scatter("class 1", Runs.featureOfClass(data, 0, 1), Runs.featureOfClass(data, 1, 1))
                .series("logistic regression (" + Runs.pct(accLogistic) + ")", lineBoundary.x(), lineBoundary.y())
                .series("MLP 2-" + HIDDEN + "-1 (" + Runs.pct(accMlp) + ")", mlpBoundary.x(), mlpBoundary.y())
                .save(boundaries);

        double[][] hidden = hiddenCoordinates(mlp, data.features());
        int[] labels = data.labels();
        double separation = separation(hidden[0], labels);
        Path hiddenPng = outDir.resolve("spirals_hidden.png");
        LinePlot.titled("Two spirals after the hidden layer (the output unit separates them at z = 0)")
                .xLabel("z = v . a + c (output unit's input)")
                .yLabel("largest spread of a orthogonal to v")
                .scatter("class 0", pick(hidden[0], labels, 0), pick(hidden[1], labels, 0))
                .scatter("class 1", pick(hidden[0], labels, 1), pick(hidden[1], labels, 1))
                .series("boundary z = 0", new double[] {0, 0}, new double[] {min(hidden[1]), max(hidden[1])})
                .save(hiddenPng);

        double[] x1 = data.features().getColumn(0).toDoubleVector();
        double[] x2 = data.features().getColumn(1).toDoubleVector();
        Path csv = new Table()
                .column("x1", x1)
                .column("x2", x2)
                .column("label", labels)
                .column("logistic_regression_logit", Runs.predict(logistic, data.features()))
                .column("mlp_logit", Runs.predict(mlp, data.features()))
                .column("hidden_z", hidden[0])
                .column("hidden_orthogonal", hidden[1])
                .write(outDir.resolve("spirals.csv"));
        String summary = String.format(
                "Two spirals (%d points): training accuracy%n"
                        + "  logistic regression:  %s (chance is 50%%)%n"
                        + "  MLP 2-%d-1 (tanh):    %s%n"
                        + "  in the hidden layer's space, %s of the points lie on their class's side of z = 0",
                POINTS, Runs.pct(accLogistic), HIDDEN, Runs.pct(accMlp), Runs.pct(separation));
        return new Result(accLogistic, accMlp, separation, summary, List.of(boundaries, hiddenPng, csv));
    }

    /**
     * Row 0: the output unit's input {@code z = a v + c} for every point; row 1: the projection of the centred
     * hidden activations on their direction of largest variance orthogonal to {@code v} (power iteration).
     */
    static double[][] hiddenCoordinates(Sequential mlp, INDArray x) {
        Dense first = (Dense) mlp.get(0);
        Dense out = (Dense) mlp.get(2);
        INDArray a;
        try (var scope = Autograd.noGrad()) {
            a = mlp.get(1).forward(first.forward(Tensor.constant(x))).value();
        }
        INDArray v = out.weight().value().reshape(HIDDEN);
        double[] z = a.mmul(v.reshape(HIDDEN, 1))
                .addi(out.bias().value().getDouble(0))
                .reshape(a.rows())
                .toDoubleVector();
        INDArray unit = v.div(v.norm2Number().doubleValue());
        INDArray centred = a.subRowVector(a.mean(0));
        // Remove the v component, then find the leading eigenvector of the remaining covariance.
        INDArray rest = centred.sub(centred.mmul(unit.reshape(HIDDEN, 1)).mmul(unit.reshape(1, HIDDEN)));
        INDArray cov = rest.transpose().mmul(rest);
        INDArray u = Nd4j.ones(DataType.DOUBLE, HIDDEN, 1);
        for (int i = 0; i < 200; i++) {
            u = cov.mmul(u);
            double n = u.norm2Number().doubleValue();
            if (n == 0) {
                break;
            }
            u.divi(n);
        }
        double[] y = rest.mmul(u).reshape(a.rows()).toDoubleVector();
        return new double[][] {z, y};
    }

    private static double separation(double[] z, int[] labels) {
        int ok = 0;
        for (int i = 0; i < z.length; i++) {
            if ((z[i] >= 0) == (labels[i] == 1)) {
                ok++;
            }
        }
        return (double) ok / z.length;
    }

    private static double[] pick(double[] values, int[] labels, int label) {
        return java.util.stream.IntStream.range(0, values.length)
                .filter(i -> labels[i] == label)
                .mapToDouble(i -> values[i])
                .toArray();
    }

    private static double min(double[] a) {
        return java.util.Arrays.stream(a).min().orElse(0);
    }

    private static double max(double[] a) {
        return java.util.Arrays.stream(a).max().orElse(0);
    }
}
