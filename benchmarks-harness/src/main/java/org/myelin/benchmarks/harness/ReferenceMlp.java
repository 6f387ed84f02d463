package org.myelin.benchmarks.harness;

import java.io.IOException;
import java.util.List;

/**
 * A float64 MLP in plain Java loops, the independent yardstick of the smoke tests: ReLU between layers, logits
 * out, softmax cross-entropy averaged over the batch. {@link #writeExchange} writes a complete {@link Exchange}
 * (weights, batch, gradients), so a peer's gradient check can be tested without Myelin on its classpath. For tiny
 * shapes only.
 */
public final class ReferenceMlp {

    private ReferenceMlp() {}

    /**
     * Writes random weights (He normal, zero biases), a random batch in [0, 1) with labels {@code i % classes}, and
     * the float64 gradients rounded to float32.
     */
    public static void writeExchange(Exchange ex, int[] sizes, int batch, long seed) throws IOException {
        java.nio.file.Files.createDirectories(ex.dir());
        java.util.Random r = new java.util.Random(seed);
        int layers = sizes.length - 1;
        double[][] w = new double[layers][];
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = new double[sizes[l] * sizes[l + 1]];
            b[l] = new double[sizes[l + 1]];
            double std = Math.sqrt(2.0 / sizes[l]);
            for (int i = 0; i < w[l].length; i++) {
                w[l][i] = r.nextGaussian() * std;
            }
            for (int i = 0; i < b[l].length; i++) {
                b[l][i] = 0.1 * r.nextGaussian();
            }
        }
        double[] x = new double[batch * sizes[0]];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % sizes[layers];
        }
        // Round the inputs to float32 first so the reference sees exactly what the engines load.
        for (int l = 0; l < layers; l++) {
            roundToFloat(w[l]);
            roundToFloat(b[l]);
            NpyFloats.write(ex.weight(l), new NpyFloats.Array(toFloat(w[l]), new long[] {sizes[l], sizes[l + 1]}));
            NpyFloats.write(ex.bias(l), new NpyFloats.Array(toFloat(b[l]), new long[] {sizes[l + 1]}));
        }
        roundToFloat(x);
        NpyFloats.write(ex.features(), new NpyFloats.Array(toFloat(x), new long[] {batch, sizes[0]}));
        float[] lf = new float[batch];
        for (int i = 0; i < batch; i++) {
            lf[i] = labels[i];
        }
        NpyFloats.write(ex.labels(), new NpyFloats.Array(lf, new long[] {batch}));
        double[][][] g = gradients(sizes, w, b, x, labels, batch);
        for (int l = 0; l < layers; l++) {
            NpyFloats.write(ex.weightGrad(l), new NpyFloats.Array(toFloat(g[0][l]), new long[] {sizes[l], sizes[l + 1]
            }));
            NpyFloats.write(ex.biasGrad(l), new NpyFloats.Array(toFloat(g[1][l]), new long[] {sizes[l + 1]}));
        }
    }

    /** The batch-mean softmax cross-entropy (for the finite-difference test of {@link #gradients}). */
    static double loss(int[] sizes, double[][] w, double[][] b, double[] x, int[] labels, int batch) {
        double[] a = x;
        int layers = sizes.length - 1;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] z = new double[batch * out];
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < out; j++) {
                    double s = b[l][j];
                    for (int k = 0; k < in; k++) {
                        s += a[n * in + k] * w[l][k * out + j];
                    }
                    z[n * out + j] = l < layers - 1 ? Math.max(0, s) : s;
                }
            }
            a = z;
        }
        int c = sizes[layers];
        double total = 0;
        for (int n = 0; n < batch; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, a[n * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(a[n * c + j] - max);
            }
            total += Math.log(sum) + max - a[n * c + labels[n]];
        }
        return total / batch;
    }

    /** {weight grads, bias grads} per layer of the batch-mean softmax cross-entropy. */
    static double[][][] gradients(int[] sizes, double[][] w, double[][] b, double[] x, int[] labels, int batch) {
        int layers = sizes.length - 1;
        double[][] a = new double[layers + 1][];
        a[0] = x;
        for (int l = 0; l < layers; l++) {
            int in = sizes[l];
            int out = sizes[l + 1];
            double[] z = new double[batch * out];
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < out; j++) {
                    double s = b[l][j];
                    for (int k = 0; k < in; k++) {
                        s += a[l][n * in + k] * w[l][k * out + j];
                    }
                    z[n * out + j] = l < layers - 1 ? Math.max(0, s) : s;
                }
            }
            a[l + 1] = z;
        }
        int c = sizes[layers];
        double[] dz = new double[batch * c];
        for (int n = 0; n < batch; n++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, a[layers][n * c + j]);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(a[layers][n * c + j] - max);
            }
            for (int j = 0; j < c; j++) {
                double p = Math.exp(a[layers][n * c + j] - max) / sum;
                dz[n * c + j] = (p - (labels[n] == j ? 1 : 0)) / batch;
            }
        }
        double[][] gw = new double[layers][];
        double[][] gb = new double[layers][];
        for (int l = layers - 1; l >= 0; l--) {
            int in = sizes[l];
            int out = sizes[l + 1];
            gw[l] = new double[in * out];
            gb[l] = new double[out];
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < out; j++) {
                    double d = dz[n * out + j];
                    gb[l][j] += d;
                    for (int k = 0; k < in; k++) {
                        gw[l][k * out + j] += a[l][n * in + k] * d;
                    }
                }
            }
            if (l > 0) {
                double[] da = new double[batch * in];
                for (int n = 0; n < batch; n++) {
                    for (int k = 0; k < in; k++) {
                        double s = 0;
                        for (int j = 0; j < out; j++) {
                            s += dz[n * out + j] * w[l][k * out + j];
                        }
                        da[n * in + k] = a[l][n * in + k] > 0 ? s : 0;
                    }
                }
                dz = da;
            }
        }
        return new double[][][] {gw, gb};
    }

    private static void roundToFloat(double[] a) {
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) a[i];
        }
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    /** Convenience for tests: the exchange's own gradients as float arrays, {weights, biases}. */
    public static List<List<float[]>> readGradients(Exchange ex) throws IOException {
        List<float[]> gw = new java.util.ArrayList<>();
        List<float[]> gb = new java.util.ArrayList<>();
        for (int i = 0; i < ex.layers(); i++) {
            gw.add(NpyFloats.read(ex.weightGrad(i)).data());
            gb.add(NpyFloats.read(ex.biasGrad(i)).data());
        }
        return List.of(gw, gb);
    }
}
