package org.myelin.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.nn.Dense;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.train.EpochRecord;
import org.myelin.train.History;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small helpers the examples share: history columns, grids, model outputs, number formatting. */
final class Runs {
    private Runs() {}

    /** One value per epoch of {@code h}. */
    static double[] column(History h, ToDoubleFunction<EpochRecord> f) {
        List<EpochRecord> e = h.epochs();
        double[] out = new double[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = f.applyAsDouble(e.get(i));
        }
        return out;
    }

    /** The epoch numbers 1..n of {@code h}. */
    static double[] epochs(History h) {
        return column(h, EpochRecord::epoch);
    }

    /** {@code 1, 2, ..., n}. */
    static double[] count(int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = i + 1;
        }
        return out;
    }

    /** {@code n} evenly spaced points from {@code from} to {@code to}, both included. */
    static double[] linspace(double from, double to, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = from + (to - from) * i / (n - 1);
        }
        return a;
    }

    /** The model's output column 0 for each row of {@code x}, in evaluation mode without a graph. */
    static double[] predict(Module model, INDArray x) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try (var scope = Autograd.noGrad()) {
            INDArray y = model.forward(Tensor.constant(x)).value();
            return y.getColumn(0).castTo(DataType.DOUBLE).toDoubleVector();
        } finally {
            model.train(wasTraining);
        }
    }

    /** The model's output column 0 over a grid: {@code out[j][i] = f(xs[i], ys[j])}. */
    static double[][] onGrid(Module model, double[] xs, double[] ys, DataType type) {
        double[][] points = new double[xs.length * ys.length][2];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                points[j * xs.length + i][0] = xs[i];
                points[j * xs.length + i][1] = ys[j];
            }
        }
        double[] flat = predict(model, Nd4j.createFromArray(points).castTo(type));
        double[][] out = new double[ys.length][xs.length];
        for (int j = 0; j < ys.length; j++) {
            System.arraycopy(flat, j * xs.length, out[j], 0, xs.length);
        }
        return out;
    }

    /** Column {@code c} of the features of the rows of {@code d} whose binary label is {@code label}. */
    static double[] featureOfClass(Dataset d, int c, int label) {
        int[] labels = d.labels();
        double[] all = d.features().getColumn(c).castTo(DataType.DOUBLE).toDoubleVector();
        List<Double> kept = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == label) {
                kept.add(all[i]);
            }
        }
        return kept.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The Dense layers of a sequential model, in order. */
    static List<Dense> denseLayers(Sequential model) {
        List<Dense> out = new ArrayList<>();
        for (Module m : model.layers()) {
            if (m instanceof Dense d) {
                out.add(d);
            }
        }
        return out;
    }

    /** The dotted parameter path of each Dense layer's weight in a sequential model ({@code i.weight}). */
    static List<String> denseWeightNames(Sequential model) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < model.size(); i++) {
            if (model.get(i) instanceof Dense) {
                out.add(i + ".weight");
            }
        }
        return out;
    }

    static String fmt(double x) {
        if (x == 0 || (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5)) {
            return String.format(Locale.ROOT, "%.4g", x);
        }
        return String.format(Locale.ROOT, "%.3e", x);
    }

    static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }
}
