package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Sgd;
import org.myelin.plot.LinePlot;
import org.myelin.train.Callback;
import org.myelin.train.EpochRecord;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code batch-sizes}: batch (all {@value #POINTS} samples per step), stochastic (1) and mini-batch
 * ({@value #MINI_BATCH}) gradient descent (CS 489 §14, MIT 6.390 §6.7.1; see docs/notes.md) on the same data from the
 * same initial weights, with the same learning rate {@value #LEARNING_RATE}: a 2-16-1 tanh network on two moons,
 * cross-entropy. After every epoch the loss on the whole training set is measured; each run stops at the first epoch
 * where it is at most {@value #TARGET}, and reports the optimiser steps and the training wall time it took (wall time
 * depends on the machine; it is reported, not asserted).
 *
 * <p>A batch step costs the most and follows the true gradient; a stochastic step is cheapest and noisiest;
 * mini-batches sit between and use the matrix hardware better than single samples. Writes
 * {@code batch_sizes.png} (loss against steps, log scale), {@code batch_sizes_time.png} (loss against wall time)
 * and {@code batch_sizes.csv}.
 */
public final class BatchSizesExample implements Example {
    public static final String NAME = "batch-sizes";
    static final int POINTS = 128;
    static final int MINI_BATCH = 16;
    static final double LEARNING_RATE = 0.2;
    static final double TARGET = 0.3;
    static final long SEED = 9;

    /** One run: its batch size, steps and training seconds to the target (-1 and NaN if not reached). */
    public record Run(
            String name,
            int batchSize,
            long stepsToTarget,
            double secondsToTarget,
            double[] steps,
            double[] seconds,
            double[] loss) {
        public boolean reached() {
            return stepsToTarget >= 0;
        }
    }

    public record Result(List<Run> runs, String summary, List<Path> files) implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "batch, stochastic and mini-batch descent: steps and wall time to a target loss (CS 489 §14, MIT 6.390 §6.7.1; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Dataset moons = Synthetic.twoMoons(POINTS, 0.1, SEED, DataType.DOUBLE);
        List<Run> runs = List.of(
                train("batch", POINTS, 400, moons),
                train("mini-batch", MINI_BATCH, 60, moons),
                train("stochastic", 1, 10, moons));
        LinePlot bySteps = LinePlot.titled(
                        "Batch, mini-batch and stochastic descent (learning rate " + LEARNING_RATE + ")")
                .xLabel("optimiser steps")
                .yLabel("loss on the whole training set")
                .logX();
        LinePlot byTime = LinePlot.titled("Loss against training wall time")
                .xLabel("training wall time [s]")
                .yLabel("loss on the whole training set");
        Table table = new Table();
        StringBuilder s = new StringBuilder(String.format(
                "Steps and training wall time until the loss on all %d samples" + " is at most %s:%n", POINTS, TARGET));
        for (Run r : runs) {
            String label = r.name() + " (batch " + r.batchSize() + ")";
            bySteps.series(label, r.steps(), r.loss());
            byTime.series(label, r.seconds(), r.loss());
            table.column(r.name() + "_steps", r.steps())
                    .column(r.name() + "_seconds", r.seconds())
                    .column(r.name() + "_loss", r.loss());
            s.append(String.format(
                    "  %-11s batch %3d: %s%n",
                    r.name(),
                    r.batchSize(),
                    r.reached()
                            ? String.format("%5d steps, %.3f s", r.stepsToTarget(), r.secondsToTarget())
                            : "not reached"));
        }
        Path stepsPng = outDir.resolve("batch_sizes.png");
        bySteps.save(stepsPng);
        Path timePng = outDir.resolve("batch_sizes_time.png");
        byTime.save(timePng);
        Path csv = table.write(outDir.resolve("batch_sizes.csv"));
        return new Result(runs, s.toString().stripTrailing(), List.of(stepsPng, timePng, csv));
    }

    private static Run train(String name, int batchSize, int maxEpochs, Dataset data) {
        Sequential model = Models.mlpBuilder(2, 16, 1)
                .optDataType(DataType.DOUBLE)
                .optSeed(SEED)
                .optHidden(Activations.TANH)
                .build();
        List<Double> elapsed = new ArrayList<>();
        Callback stopAtTarget = new Callback() {
            private double total;

            @Override
            public boolean onEpochEnd(Trainer trainer, EpochRecord r) {
                total += r.seconds();
                elapsed.add(total);
                return r.validationLoss() <= TARGET;
            }
        };
        // The whole training set doubles as the "validation" set: the trainer then measures its full loss per epoch.
        History h = new Trainer(
                        model,
                        LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS,
                        new Sgd(model.namedParameters(), LEARNING_RATE),
                        TrainingOptions.of(maxEpochs, batchSize, SEED),
                        List.of(stopAtTarget))
                .fit(data, data);
        double[] steps = Runs.column(h, EpochRecord::step);
        double[] loss = Runs.column(h, EpochRecord::validationLoss);
        double[] seconds = elapsed.stream().mapToDouble(Double::doubleValue).toArray();
        boolean reached = loss[loss.length - 1] <= TARGET;
        return new Run(
                name,
                batchSize,
                reached ? (long) steps[steps.length - 1] : -1,
                reached ? seconds[seconds.length - 1] : Double.NaN,
                steps,
                seconds,
                loss);
    }
}
