package org.myelin.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files through which the engines agree on one gradient before anyone is timed. Myelin writes, for an MLP
 * with layers {@code i = 0..L-1}: initial weights {@code w<i>.npy} ({@code [in, out]}, row-major, {@code Z = X W + b})
 * and biases {@code b<i>.npy} ({@code [out]}), a batch {@code x.npy} ({@code [B, in]}) with class indices
 * {@code labels.npy} ({@code [B]}, as floats), and its gradients of the batch-mean softmax cross-entropy
 * {@code gw<i>.npy}, {@code gb<i>.npy}. A peer loads the same weights and batch, computes its gradients in the same
 * layout and calls {@link #worstError}.
 */
public final class Exchange {

    /** Largest relative error (see {@link #relativeError}) a peer's float32 gradients may have. */
    public static final double TOLERANCE = 1e-4;

    private final Path dir;

    public Exchange(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path weight(int layer) {
        return dir.resolve("w" + layer + ".npy");
    }

    public Path bias(int layer) {
        return dir.resolve("b" + layer + ".npy");
    }

    public Path weightGrad(int layer) {
        return dir.resolve("gw" + layer + ".npy");
    }

    public Path biasGrad(int layer) {
        return dir.resolve("gb" + layer + ".npy");
    }

    public Path features() {
        return dir.resolve("x.npy");
    }

    public Path labels() {
        return dir.resolve("labels.npy");
    }

    /** Number of layers written (w0, w1, ... present). */
    public int layers() {
        int n = 0;
        while (Files.exists(weight(n))) {
            n++;
        }
        return n;
    }

    /** The weights {@code [in, out]} of every layer. */
    public List<NpyFloats.Array> weights() throws IOException {
        List<NpyFloats.Array> w = new ArrayList<>();
        for (int i = 0; i < layers(); i++) {
            w.add(NpyFloats.read(weight(i)));
        }
        return w;
    }

    public List<NpyFloats.Array> biases() throws IOException {
        List<NpyFloats.Array> b = new ArrayList<>();
        for (int i = 0; i < layers(); i++) {
            b.add(NpyFloats.read(bias(i)));
        }
        return b;
    }

    /** The labels as ints. */
    public int[] labelIndices() throws IOException {
        float[] f = NpyFloats.read(labels()).data();
        int[] l = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            l[i] = Math.round(f[i]);
        }
        return l;
    }

    /**
     * ||a - ref||_inf / ||ref||_inf: the largest deviation relative to the largest reference magnitude (robust to
     * reference elements near zero, unlike an element-wise ratio).
     */
    public static double relativeError(float[] a, float[] ref) {
        if (a.length != ref.length) {
            throw new IllegalArgumentException("gradient lengths differ: " + a.length + " vs " + ref.length);
        }
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - ref[i]));
            scale = Math.max(scale, Math.abs(ref[i]));
        }
        return diff / Math.max(scale, 1e-30);
    }

    /**
     * The worst {@link #relativeError} of a peer's gradients against Myelin's over every weight and bias.
     *
     * @param weightGrads per layer, {@code [in, out]} row-major, batch mean
     * @param biasGrads   per layer, {@code [out]}, batch mean
     */
    public double worstError(List<float[]> weightGrads, List<float[]> biasGrads) throws IOException {
        int layers = layers();
        if (weightGrads.size() != layers || biasGrads.size() != layers) {
            throw new IllegalArgumentException("expected gradients of " + layers + " layers, got " + weightGrads.size()
                    + " and " + biasGrads.size());
        }
        double worst = 0;
        for (int i = 0; i < layers; i++) {
            worst = Math.max(
                    worst,
                    relativeError(
                            weightGrads.get(i), NpyFloats.read(weightGrad(i)).data()));
            worst = Math.max(
                    worst,
                    relativeError(biasGrads.get(i), NpyFloats.read(biasGrad(i)).data()));
        }
        return worst;
    }

    /** Transposes a row-major {@code [rows, cols]} array (e.g. a PyTorch {@code [out, in]} weight to {@code [in, out]}). */
    public static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }
}
