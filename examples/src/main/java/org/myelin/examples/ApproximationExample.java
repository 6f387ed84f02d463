package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.myelin.data.Dataset;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.Dense;
import org.myelin.nn.Inits;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.myelin.plot.LinePlot;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code approximation}: one hidden layer of N logistic units and a linear output fitting the continuous
 * function {@code f(x) = sin(3 pi x) + 2x} on [0, 1] (the universal approximation theorem, CS 489 §12.2, CS 479 §2.2:
 * with enough units the maximum error can be made as small as we like; see docs/notes.md). With N = 2, 8 and 32 units,
 * each trained by Adam (learning rate 0.05) for {@value #STEPS} full-batch steps on {@value #POINTS} evenly spaced
 * points, the maximum error over [0, 1] falls as N grows.
 *
 * <p>Hidden weights start N(0, 10^2) and biases N(0, 5^2) (seed {@value #SEED}), so that the units' steps are
 * spread over [0, 1]. The maximum error is measured on a grid 10 times finer than the training points. Writes
 * {@code approximation.png} and {@code approximation.csv}.
 */
public final class ApproximationExample implements Example {
    public static final String NAME = "approximation";
    static final int[] UNITS = {2, 8, 32};
    static final int POINTS = 101;
    static final int STEPS = 800;
    static final long SEED = 6;

    /** The maximum absolute error on [0, 1] for each hidden size in {@link #UNITS}. */
    public record Result(int[] units, double[] maxErrors, String summary, List<Path> files) implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "one hidden layer with 2, 8, 32 units fitting a continuous function on [0, 1] (CS 489 §12.2, CS 479 §2.2; see docs/notes.md)";
    }

    static double f(double x) {
        return Math.sin(3 * Math.PI * x) + 2 * x;
    }

    @Override
    public Result run(Path outDir) throws IOException {
        double[] x = Runs.linspace(0, 1, POINTS);
        double[] t = new double[POINTS];
        for (int i = 0; i < POINTS; i++) {
            t[i] = f(x[i]);
        }
        Dataset data = Dataset.of(
                Nd4j.createFromArray(x).reshape(POINTS, 1),
                Nd4j.createFromArray(t).reshape(POINTS, 1));
        double[] fine = Runs.linspace(0, 1, 10 * (POINTS - 1) + 1);
        double[] truth = new double[fine.length];
        for (int i = 0; i < fine.length; i++) {
            truth[i] = f(fine[i]);
        }
        LinePlot plot = LinePlot.titled("One hidden layer of N logistic units fitting sin(3 pi x) + 2x")
                .xLabel("x")
                .yLabel("y")
                .series("f(x)", fine, truth);
        Table table = new Table().column("x", fine).column("f", truth);
        double[] maxErrors = new double[UNITS.length];
        List<String> lines = new ArrayList<>();
        for (int k = 0; k < UNITS.length; k++) {
            int n = UNITS[k];
            Sequential model = new Sequential(
                    new Dense(1, n, true, DataType.DOUBLE, Inits.normal(0, 10), Inits.normal(0, 5), SEED),
                    new ActivationLayer(Activations.LOGISTIC),
                    new Dense(n, 1, true, DataType.DOUBLE, Inits.xavierUniform(), Inits.zeros(), SEED + 1));
            new Trainer(
                            model,
                            LossFunction.MSE,
                            Optimizers.create("adam", Map.of("learning_rate", 0.05), model.namedParameters()),
                            TrainingOptions.of(STEPS, POINTS, SEED),
                            List.of())
                    .fit(data, null);
            double[] y = Runs.predict(model, Nd4j.createFromArray(fine).reshape(fine.length, 1));
            double worst = 0;
            for (int i = 0; i < fine.length; i++) {
                worst = Math.max(worst, Math.abs(y[i] - truth[i]));
            }
            maxErrors[k] = worst;
            plot.series("N = " + n + " (max error " + Runs.fmt(worst) + ")", fine, y);
            table.column("fit_" + n, y);
            lines.add(String.format("  N = %2d: max |fit - f| = %s", n, Runs.fmt(worst)));
        }
        Path png = outDir.resolve("approximation.png");
        plot.save(png);
        Path csv = table.write(outDir.resolve("approximation.csv"));
        String summary = "One hidden layer fitting sin(3 pi x) + 2x on [0, 1]:\n" + String.join("\n", lines);
        return new Result(UNITS.clone(), maxErrors, summary, List.of(png, csv));
    }
}
