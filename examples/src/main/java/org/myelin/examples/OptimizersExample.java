package org.myelin.examples;

import static org.myelin.ops.Ops.mul;
import static org.myelin.ops.Ops.pow;
import static org.myelin.ops.Ops.sum;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.plot.Contour;
import org.myelin.plot.LinePlot;
import org.myelin.train.EpochRecord;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code optimizers}: the update rules of CS 489 §14.3 and MIT 6.390 §6.7 (see docs/notes.md) on an ill-conditioned
 * quadratic and on a small network.
 *
 * <p>The quadratic {@code E(w) = (a w1^2 + b w2^2) / 2} with a = {@value #A}, b = {@value #B} is a long, narrow
 * valley. With learning rate {@value #LEARNING_RATE}, plain descent shrinks the steep coordinate by
 * {@code 1 - 0.09 b = -0.8} per step (it zig-zags across the valley) and the shallow one by {@code 1 - 0.09 a
 * = 0.91} (it crawls along it); momentum (heavy ball, {@code mu} = {@value #MOMENTUM}, same learning rate)
 * damps the zig-zag and speeds the crawl: both modes shrink by {@code sqrt(mu) = 0.71} per step, so it needs
 * fewer steps to reach E &lt; {@value #TARGET} from w = (-4, 1.5). Every optimiser's steps to that target are
 * reported (at most {@value #MAX_STEPS}); its hyper-parameters are in {@link #QUADRATIC}.
 *
 * <p>The small network: a ReLU MLP 2-16-16-1 on two moons ({@value #NET_POINTS} points), batches of 32,
 * {@value #NET_EPOCHS} epochs, each optimiser with its rate in {@link #NETWORK}. Writes
 * {@code optimizers_quadratic.png} (trajectories over the loss contours), {@code optimizers_network.png}
 * (training loss per epoch) and {@code optimizers.csv}.
 */
public final class OptimizersExample implements Example {
    public static final String NAME = "optimizers";
    static final double A = 1;
    static final double B = 20;
    static final double LEARNING_RATE = 0.09;
    static final double MOMENTUM = 0.5;
    static final double TARGET = 1e-3;
    static final int MAX_STEPS = 200;
    static final int NET_POINTS = 128;
    static final int NET_EPOCHS = 15;
    static final long SEED = 8;

    /** Optimiser name, its label and hyper-parameters on the quadratic. */
    static final Map<String, Map<String, Object>> QUADRATIC = new LinkedHashMap<>();
    /** Hyper-parameters on the network. */
    static final Map<String, Map<String, Object>> NETWORK = new LinkedHashMap<>();

    static {
        QUADRATIC.put("sgd", Map.of("learning_rate", LEARNING_RATE));
        QUADRATIC.put("momentum", Map.of("learning_rate", LEARNING_RATE, "momentum", MOMENTUM));
        QUADRATIC.put("nesterov", Map.of("learning_rate", 0.07, "momentum", MOMENTUM));
        QUADRATIC.put("adagrad", Map.of("learning_rate", 1.0));
        QUADRATIC.put("rmsprop", Map.of("learning_rate", 0.1));
        QUADRATIC.put("adadelta", Map.of("learning_rate", 1.0));
        QUADRATIC.put("adam", Map.of("learning_rate", 0.3));
        NETWORK.put("sgd", Map.of("learning_rate", 0.1));
        NETWORK.put("momentum", Map.of("learning_rate", 0.1, "momentum", 0.9));
        NETWORK.put("nesterov", Map.of("learning_rate", 0.1, "momentum", 0.9));
        NETWORK.put("adagrad", Map.of("learning_rate", 0.1));
        NETWORK.put("rmsprop", Map.of("learning_rate", 0.01));
        NETWORK.put("adadelta", Map.of("learning_rate", 1.0));
        NETWORK.put("adam", Map.of("learning_rate", 0.01));
    }

    /**
     * @param stepsToTarget per optimiser, the steps until E &lt; {@value #TARGET} on the quadratic, or -1 if not
     *                      within {@value #MAX_STEPS}
     * @param networkLoss   per optimiser, the final epoch's training loss on the network
     */
    public record Result(
            Map<String, Integer> stepsToTarget, Map<String, Double> networkLoss, String summary, List<Path> files)
            implements Outcome {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "SGD, momentum, Nesterov, Adagrad, RMSprop, Adadelta, Adam on a narrow valley and a network (CS 489 §14.3, MIT 6.390 §6.7; see docs/notes.md)";
    }

    @Override
    public Result run(Path outDir) throws IOException {
        Map<String, Integer> steps = new LinkedHashMap<>();
        double[] xs = Runs.linspace(-4.5, 4.5, 121);
        double[] ys = Runs.linspace(-2, 2, 81);
        double[][] e = new double[ys.length][xs.length];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                e[j][i] = (A * xs[i] * xs[i] + B * ys[j] * ys[j]) / 2;
            }
        }
        List<double[]> cx = new ArrayList<>();
        List<double[]> cy = new ArrayList<>();
        for (double level : new double[] {0.1, 0.5, 1, 2, 4, 8, 16, 32}) {
            Contour.Lines l = Contour.lines(xs, ys, e, level);
            cx.add(l.x());
            cy.add(l.y());
        }
        LinePlot trajectories = LinePlot.titled("Descent on E(w) = (w1^2 + 20 w2^2) / 2 from (-4, 1.5)")
                .xLabel("w1")
                .yLabel("w2")
                .size(900, 640)
                .series("contours of E", concat(cx), concat(cy));
        Table table = new Table();
        for (Map.Entry<String, Map<String, Object>> o : QUADRATIC.entrySet()) {
            double[][] path = descend(o.getKey(), o.getValue());
            int reached = path[2][path[2].length - 1] < TARGET ? path[2].length - 1 : -1;
            steps.put(o.getKey(), reached);
            trajectories.series(
                    o.getKey() + " " + o.getValue().get("learning_rate") + " ("
                            + (reached < 0 ? "> " + MAX_STEPS : String.valueOf(reached)) + " steps)",
                    path[0],
                    path[1]);
            table.column("quadratic_" + o.getKey() + "_w1", path[0])
                    .column("quadratic_" + o.getKey() + "_w2", path[1])
                    .column("quadratic_" + o.getKey() + "_loss", path[2]);
        }
        Path quadPng = outDir.resolve("optimizers_quadratic.png");
        trajectories.save(quadPng);

        Dataset moons = Synthetic.twoMoons(NET_POINTS, 0.1, SEED, DataType.DOUBLE);
        Map<String, Double> netLoss = new LinkedHashMap<>();
        LinePlot network = LinePlot.titled("ReLU MLP 2-16-16-1 on two moons")
                .xLabel("epoch")
                .yLabel("training loss (cross-entropy)")
                .logY();
        for (Map.Entry<String, Map<String, Object>> o : NETWORK.entrySet()) {
            Sequential model = Models.mlpBuilder(2, 16, 16, 1)
                    .optDataType(DataType.DOUBLE)
                    .optSeed(SEED)
                    .build();
            History h = new Trainer(
                            model,
                            LossFunction.BINARY_CROSS_ENTROPY_WITH_LOGITS,
                            Optimizers.create(o.getKey(), o.getValue(), model.namedParameters()),
                            TrainingOptions.of(NET_EPOCHS, 32, SEED),
                            List.of())
                    .fit(moons, null);
            double[] loss = Runs.column(h, EpochRecord::trainLoss);
            netLoss.put(o.getKey(), loss[loss.length - 1]);
            network.series(o.getKey() + " " + o.getValue().get("learning_rate"), Runs.epochs(h), loss);
            table.column("network_" + o.getKey() + "_loss", loss);
        }
        Path netPng = outDir.resolve("optimizers_network.png");
        network.save(netPng);
        Path csv = table.write(outDir.resolve("optimizers.csv"));

        StringBuilder s = new StringBuilder(String.format(
                "Steps to E < %s on the narrow valley (at most %d), and the" + " network's final training loss:%n",
                TARGET, MAX_STEPS));
        for (String name : QUADRATIC.keySet()) {
            int k = steps.get(name);
            s.append(String.format(
                    "  %-9s %-14s network loss %s%n",
                    name, k < 0 ? "not reached" : k + " steps", Runs.fmt(netLoss.get(name))));
        }
        return new Result(steps, netLoss, s.toString().stripTrailing(), List.of(quadPng, netPng, csv));
    }

    /** The path from (-4, 1.5): rows w1, w2 and E, one column per point, ending when E &lt; TARGET. */
    static double[][] descend(String name, Map<String, Object> hyper) {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(new double[][] {{-4, 1.5}}));
        Tensor half = Tensor.constant(Nd4j.createFromArray(new double[][] {{A / 2, B / 2}}));
        Optimizer opt = Optimizers.create(name, hyper, Map.of("w", w));
        double[][] path = new double[3][MAX_STEPS + 1];
        int k = 0;
        for (; ; k++) {
            Tensor e = sum(mul(pow(w, 2), half));
            path[0][k] = w.value().getDouble(0);
            path[1][k] = w.value().getDouble(1);
            path[2][k] = e.item();
            if (path[2][k] < TARGET || k == MAX_STEPS) {
                break;
            }
            e.backward();
            opt.step();
            opt.zeroGrad();
        }
        return new double[][] {
            java.util.Arrays.copyOf(path[0], k + 1),
            java.util.Arrays.copyOf(path[1], k + 1),
            java.util.Arrays.copyOf(path[2], k + 1)
        };
    }

    private static double[] concat(List<double[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        double[] out = new double[n];
        int at = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
