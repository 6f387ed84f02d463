package org.myelin.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The second agreement check before timing: every engine trains the workload's MLP for {@link #STEPS} float32
 * steps from the exchange's weights on the exchange's first {@link #MAX_ROWS} rows (the same batch each step) with
 * the workload's optimiser, and its parameters are compared with a float64 run of the same algorithm in plain Java
 * loops ({@link ReferenceMlp#gradients}). A gradient check sees one step; an error that is tiny per step but always
 * of the same sign (a coefficient such as {@code 1 - beta2} rounded in float32) only shows over a trajectory.
 *
 * <p>Adam comes in two published forms that differ in where eps enters, and the float64 run follows the form the
 * engine declares ({@link AdamForm}): comparing one form with the other would report the formula, not drift.
 *
 * <p>Distance: {@code max|a - r| / max|r|} over the worst parameter tensor. Correct float32 runs land about 1e-4
 * from float64 after 20 Adam steps of the 784-512-256-10 MLP (PyTorch's {@code torch.optim.Adam} 1.4e-4, Myelin
 * 1.4e-4 to 1.6e-4); Adam with {@code 1 - beta2} rounded in float landed at 6e-2. {@link #TOLERANCE} sits between.
 */
public final class Trajectory {

    /** Training steps of the check. */
    public static final int STEPS = 20;
    /** Rows of the exchange batch used (the float64 run of the deep net stays a few seconds). */
    public static final int MAX_ROWS = 8;
    /** Largest distance from the float64 run that is float32 noise rather than drift. */
    public static final double TOLERANCE = 2e-3;

    /** Where Adam adds eps. */
    public enum AdamForm {
        /** {@code torch.optim.Adam}: {@code w -= (lr / (1 - b1^t)) m / (sqrt(v / (1 - b2^t)) + eps)}. */
        TORCH,
        /**
         * The paper's "epsilon hat" form (Keras, DL4J, DJL/MXNet):
         * {@code w -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + eps)}, i.e. eps before the bias correction.
         */
        EPS_HAT
    }

    private Trajectory() {}

    /** Rows of the exchange batch the check trains on. */
    public static int rows(Exchange ex) throws IOException {
        return (int) Math.min(MAX_ROWS, NpyFloats.read(ex.features()).shape()[0]);
    }

    /** The first {@link #rows} rows of the exchange's features, {@code [rows, in]}. */
    public static NpyFloats.Array features(Exchange ex) throws IOException {
        NpyFloats.Array x = NpyFloats.read(ex.features());
        int rows = rows(ex);
        int in = (int) x.shape()[1];
        return new NpyFloats.Array(Arrays.copyOf(x.data(), rows * in), new long[] {rows, in});
    }

    /** The labels of those rows. */
    public static int[] labels(Exchange ex) throws IOException {
        return Arrays.copyOf(ex.labelIndices(), rows(ex));
    }

    /**
     * The float64 parameters after {@link #STEPS} steps, as {@code {w0, b0, w1, b1, ...}} in the exchange's layout,
     * computed once per exchange, optimiser and form and kept in the exchange directory (rounded to float32, an
     * error of 6e-8 relative, far below {@link #TOLERANCE}).
     */
    public static List<float[]> reference(Workload w, Exchange ex, AdamForm form) throws IOException {
        String key = "trajectory-" + w.optimizer()
                + ("adam".equals(w.optimizer()) ? "-" + form.name().toLowerCase(java.util.Locale.ROOT) : "");
        int layers = ex.layers();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 2 * layers; i++) {
            files.add(ex.dir().resolve(key + "-p" + i + ".npy"));
        }
        if (files.stream().allMatch(Files::exists)) {
            List<float[]> out = new ArrayList<>();
            for (Path f : files) {
                out.add(NpyFloats.read(f).data());
            }
            return out;
        }
        List<float[]> out = train(w, ex, form);
        for (int i = 0; i < out.size(); i++) {
            NpyFloats.write(files.get(i), new NpyFloats.Array(out.get(i), new long[] {out.get(i).length}));
        }
        return out;
    }

    /** The float64 run itself (see {@link #reference}). */
    static List<float[]> train(Workload w, Exchange ex, AdamForm form) throws IOException {
        int[] sizes = w.sizes();
        int layers = sizes.length - 1;
        double[][] wt = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            wt[l] = toDouble(NpyFloats.read(ex.weight(l)).data());
            b[l] = toDouble(NpyFloats.read(ex.bias(l)).data());
        }
        double[] x = toDouble(features(ex).data());
        int[] labels = labels(ex);
        int rows = labels.length;
        double[][][] state = new double[2][2 * layers][];
        for (int t = 1; t <= STEPS; t++) {
            double[][][] g = ReferenceMlp.gradients(sizes, wt, b, x, labels, rows);
            for (int l = 0; l < layers; l++) {
                update(w, form, wt[l], g[0][l], state, 2 * l, t);
                update(w, form, b[l], g[1][l], state, 2 * l + 1, t);
            }
        }
        List<float[]> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            out.add(toFloat(wt[l]));
            out.add(toFloat(b[l]));
        }
        return out;
    }

    /** One float64 update of p in place: plain SGD, or Adam (beta1 0.9, beta2 0.999, eps 1e-8) in the given form. */
    private static void update(Workload w, AdamForm form, double[] p, double[] g, double[][][] state, int slot, int t) {
        double lr = w.learningRate();
        if (!"adam".equals(w.optimizer())) {
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * g[i];
            }
            return;
        }
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        if (state[0][slot] == null) {
            state[0][slot] = new double[p.length];
            state[1][slot] = new double[p.length];
        }
        double[] m = state[0][slot];
        double[] v = state[1][slot];
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        for (int i = 0; i < p.length; i++) {
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            if (form == AdamForm.TORCH) {
                p[i] -= (lr / bc1) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
            } else {
                p[i] -= lr * Math.sqrt(bc2) / bc1 * m[i] / (Math.sqrt(v[i]) + eps);
            }
        }
    }

    /**
     * {@code max|a - r| / max|r|} over the worst tensor of {@code {w0, b0, ...}}.
     *
     * @throws IllegalArgumentException when the tensors' number or lengths differ
     */
    public static double distance(List<float[]> params, List<float[]> reference) {
        if (params.size() != reference.size()) {
            throw new IllegalArgumentException(
                    "trajectory: " + params.size() + " parameter tensors, expected " + reference.size());
        }
        double worst = 0;
        for (int i = 0; i < params.size(); i++) {
            worst = Math.max(worst, Exchange.relativeError(params.get(i), reference.get(i)));
        }
        return worst;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
