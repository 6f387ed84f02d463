package org.myelin.benchmarks.harness;

import java.util.ArrayList;
import java.util.List;

/**
 * A convolutional network every engine builds the same way for the CNN workloads: NCHW images, each {@link Conv}
 * followed by ReLU (stride 1, no dilation), 2 x 2 max pooling at stride 2, flatten in c-order ({@code [N, C H W]}),
 * {@link Dense} layers with ReLU between them and logits out, softmax cross-entropy averaged over the batch. No
 * dropout (the small CNN of {@code Models.smallCnn} has two dropout layers; the benchmark leaves them out for every
 * engine, so the gradient check and the timed step compute the same function).
 *
 * <p>Parameters, in layer order, in the {@link Exchange}: a convolution's weight {@code [out, in, k, k]} (Myelin's,
 * DL4J's and PyTorch's layout) and bias {@code [out]}; a dense layer's weight {@code [in, out]} and bias
 * {@code [out]}.
 *
 * @param name     the exchange key, e.g. {@code cnn}
 * @param channels C of the input images
 * @param height   H
 * @param width    W
 * @param layers   the layers in order; the last is the {@link Dense} output layer
 */
public record ConvNet(String name, int channels, int height, int width, List<Layer> layers) {

    /** One layer of the network. */
    public sealed interface Layer permits Conv, MaxPool, Dense {}

    /** {@code out} filters of {@code kernel x kernel}, then ReLU; {@code same}: zero padding keeping H and W. */
    public record Conv(int out, int kernel, boolean same) implements Layer {}

    /** Max pooling over {@code size x size} windows at stride {@code size}. */
    public record MaxPool(int size) implements Layer {}

    /** A dense layer of {@code out} units, ReLU after it unless it is the last layer. */
    public record Dense(int out) implements Layer {}

    /** The small CNN of {@code Models.smallCnn} without its dropout: MNIST-shaped, 1,199,882 parameters. */
    public static final ConvNet SMALL_CNN = new ConvNet(
            "cnn",
            1,
            28,
            28,
            List.of(new Conv(32, 3, false), new Conv(64, 3, false), new MaxPool(2), new Dense(128), new Dense(10)));

    /** LeNet-5 as {@code Models.lenet5} builds it (ReLU, max pooling): MNIST-shaped, 61,706 parameters. */
    public static final ConvNet LENET5 = new ConvNet(
            "lenet",
            1,
            28,
            28,
            List.of(
                    new Conv(6, 5, true),
                    new MaxPool(2),
                    new Conv(16, 5, false),
                    new MaxPool(2),
                    new Dense(120),
                    new Dense(84),
                    new Dense(10)));

    /** A tiny CNN for smoke tests: 1 x 8 x 8 images, conv 3@3 "same", pool, conv 4@3, dense 3. */
    public static final ConvNet TINY = new ConvNet(
            "tiny-cnn", 1, 8, 8, List.of(new Conv(3, 3, true), new MaxPool(2), new Conv(4, 3, false), new Dense(3)));

    public ConvNet {
        layers = List.copyOf(layers);
        if (layers.isEmpty() || !(layers.get(layers.size() - 1) instanceof Dense)) {
            throw new IllegalArgumentException("ConvNet " + name + ": the last layer must be Dense, layers " + layers);
        }
    }

    /** Output classes (units of the last layer). */
    public int classes() {
        return ((Dense) layers.get(layers.size() - 1)).out();
    }

    /** Input features per sample, {@code C H W}. */
    public int inputSize() {
        return channels * height * width;
    }

    /** The shape {@code [C, H, W]} or {@code [features]} after each layer, starting with the input's. */
    public List<int[]> shapes() {
        List<int[]> s = new ArrayList<>();
        int[] cur = {channels, height, width};
        s.add(cur);
        for (Layer l : layers) {
            if (l instanceof Conv c) {
                int side = c.same() ? 0 : c.kernel() - 1;
                cur = new int[] {c.out(), cur[1] - side, cur[2] - side};
            } else if (l instanceof MaxPool p) {
                cur = new int[] {cur[0], cur[1] / p.size(), cur[2] / p.size()};
            } else if (l instanceof Dense d) {
                cur = new int[] {d.out()};
            }
            s.add(cur);
        }
        return s;
    }

    /** The layers with parameters, in order (what {@link Exchange#layers()} counts). */
    public List<Layer> parameterLayers() {
        return layers.stream().filter(l -> !(l instanceof MaxPool)).toList();
    }

    /** Each parameter layer's weight shape: {@code [out, in, k, k]} or {@code [in, out]}. */
    public List<long[]> weightShapes() {
        List<long[]> out = new ArrayList<>();
        List<int[]> s = shapes();
        for (int i = 0; i < layers.size(); i++) {
            int[] in = s.get(i);
            if (layers.get(i) instanceof Conv c) {
                out.add(new long[] {c.out(), in[0], c.kernel(), c.kernel()});
            } else if (layers.get(i) instanceof Dense d) {
                out.add(new long[] {product(in), d.out()});
            }
        }
        return out;
    }

    /**
     * The gemms of one step as an im2col engine runs them, each {@code {m, n, k}} of {@code C[m, n] = A[m, k] B[k, n]}
     * with the flags {@code {transA, transB}} as 0/1: per convolution with P = N outH outW output positions and
     * K = in k k the forward {@code [out, K] x [K, P]}, for training the weight gradient {@code dY [out, P] x
     * cols^T} and, except for the first layer (whose input needs no gradient), the patch gradient
     * {@code W^T [K, out] x dY [out, P]}; per dense layer those of the MLP ({@link Workload#gemmFlops()}).
     */
    public List<int[]> gemmShapes(int batch, boolean train) {
        List<int[]> g = new ArrayList<>();
        List<int[]> s = shapes();
        boolean first = true;
        for (int i = 0; i < layers.size(); i++) {
            int[] in = s.get(i);
            int[] out = s.get(i + 1);
            if (layers.get(i) instanceof Conv c) {
                int k = in[0] * c.kernel() * c.kernel();
                int p = batch * out[1] * out[2];
                g.add(new int[] {c.out(), p, k, 0, 0});
                if (train) {
                    g.add(new int[] {c.out(), k, p, 0, 1});
                    if (!first) {
                        g.add(new int[] {k, p, c.out(), 1, 0});
                    }
                }
                first = false;
            } else if (layers.get(i) instanceof Dense d) {
                int k = product(in);
                g.add(new int[] {batch, d.out(), k, 0, 0});
                if (train) {
                    g.add(new int[] {k, d.out(), batch, 1, 0});
                    if (!first) {
                        g.add(new int[] {batch, k, d.out(), 0, 1});
                    }
                }
                first = false;
            }
        }
        return g;
    }

    /** 2 m n k summed over {@link #gemmShapes}. */
    public double gemmFlops(int batch, boolean train) {
        double f = 0;
        for (int[] s : gemmShapes(batch, train)) {
            f += 2.0 * s[0] * s[1] * s[2];
        }
        return f;
    }

    /** Total parameters (weights and biases). */
    public long parameterCount() {
        long n = 0;
        for (long[] w : weightShapes()) {
            long size = 1;
            for (long d : w) {
                size *= d;
            }
            n += size + (w.length == 4 ? w[0] : w[1]);
        }
        return n;
    }

    static int product(int[] a) {
        int p = 1;
        for (int v : a) {
            p *= v;
        }
        return p;
    }
}
