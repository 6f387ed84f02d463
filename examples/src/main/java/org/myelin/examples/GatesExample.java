package org.myelin.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.neuro.Perceptron;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.myelin.plot.LinePlot;
import org.myelin.train.Evaluation;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * {@code gates}: a perceptron (CS 489 §7.1; see docs/notes.md) and a 2-2-1 MLP (CS 489 §6.2) on OR, AND and XOR. The
 * perceptron rule finds a separating line for OR and AND but none exists for XOR; one hidden layer of two tanh units
 * with a logistic output, trained by gradient descent on the cross-entropy, learns all three.
 *
 * <p>Perceptron: the notes' start w = [0.6, -0.2], b = -0.1, eta = 1, {@value #PERCEPTRON_EPOCHS} epochs.
 * MLP: Xavier init with seed {@value #SEED}, Adam (learning rate 0.1), {@value #MLP_EPOCHS} full-batch steps.
 * Writes {@code gates.png} (misclassified patterns per epoch) and {@code gates.csv}.
 */
public final class GatesExample implements Example {
    public static final String NAME = "gates";
    static final int PERCEPTRON_EPOCHS = 20;
    static final int MLP_EPOCHS = 300;
    static final long SEED = 4;

    /** How each learner ended on one gate: misclassified patterns out of 4 after training. */
    public record Gate(String gate, int perceptronErrors, int mlpErrors) {
        public boolean perceptronLearned() {
            return perceptronErrors == 0;
        }

        public boolean mlpLearned() {
            return mlpErrors == 0;
        }
    }

    public record Result(List<Gate> gates, String summary, List<Path> files) implements Outcome {
        public Gate gate(String name) {
            return gates.stream()
                    .filter(g -> g.gate().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no gate " + name));
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "perceptron vs 2-2-1 MLP on OR, AND, XOR (CS 489 §6.2, §7.1; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Map<String, Dataset> data = Map.of(
                "OR",
                Synthetic.or(DataType.DOUBLE),
                "AND",
                Synthetic.and(DataType.DOUBLE),
                "XOR",
                Synthetic.xor(DataType.DOUBLE));
        LinePlot plot = LinePlot.titled("Logic gates: misclassified patterns during training")
                .xLabel("epoch")
                .yLabel("misclassified patterns (of 4)");
        Table table = new Table().column("epoch", Runs.count(MLP_EPOCHS));
        List<Gate> gates = new ArrayList<>();
        StringBuilder s =
                new StringBuilder("Perceptron and 2-2-1 MLP on logic gates (misclassified after training):\n");
        for (String name : List.of("OR", "AND", "XOR")) {
            Dataset d = data.get(name);
            Perceptron p = new Perceptron(new double[] {0.6, -0.2}, -0.1);
            double[] pErrors = new double[PERCEPTRON_EPOCHS];
            for (int e = 0; e < PERCEPTRON_EPOCHS; e++) {
                p.trainEpoch(d.features(), d.targets());
                pErrors[e] = p.errors(d.features(), d.targets());
            }
            Sequential mlp = Models.mlp(DataType.DOUBLE, SEED, Activations.TANH, Inits.xavierUniform(), 2, 2, 1);
            Trainer t = new Trainer(
                    mlp,
                    LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS,
                    Optimizers.create("adam", Map.of("learning_rate", 0.1), mlp.namedParameters()),
                    TrainingOptions.of(MLP_EPOCHS, 4, SEED),
                    List.of());
            History h = t.fit(d, null);
            // Training accuracy of an epoch is measured on the outputs before that epoch's step.
            double[] mErrors = Runs.column(h, r -> Math.round(4 * (1 - r.trainAccuracy())));
            Evaluation end = Evaluation.of(mlp, LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS, d, 4);
            Gate g = new Gate(name, (int) pErrors[PERCEPTRON_EPOCHS - 1], (int) Math.round(4 * (1 - end.accuracy())));
            gates.add(g);
            plot.series("perceptron " + name, Runs.count(PERCEPTRON_EPOCHS), pErrors);
            plot.series("MLP " + name, Runs.count(MLP_EPOCHS), mErrors);
            table.column("perceptron_" + name, pErrors).column("mlp_" + name, mErrors);
            s.append(String.format(
                    "  %-3s  perceptron: %d of 4 %s   MLP: %d of 4 %s (final loss %s)%n",
                    name,
                    g.perceptronErrors(),
                    g.perceptronLearned() ? "(learned)" : "(not learned)",
                    g.mlpErrors(),
                    g.mlpLearned() ? "(learned)" : "(not learned)",
                    Runs.fmt(end.loss())));
        }
        Path png = outDir.resolve("gates.png");
        plot.logX().save(png);
        Path csv = table.write(outDir.resolve("gates.csv"));
        return new Result(gates, s.toString().stripTrailing(), List.of(png, csv));
    }
}
