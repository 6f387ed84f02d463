package org.myelin.examples;

import static org.myelin.ops.Ops.biasAdd;
import static org.myelin.ops.Ops.logistic;
import static org.myelin.ops.Ops.matmul;
import static org.myelin.ops.Ops.mse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.myelin.autodiff.GradCheck;
import org.myelin.autodiff.Tensor;
import org.myelin.plot.LinePlot;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code finite-difference}: gradients of a small network by central differences
 * {@code (E(theta + h) - E(theta - h)) / 2h} (CS 489 §8.1, CS 479 §3.1.2; see docs/notes.md) against backpropagation,
 * in float64, for steps h from 1e-1 down to 1e-13.
 *
 * <p>The network is 3-4-2 with logistic hidden units, a linear output and MSE over a batch of 5. The error of
 * the central difference is about {@code h^2 |E'''| / 6} (truncation) plus about {@code eps |E| / h}
 * (round-off, eps = 2.2e-16): large steps are inaccurate, tiny steps drown in round-off, and the best step
 * lies near the cube root of eps, where the two agree with backprop to about 1e-10. The error reported per
 * parameter is {@code |backprop - numeric| / max(|backprop|, |numeric|, 1e-4)}, the worst over all 26
 * parameters (see {@link GradCheck}). Writes {@code finite_difference.png} (worst error against h, log-log)
 * and {@code finite_difference.csv}.
 */
public final class FiniteDifferenceExample implements Example {
    public static final String NAME = "finite-difference";
    static final long SEED = 11;

    /** The worst relative error at each step, and at {@link GradCheck#DEFAULT_STEP}. */
    public record Result(
            double[] steps,
            double[] worstErrors,
            double defaultStepError,
            double bestStep,
            String summary,
            List<Path> files)
            implements Outcome {
        /** The worst error at the step closest to {@code h}. */
        public double errorAt(double h) {
            int best = 0;
            for (int i = 1; i < steps.length; i++) {
                if (Math.abs(Math.log(steps[i] / h)) < Math.abs(Math.log(steps[best] / h))) {
                    best = i;
                }
            }
            return worstErrors[best];
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "central differences vs backprop on a small network; error against step size (CS 489 §8.1, CS 479 §3.1.2; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(SEED);
        INDArray x = rng.nextGaussian(new long[] {5, 3}).castTo(DataType.DOUBLE);
        INDArray t = rng.nextGaussian(new long[] {5, 2}).castTo(DataType.DOUBLE);
        INDArray w1 = rng.nextGaussian(new long[] {3, 4}).castTo(DataType.DOUBLE);
        INDArray b1 = rng.nextGaussian(new long[] {4}).castTo(DataType.DOUBLE).muli(0.1);
        INDArray w2 = rng.nextGaussian(new long[] {4, 2}).castTo(DataType.DOUBLE);
        INDArray b2 = rng.nextGaussian(new long[] {2}).castTo(DataType.DOUBLE).muli(0.1);
        Tensor input = Tensor.constant(x);
        Tensor target = Tensor.constant(t);
        Function<Tensor[], Tensor> loss =
                p -> mse(biasAdd(matmul(logistic(biasAdd(matmul(input, p[0]), p[1])), p[2]), p[3]), target);

        double[] exponents = Runs.linspace(-1, -13, 25);
        double[] steps = new double[exponents.length];
        double[] errors = new double[exponents.length];
        int best = 0;
        for (int i = 0; i < steps.length; i++) {
            steps[i] = Math.pow(10, exponents[i]);
            errors[i] = GradCheck.check(loss, steps[i], SEED, w1, b1, w2, b2).worstError();
            if (errors[i] < errors[best]) {
                best = i;
            }
        }
        double atDefault = GradCheck.check(loss, GradCheck.DEFAULT_STEP, SEED, w1, b1, w2, b2)
                .worstError();

        double[] floor = new double[steps.length];
        java.util.Arrays.fill(floor, 1e-6);
        Path png = outDir.resolve("finite_difference.png");
        LinePlot plotter = LinePlot.titled("Central differences vs backprop (3-4-2 network, float64)")
                .xLabel("step h")
                .yLabel("worst relative error over the parameters")
                .logX()
                .logY()
                .series("|backprop - (E(w+h) - E(w-h)) / 2h|, relative", steps, errors)
                .series("1e-6 agreement", steps, floor);
        plotter.save(png);
        Path csv = new Table()
                .column("step", steps)
                .column("worst_relative_error", errors)
                .write(outDir.resolve("finite_difference.csv"));
        String summary = String.format(
                "Central differences vs backprop, 3-4-2 network, float64 (worst relative error):%n"
                        + "  h = 1e-1:  %s (truncation error ~ h^2)%n"
                        + "  h = %s: %s (best step)%n"
                        + "  h = 1e-5:  %s (GradCheck's default step)%n"
                        + "  h = 1e-13: %s (round-off error ~ eps / h)",
                Runs.fmt(errors[0]),
                Runs.fmt(steps[best]),
                Runs.fmt(errors[best]),
                Runs.fmt(atDefault),
                Runs.fmt(errors[errors.length - 1]));
        return new Result(steps, errors, atDefault, steps[best], summary, List.of(png, csv));
    }
}
