package org.myelin.benchmarks.harness;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * One benchmark workload, the same for every engine: an MLP ({@code sizes}, ReLU between layers, logits out,
 * softmax cross-entropy averaged over the batch) or a convolutional network ({@code net}, see {@link ConvNet};
 * its {@code sizes} are {@code {C H W, classes}}) trained with {@code optimizer} or run for inference, at one
 * batch size, float32. {@code SPIKING} is one Euler step of the spiking network of Myelin's
 * {@code SpikingNetworkBenchmark} at {@link #dt()} (peers: Brian2's devices).
 *
 * @param name      the identifier workers and the report use, e.g. {@code mlp-adam-128}
 * @param kind      training step, inference (forward only) or the spiking network
 * @param optimizer {@code adam} (learning rate 1e-3) or {@code sgd} (0.01); null for inference
 * @param net       the convolutional network, or null for an MLP
 */
public record Workload(String name, Kind kind, String optimizer, int batch, int[] sizes, ConvNet net) {

    public enum Kind {
        TRAIN,
        INFER,
        SPIKING
    }

    /** The MLP of the quick start: MNIST-shaped 784-512-256-10. */
    public static final int[] MLP = {784, 512, 256, 10};
    /** The deeper net: 8 hidden layers of 1024. */
    public static final int[] DEEP = IntStream.concat(
                    IntStream.concat(
                            IntStream.of(784), IntStream.generate(() -> 1024).limit(8)),
                    IntStream.of(10))
            .toArray();

    /** The spiking workload at dt = 0.1 ms (the other one, {@code spiking-10k}, steps 1 ms). */
    public static final String SPIKING_FINE = "spiking-10k-dt0.1";

    /** An MLP (or spiking) workload. */
    public Workload(String name, Kind kind, String optimizer, int batch, int[] sizes) {
        this(name, kind, optimizer, batch, sizes, null);
    }

    public static final double ADAM_LEARNING_RATE = 1e-3;
    public static final double SGD_LEARNING_RATE = 0.01;

    /** Every workload of the full run, in report order. */
    public static List<Workload> all() {
        return List.of(
                train("mlp-adam-32", "adam", 32, MLP),
                train("mlp-adam-128", "adam", 128, MLP),
                train("mlp-adam-1024", "adam", 1024, MLP),
                train("mlp-sgd-32", "sgd", 32, MLP),
                train("mlp-sgd-128", "sgd", 128, MLP),
                train("mlp-sgd-1024", "sgd", 1024, MLP),
                new Workload("infer-128", Kind.INFER, null, 128, MLP),
                new Workload("infer-1024", Kind.INFER, null, 1024, MLP),
                train("deep-adam-256", "adam", 256, DEEP),
                new Workload("spiking-10k", Kind.SPIKING, null, 1, new int[] {1000, 10_000}),
                new Workload(SPIKING_FINE, Kind.SPIKING, null, 1, new int[] {1000, 10_000}));
    }

    /**
     * The CNN workloads (issue 16), in report order: named with {@code --workloads}, not part of the default run
     * ({@link #all()}), which they would lengthen by about half.
     */
    public static List<Workload> cnns() {
        return List.of(
                cnn("cnn-adam-64", Kind.TRAIN, 64, ConvNet.SMALL_CNN),
                cnn("cnn-adam-128", Kind.TRAIN, 128, ConvNet.SMALL_CNN),
                cnn("lenet-adam-64", Kind.TRAIN, 64, ConvNet.LENET5),
                cnn("lenet-adam-128", Kind.TRAIN, 128, ConvNet.LENET5),
                cnn("cnn-infer-1", Kind.INFER, 1, ConvNet.SMALL_CNN),
                cnn("cnn-infer-256", Kind.INFER, 256, ConvNet.SMALL_CNN),
                cnn("lenet-infer-1", Kind.INFER, 1, ConvNet.LENET5),
                cnn("lenet-infer-256", Kind.INFER, 256, ConvNet.LENET5));
    }

    /** A convolutional workload: Adam for training, none for inference. */
    private static Workload cnn(String name, Kind kind, int batch, ConvNet net) {
        return new Workload(
                name, kind, kind == Kind.TRAIN ? "adam" : null, batch, new int[] {net.inputSize(), net.classes()}, net);
    }

    /** The tiny CNN for smoke tests ({@link ConvNet#TINY}), batch 5: {@code tiny-cnn-adam} or {@code tiny-cnn-infer}. */
    public static Workload tinyCnn(boolean train) {
        return cnn(train ? "tiny-cnn-adam" : "tiny-cnn-infer", train ? Kind.TRAIN : Kind.INFER, 5, ConvNet.TINY);
    }

    /** Whether this is a convolutional workload. */
    public boolean isConv() {
        return net != null;
    }

    /**
     * The name of the exchange directory: workloads with the same network (MLP sizes or CNN) share one, whatever
     * their batch or optimiser.
     */
    public String exchangeKey() {
        return net != null
                ? net.name()
                : Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-"));
    }

    /** A small MLP for smoke tests: {@code 12-8-6-3}, batch 5. */
    public static Workload tiny(String optimizer) {
        return optimizer == null
                ? new Workload("tiny-infer", Kind.INFER, null, 5, new int[] {12, 8, 6, 3})
                : train("tiny-" + optimizer, optimizer, 5, new int[] {12, 8, 6, 3});
    }

    private static Workload train(String name, String optimizer, int batch, int[] sizes) {
        return new Workload(name, Kind.TRAIN, optimizer, batch, sizes);
    }

    /** The workload called {@code name}: one of {@link #all()}, {@link #cnns()} or a tiny one ({@code tiny-adam}, ...). */
    public static Workload byName(String name) {
        switch (name) {
            case "tiny-adam":
                return tiny("adam");
            case "tiny-sgd":
                return tiny("sgd");
            case "tiny-infer":
                return tiny(null);
            case "tiny-cnn-adam":
                return tinyCnn(true);
            case "tiny-cnn-infer":
                return tinyCnn(false);
            default:
                return java.util.stream.Stream.concat(all().stream(), cnns().stream())
                        .filter(w -> w.name.equals(name))
                        .findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown workload '" + name
                                + "', expected one of "
                                + java.util.stream.Stream.concat(all().stream(), cnns().stream())
                                        .map(Workload::name)
                                        .collect(Collectors.joining(", "))
                                + ", tiny-adam, tiny-sgd, tiny-infer, tiny-cnn-adam, tiny-cnn-infer"));
        }
    }

    public double learningRate() {
        return "sgd".equals(optimizer) ? SGD_LEARNING_RATE : ADAM_LEARNING_RATE;
    }

    /** The Euler step of a spiking workload [s]: 0.1 ms for {@link #SPIKING_FINE}, else 1 ms. */
    public double dt() {
        return name.equals(SPIKING_FINE) ? 1e-4 : 1e-3;
    }

    /** Layers with parameters. */
    public int layers() {
        if (net != null) {
            return net.parameterLayers().size();
        }
        return sizes.length - 1;
    }

    public int classes() {
        return sizes[sizes.length - 1];
    }

    /**
     * Multiply-adds x 2 of the gemms of one step: forward L, dW L, dX L - 1 (training) or forward only; for a CNN
     * those of im2col ({@link ConvNet#gemmShapes}).
     */
    public double gemmFlops() {
        if (net != null) {
            return net.gemmFlops(batch, kind == Kind.TRAIN);
        }
        double forward = 0;
        double dx = 0;
        for (int i = 0; i < layers(); i++) {
            double f = 2.0 * batch * sizes[i] * sizes[i + 1];
            forward += f;
            if (i > 0) {
                dx += f;
            }
        }
        return kind == Kind.TRAIN ? 2 * forward + dx : forward;
    }

    /** Number of gemms of one step. */
    public int gemms() {
        if (net != null) {
            return net.gemmShapes(batch, kind == Kind.TRAIN).size();
        }
        return kind == Kind.TRAIN ? 3 * layers() - 1 : layers();
    }

    @Override
    public String toString() {
        return name + " (" + kind + (optimizer == null ? "" : " " + optimizer) + ", batch " + batch + ", "
                + (net != null
                        ? net.name() + " " + net.channels() + "x" + net.height() + "x" + net.width()
                        : Arrays.stream(sizes).mapToObj(Integer::toString).collect(Collectors.joining("-")))
                + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Workload w && w.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }
}
