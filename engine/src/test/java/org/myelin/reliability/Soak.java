package org.myelin.reliability;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.bytedeco.javacpp.Pointer;
import org.myelin.data.Dataset;
import org.myelin.data.Mnist;
import org.myelin.data.Split;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.myelin.train.Callback;
import org.myelin.train.Checkpointing;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Soak benchmark (not a unit test): thousands of training steps of the MNIST MLP (784-512-256-10, ReLU, dropout,
 * Adam, batch 128, a checkpoint every 500 steps and an evaluation after every epoch) while sampling the process's
 * resident memory ({@code VmRSS} in {@code /proc/self/status}), JavaCPP's off-heap accounting
 * ({@link Pointer#physicalBytes()}, {@link Pointer#totalBytes()}) and the Java heap. Prints one row per sample and a
 * summary: the figures after warm-up, at the middle and at the end, and the growth rate over the second half. Memory
 * that levels off shows a second-half slope near zero.
 *
 * <p>Run: {@code java -cp <test classpath> org.myelin.reliability.Soak [steps] [csv-file]} (default 3000 steps);
 * uses the cached MNIST when present (see {@link Mnist#defaultCacheDir()}), else random data of the same shape.
 */
public final class Soak {
    private Soak() {}

    /** {@code -Dsoak.gcEvery=N}: call System.gc() every N steps (0: never), to tell GC lag from a leak. */
    static final int GC_EVERY = Integer.getInteger("soak.gcEvery", 0);

    record Sample(long step, double seconds, double rssMb, double physicalMb, double javacppMb, double heapMb) {}

    public static void main(String[] args) throws IOException {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        Path csv = args.length > 1 ? Path.of(args[1]) : null;
        PrintStream out = System.out;
        Dataset data = Mnist.isCached(Mnist.defaultCacheDir())
                ? Mnist.load(Mnist.cachePath(Mnist.defaultCacheDir()), DataType.FLOAT)
                        .train()
                : randomMnist();
        Split split = Split.of(data, 50_000.0 / 60_000, 10_000.0 / 60_000, 0, 1);
        Module m = Models.mlpBuilder(784, 512, 256, 10)
                .optDataType(DataType.FLOAT)
                .optSeed(1)
                .optHidden(Activations.RELU)
                .optDropout(0.2)
                .build();
        int perEpoch = (split.train().size() + 127) / 128;
        int epochs = (steps + perEpoch - 1) / perEpoch;
        List<Sample> samples = new ArrayList<>();
        long start = System.nanoTime();
        int every = Math.max(1, steps / 60);
        Callback sampler = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (GC_EVERY > 0 && step % GC_EVERY == 0) {
                    System.gc();
                }
                if (step % every == 0 || step == 1) {
                    Runtime rt = Runtime.getRuntime();
                    samples.add(new Sample(
                            step,
                            (System.nanoTime() - start) / 1e9,
                            rssMb(),
                            Pointer.physicalBytes() / 1048576.0,
                            Pointer.totalBytes() / 1048576.0,
                            (rt.totalMemory() - rt.freeMemory()) / 1048576.0));
                }
                if (step >= steps) {
                    t.requestStop();
                }
            }
        };
        Path dir = Files.createTempDirectory("myelin-soak");
        Checkpointing checkpoints = new Checkpointing(dir.resolve("checkpoint.zip"), 0, 500, Map.of());
        Trainer t = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("adam", Map.of("learning_rate", 0.001), m.namedParameters()),
                TrainingOptions.of(epochs, 128, 1),
                List.of(sampler, checkpoints));
        out.printf(
                Locale.ROOT,
                "soak: %d steps of batch 128 (%d per epoch), %s data, %s%n",
                steps,
                perEpoch,
                Mnist.isCached(Mnist.defaultCacheDir()) ? "MNIST" : "random MNIST-shaped",
                Nd4j.getBackend().getClass().getSimpleName());
        out.println("step,seconds,rss_mb,javacpp_physical_mb,javacpp_total_mb,heap_used_mb");
        t.fit(split.train(), split.validation());
        StringBuilder rows =
                new StringBuilder("step,seconds,rss_mb,javacpp_physical_mb,javacpp_total_mb,heap_used_mb\n");
        for (Sample s : samples) {
            String row = String.format(
                    Locale.ROOT,
                    "%d,%.1f,%.1f,%.1f,%.1f,%.1f",
                    s.step(),
                    s.seconds(),
                    s.rssMb(),
                    s.physicalMb(),
                    s.javacppMb(),
                    s.heapMb());
            out.println(row);
            rows.append(row).append('\n');
        }
        if (csv != null) {
            Files.writeString(csv, rows);
        }
        summarize(samples, out);
        out.printf(
                Locale.ROOT,
                "final train loss %.4f, validation accuracy %.4f%n",
                t.history().last().trainLoss(),
                t.history().last().validationAccuracy());
    }

    private static void summarize(List<Sample> s, PrintStream out) {
        Sample warm = s.get(Math.max(0, s.size() / 10));
        Sample mid = s.get(s.size() / 2);
        Sample end = s.get(s.size() - 1);
        out.printf(
                Locale.ROOT,
                "%-22s %10s %10s %10s%n",
                "",
                "step " + warm.step(),
                "step " + mid.step(),
                "step " + end.step());
        out.printf(Locale.ROOT, "%-22s %10.1f %10.1f %10.1f%n", "RSS (MB)", warm.rssMb(), mid.rssMb(), end.rssMb());
        out.printf(
                Locale.ROOT,
                "%-22s %10.1f %10.1f %10.1f%n",
                "JavaCPP physical (MB)",
                warm.physicalMb(),
                mid.physicalMb(),
                end.physicalMb());
        out.printf(
                Locale.ROOT,
                "%-22s %10.1f %10.1f %10.1f%n",
                "JavaCPP total (MB)",
                warm.javacppMb(),
                mid.javacppMb(),
                end.javacppMb());
        out.printf(
                Locale.ROOT,
                "%-22s %10.1f %10.1f %10.1f%n",
                "heap used (MB)",
                warm.heapMb(),
                mid.heapMb(),
                end.heapMb());
        List<Sample> second = s.subList(s.size() / 2, s.size());
        out.printf(
                Locale.ROOT,
                "second-half slope, MB per 1000 steps: RSS %+.2f, JavaCPP physical %+.2f,"
                        + " JavaCPP total %+.2f; %.1f ms per step%n",
                slope(second, Sample::rssMb),
                slope(second, Sample::physicalMb),
                slope(second, Sample::javacppMb),
                1000 * (end.seconds() - warm.seconds()) / Math.max(1, end.step() - warm.step()));
    }

    /** Least-squares slope of {@code y} against the step, per 1000 steps. */
    private static double slope(List<Sample> s, java.util.function.ToDoubleFunction<Sample> y) {
        double n = s.size();
        double mx = s.stream().mapToDouble(Sample::step).sum() / n;
        double my = s.stream().mapToDouble(y).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (Sample p : s) {
            sxy += (p.step() - mx) * (y.applyAsDouble(p) - my);
            sxx += (p.step() - mx) * (p.step() - mx);
        }
        return sxx == 0 ? 0 : 1000 * sxy / sxx;
    }

    private static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    private static Dataset randomMnist() {
        SplittableRandom r = new SplittableRandom(1);
        float[] x = new float[60_000 * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        int[] y = new int[60_000];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(10);
        }
        return Dataset.classification(Nd4j.create(x, new long[] {60_000, 784}, 'c'), y, 10);
    }
}
