package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.Dense;
import org.myelin.nn.Inits;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.ClipByGlobalNorm;
import org.myelin.optim.Sgd;
import org.myelin.plot.LinePlot;
import org.myelin.train.Callback;
import org.myelin.train.DivergenceException;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code exploding}: exploding gradients (CS 489 §13.2; see docs/notes.md) and gradient clipping by norm (Oxford ML).
 *
 * <p>Part 1, the notes' chain: five logistic units in a row, each weight 8 and each bias -4, input 1/2. Every
 * unit's input current is {@code 8 * 1/2 - 4 = 0}, where {@code sigma'(0) = 1/4}, so each layer multiplies the
 * backpropagated gradient by {@code w sigma'(z) = 2} and {@code dE/dz(1) = 2^4 dE/dz(5) = 16 dE/dz(5)}. The
 * gradients are read from backprop: {@code dE/db(l) = dE/dz(l)} for each layer's bias.
 *
 * <p>Part 2, a scaled variant where the growth is not held back by the logistic's slope: the same five-layer
 * chain with identity units and every weight 2 (so the output is 32 x), fitted by MSE to {@code t = x} on
 * {@value #SAMPLES} points in [-1, 1]. Each weight's gradient carries the product of the other four weights
 * (16), so plain gradient descent with learning rate {@value #LEARNING_RATE} overshoots and diverges; the same
 * descent with the gradients clipped to global norm {@value #CLIP} takes bounded steps and converges. Writes
 * {@code exploding_chain.png}, {@code exploding_clipping.png} and {@code exploding.csv}.
 */
public final class ExplodingExample implements Example {
    public static final String NAME = "exploding";
    static final int SAMPLES = 32;
    static final double LEARNING_RATE = 0.05;
    static final double CLIP = 1.0;
    static final int STEPS = 150;

    /**
     * @param chainGradients   {@code |dE/dz(l)|} for the layers l = 1..5 of the notes' chain
     * @param plainSteps       steps plain descent completed before its loss or gradient stopped being finite
     *                         ({@value #STEPS} if it never diverged)
     * @param plainDiverged    whether plain descent diverged
     * @param clippedLosses    the clipped run's loss at each step (all finite when clipping works)
     */
    public record Result(
            double[] chainGradients,
            boolean plainDiverged,
            int plainSteps,
            double[] plainLosses,
            double[] clippedLosses,
            String summary,
            List<Path> files)
            implements Outcome {
        /** {@code |dE/dz(1)| / |dE/dz(5)|}; the notes say 16. */
        public double firstToLastRatio() {
            return chainGradients[0] / chainGradients[chainGradients.length - 1];
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the weights-8 biases-(-4) chain (x16), and clipping by norm on a diverging chain (CS 489 §13.2, Oxford ML; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        double[] chain = chainGradients();
        double[] layer = Runs.count(chain.length);

        double[] xs = Runs.linspace(-1, 1, SAMPLES);
        Dataset data = Dataset.of(
                Nd4j.createFromArray(xs).reshape(SAMPLES, 1),
                Nd4j.createFromArray(xs).reshape(SAMPLES, 1));
        List<Double> plain = new ArrayList<>();
        boolean diverged = false;
        try {
            fitLinearChain(data, false, plain);
        } catch (DivergenceException e) {
            diverged = true;
        }
        List<Double> clipped = new ArrayList<>();
        fitLinearChain(data, true, clipped);
        double[] plainLosses = plain.stream().mapToDouble(Double::doubleValue).toArray();
        double[] clippedLosses =
                clipped.stream().mapToDouble(Double::doubleValue).toArray();

        Path chainPng = outDir.resolve("exploding_chain.png");
        LinePlot.titled("Chain of logistic units, weights 8, biases -4, input 1/2")
                .xLabel("layer l (1 = input side)")
                .yLabel("|dE/dz(l)| / |dE/dz(5)|")
                .logY()
                .series("backprop", layer, divide(chain, chain[chain.length - 1]))
                .scatter("notes: 2^(5 - l)", layer, new double[] {16, 8, 4, 2, 1})
                .save(chainPng);
        Path clipPng = outDir.resolve("exploding_clipping.png");
        LinePlot clip = LinePlot.titled("Linear chain (weights 2) fitting t = x, learning rate " + LEARNING_RATE)
                .xLabel("gradient descent step")
                .yLabel("MSE (before the step)")
                .logY();
        if (plainLosses.length > 0) {
            clip.series("plain descent" + (diverged ? " (diverged)" : ""), Runs.count(plainLosses.length), plainLosses);
        }
        clip.series("clipped to global norm " + CLIP, Runs.count(clippedLosses.length), clippedLosses)
                .save(clipPng);
        Path csv = new Table()
                .column("layer", layer)
                .column("chain_abs_dE_dz", chain)
                .column("step", Runs.count(STEPS))
                .column("plain_loss", plainLosses)
                .column("clipped_loss", clippedLosses)
                .write(outDir.resolve("exploding.csv"));
        String summary = String.format(
                "Logistic chain, weights 8, biases -4: |dE/dz(l)| for l = 1..5 = %s, %s, %s, %s,"
                        + " %s%n  first layer / last layer = %s (the notes: 16)%n"
                        + "Linear chain, weights 2, learning rate %s:%n"
                        + "  plain descent:   %s%n"
                        + "  clipped (norm %s): loss %s -> %s after %d steps, all finite",
                Runs.fmt(chain[0]),
                Runs.fmt(chain[1]),
                Runs.fmt(chain[2]),
                Runs.fmt(chain[3]),
                Runs.fmt(chain[4]),
                Runs.fmt(chain[0] / chain[4]),
                LEARNING_RATE,
                diverged
                        ? "diverged at step " + (plainLosses.length + 1) + " (loss " + Runs.fmt(last(plainLosses))
                                + " before it)"
                        : "did not diverge, final loss " + Runs.fmt(last(plainLosses)),
                CLIP,
                Runs.fmt(clippedLosses[0]),
                Runs.fmt(last(clippedLosses)),
                clippedLosses.length);
        return new Result(
                chain,
                diverged,
                plainLosses.length,
                plainLosses,
                clippedLosses,
                summary,
                List.of(chainPng, clipPng, csv));
    }

    /** |dE/dz(l)| of the notes' chain, from one backward pass with cross-entropy against target 1. */
    static double[] chainGradients() {
        List<Module> layers = new ArrayList<>();
        for (int l = 0; l < 5; l++) {
            if (l > 0) {
                layers.add(new ActivationLayer(Activations.LOGISTIC));
            }
            layers.add(new Dense(1, 1, true, DataType.DOUBLE, Inits.constant(8), Inits.constant(-4), l));
        }
        Sequential chain = new Sequential(layers);
        Tensor out = chain.forward(Tensor.constant(Nd4j.createFromArray(new double[][] {{0.5}})));
        LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS
                .apply(out, Tensor.constant(Nd4j.createFromArray(new double[][] {{1.0}})))
                .backward();
        List<Dense> dense = Runs.denseLayers(chain);
        double[] g = new double[dense.size()];
        for (int l = 0; l < g.length; l++) {
            g[l] = Math.abs(dense.get(l).bias().grad().getDouble(0));
        }
        return g;
    }

    private static void fitLinearChain(Dataset data, boolean clip, List<Double> losses) {
        List<Module> layers = new ArrayList<>();
        for (int l = 0; l < 5; l++) {
            layers.add(new Dense(1, 1, true, DataType.DOUBLE, Inits.constant(2), Inits.zeros(), l));
        }
        Sequential model = new Sequential(layers);
        TrainingOptions options = TrainingOptions.of(STEPS, data.size(), 0);
        if (clip) {
            options = options.withGradientTransforms(List.of(new ClipByGlobalNorm(CLIP)));
        }
        Callback record = new Callback() {
            @Override
            public void onStepEnd(Trainer trainer, long step, double loss) {
                losses.add(loss);
            }
        };
        new Trainer(model, LossFunction.MSE, new Sgd(model.namedParameters(), LEARNING_RATE), options, List.of(record))
                .fit(data, null);
    }

    private static double[] divide(double[] a, double d) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] / d;
        }
        return out;
    }

    private static double last(double[] a) {
        return a.length == 0 ? Double.NaN : a[a.length - 1];
    }
}
