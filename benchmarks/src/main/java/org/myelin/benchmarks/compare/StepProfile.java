package org.myelin.benchmarks.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.myelin.autodiff.Tensor;
import org.myelin.benchmarks.harness.ConvNet;
import org.myelin.benchmarks.harness.Workload;
import org.myelin.kernel.Conv2dGeometry;
import org.myelin.kernel.Convolutions;
import org.myelin.kernel.Kernels;
import org.myelin.kernel.Pooling;
import org.myelin.kernels.NativeKernels;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.myelin.train.StepWorkspace;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where one training step of a benchmark CNN goes, phase by phase: each layer's forward and backward timed on its
 * own (the layer applied to the saved input of the full forward pass, backward seeded with a fixed upstream
 * gradient), the loss, the optimiser, and for every convolution the pieces of the im2col path at its shapes (the
 * im2col pass, the gemms, the NCHW permute copies). Medians of {@code --reps} repetitions inside the step's
 * workspace, single process, timed by the thread's CPU time ({@link #median}); a diagnostic for
 * docs/benchmarks.md, not a benchmark of record ({@code scripts/bench} is the comparison).
 *
 * <p>Usage: {@code OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 java -cp benchmarks.jar
 * org.myelin.benchmarks.compare.StepProfile [cnn-adam-128|lenet-adam-128] [reps]}.
 *
 * <p>For an MLP training workload ({@code mlp-adam-128}, {@code mlp-adam-1024}, {@code mlp-sgd-128},
 * {@code mlp-sgd-32}, ...) it measures inside the trainer's step instead ({@link TrainerStepProfile}: the engine's
 * profiler, phases timed where they run, rows adding up to the measured step), which needs the profiler switched on:
 * {@code (. scripts/native-env; OMP_NUM_THREADS=2 java -Dmyelin.profile=true -cp benchmarks/target/benchmarks.jar
 * org.myelin.benchmarks.compare.StepProfile mlp-adam-128 20)}, reps being timed {@code fit()} calls here;
 * {@code -Dmyelin.profile=cpu} adds the training thread's CPU time per phase (steadier on a shared machine). An MLP
 * inference workload ({@code infer-128}, {@code infer-1024}) is profiled the same way, one forward pass per call. A
 * third argument {@code api} (default {@code native}) profiles the calls of the {@code myelin-api} row instead (a new {@code Trainer} per
 * {@code fit()}, predictions outside any workspace).
 */
public final class StepProfile {

    private StepProfile() {}

    public static void main(String[] args) throws Exception {
        org.myelin.Blas.select();
        Workload w = Workload.byName(args.length > 0 ? args[0] : "cnn-adam-128");
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (!w.isConv()) {
            String rowOf = args.length > 2 ? args[2] : "native";
            if (!rowOf.equals("native") && !rowOf.equals("api")) {
                throw new IllegalArgumentException(
                        "StepProfile: the third argument must be native or api, was '" + rowOf + "'");
            }
            TrainerStepProfile.run(w, reps, rowOf.equals("api"));
            return;
        }
        if (w.kind() != Workload.Kind.TRAIN) {
            throw new IllegalArgumentException("StepProfile: expected a training workload for a CNN, got " + w);
        }
        Map<String, Double> ms = profile(w, reps);
        double total = ms.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("  "))
                .mapToDouble(Map.Entry::getValue)
                .sum();
        System.out.printf(
                Locale.ROOT,
                "%s, batch %d, conv path %s, medians of %d reps, %s time, OMP_NUM_THREADS=%s%n",
                w.name(),
                w.batch(),
                Convolutions.active().name(),
                reps,
                "wall".equals(System.getProperty("profile.clock")) ? "wall" : "thread CPU",
                System.getenv("OMP_NUM_THREADS"));
        System.out.printf(Locale.ROOT, "| phase | ms | share |%n| --- | ---: | ---: |%n");
        ms.forEach((k, v) -> System.out.printf(
                Locale.ROOT,
                "| %s | %.2f | %s |%n",
                k.replace("  ", "&nbsp;&nbsp;"),
                v,
                k.startsWith("  ") ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * v / total)));
        System.out.printf(Locale.ROOT, "| sum of phases | %.2f | |%n", total);
    }

    static Map<String, Double> profile(Workload w, int reps) {
        Sequential model = ConvModels.build(w.net(), 1);
        model.train();
        INDArray x = MyelinWorker.input(w, Nd4jEnv.features(w.batch(), w.sizes()[0], 3));
        INDArray target = Nd4jEnv.oneHot(Nd4jEnv.cyclicLabels(w.batch(), w.classes()), w.classes());
        Optimizer opt = Optimizers.create("adam", Map.of("learning_rate", w.learningRate()), model.namedParameters());
        Map<String, Double> ms = new LinkedHashMap<>();
        // Inputs of every layer, from one forward pass outside the workspace.
        List<INDArray> inputs = new ArrayList<>();
        INDArray a = x;
        for (Module m : model.layers()) {
            inputs.add(a);
            a = m.forward(Tensor.constant(a)).value().dup();
        }
        INDArray logits = a;
        int i = 0;
        for (Module m : model.layers()) {
            INDArray in = inputs.get(i);
            String name = i + " " + m.toString();
            INDArray seed = Nd4j.rand(DataType.FLOAT, (i + 1 < inputs.size() ? inputs.get(i + 1) : logits).shape());
            ms.put(name + " forward", median(reps, () -> {
                try (MemoryWorkspace ws = StepWorkspace.open("profile")) {
                    return m.forward(Tensor.constant(in)).value();
                }
            }));
            double both = median(reps, () -> {
                try (MemoryWorkspace ws = StepWorkspace.open("profile")) {
                    Tensor t = Tensor.parameter(in);
                    m.forward(t).backward(seed);
                    m.zeroGrad();
                    return t.grad();
                }
            });
            ms.put(name + " backward", both - ms.get(name + " forward"));
            i++;
        }
        ms.put("loss (softmax cross-entropy, fwd + bwd)", median(reps, () -> {
            try (MemoryWorkspace ws = StepWorkspace.open("profile")) {
                Tensor z = Tensor.parameter(logits);
                LossFunction.SOFTMAX_CROSS_ENTROPY
                        .apply(z, Tensor.constant(target))
                        .backward();
                return z.grad();
            }
        }));
        model.namedParameters()
                .values()
                .forEach(p ->
                        p.setGrad(Nd4j.rand(DataType.FLOAT, p.value().shape()).muli(1e-3)));
        ms.put("optimiser (Adam)", median(reps, () -> {
            opt.step();
            return opt;
        }));
        convInternals(w, reps, ms);
        return ms;
    }

    /**
     * The im2col path's pieces for each convolution of the network at the workload's batch (indented rows: they
     * are parts of the layer rows above, not added to the sum): im2col and col2im over the whole batch, the three
     * gemms, and the two NCHW permute copies ({@code [O, N, HW] <-> [N, O, HW]}).
     */
    static void convInternals(Workload w, int reps, Map<String, Double> ms) {
        ConvNet net = w.net();
        List<int[]> shapes = net.shapes();
        int n = w.batch();
        for (int l = 0; l < net.layers().size(); l++) {
            if (net.layers().get(l) instanceof ConvNet.MaxPool mp) {
                poolInternals(n, shapes.get(l), mp.size(), reps, ms);
            }
            if (!(net.layers().get(l) instanceof ConvNet.Conv c)) {
                continue;
            }
            int[] in = shapes.get(l);
            int[] out = shapes.get(l + 1);
            int k = in[0] * c.kernel() * c.kernel();
            long hw = (long) out[1] * out[2];
            long p = n * hw;
            int pad = c.same() ? c.kernel() / 2 : 0;
            INDArray img = Nd4j.rand(DataType.FLOAT, n, in[0], in[1], in[2]);
            INDArray cols = Nd4j.create(DataType.FLOAT, k, p);
            INDArray weight = Nd4j.rand(DataType.FLOAT, c.out(), k);
            INDArray y2 = Nd4j.create(DataType.FLOAT, c.out(), p);
            INDArray dcols = Nd4j.create(DataType.FLOAT, k, p);
            INDArray dw = Nd4j.create(DataType.FLOAT, c.out(), k);
            String who = "  conv " + in[0] + "->" + c.out() + " " + c.kernel() + "x" + c.kernel() + ": ";
            ms.put(who + "im2col (batch)", median(reps, () -> {
                NativeKernels.im2colF32(
                        address(img),
                        address(cols),
                        n,
                        in[0],
                        in[1],
                        in[2],
                        c.kernel(),
                        c.kernel(),
                        1,
                        1,
                        pad,
                        pad,
                        1,
                        1,
                        out[1],
                        out[2]);
                return cols;
            }));
            ms.put(
                    who + "gemm forward [" + c.out() + "x" + k + "]x[" + k + "x" + p + "]",
                    median(reps, () -> Nd4j.gemm(weight, cols, y2, false, false, 1.0, 0.0)));
            ms.put(
                    who + "permute copy [O,N,HW]->[N,O,HW]",
                    median(
                            reps,
                            () -> y2.reshape('c', c.out(), n, hw)
                                    .permute(1, 0, 2)
                                    .dup('c')));
            ms.put(who + "gemm dW", median(reps, () -> Nd4j.gemm(y2, cols, dw, false, true, 1.0, 0.0)));
            ms.put(who + "gemm dcols", median(reps, () -> Nd4j.gemm(weight, y2, dcols, true, false, 1.0, 0.0)));
            ms.put(who + "col2im (batch)", median(reps, () -> {
                NativeKernels.col2imF32(
                        address(dcols),
                        address(img),
                        n,
                        in[0],
                        in[1],
                        in[2],
                        c.kernel(),
                        c.kernel(),
                        1,
                        1,
                        pad,
                        pad,
                        1,
                        1,
                        out[1],
                        out[2]);
                return img;
            }));
        }
    }

    /** Max pooling forward and backward on ND4J's ops and on the native kernels ({@code Pooling}), same input. */
    static void poolInternals(int n, int[] in, int size, int reps, Map<String, Double> ms) {
        INDArray x = Nd4j.rand(DataType.FLOAT, n, in[0], in[1], in[2]);
        Conv2dGeometry g = Conv2dGeometry.of("profile", x.shape(), size, size, size, size, 0, 0, 1, 1, false);
        INDArray gy = Nd4j.rand(DataType.FLOAT, n, in[0], g.outHeight(), g.outWidth());
        INDArray y = Nd4j.create(DataType.FLOAT, n, in[0], g.outHeight(), g.outWidth());
        INDArray gx = Nd4j.create(DataType.FLOAT, x.shape());
        int[] args = {size, size, size, size, 0, 0, 1, 1, 0, 0, 0};
        String who =
                "  maxpool " + size + "x" + size + " of [" + n + ", " + in[0] + ", " + in[1] + ", " + in[2] + "]: ";
        ms.put(
                who + "ND4J maxpool2d",
                median(
                        reps,
                        () -> Nd4j.exec(DynamicCustomOp.builder("maxpool2d")
                                .addInputs(x)
                                .addOutputs(y)
                                .addIntegerArguments(args)
                                .build())));
        ms.put(
                who + "ND4J maxpool2d_bp",
                median(
                        reps,
                        () -> Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
                                .addInputs(x, gy)
                                .addOutputs(gx)
                                .addIntegerArguments(args)
                                .build())));
        if (Kernels.nativeCpuAvailable()) {
            ms.put(who + "native forward", median(reps, () -> Pooling.maxPool(x, g)));
            ms.put(who + "native backward", median(reps, () -> Pooling.maxPoolBackward(x, gy, g)));
        }
    }

    private static long address(INDArray a) {
        return a.data().addressPointer().address();
    }

    /**
     * Median milliseconds of {@code reps} calls after two untimed ones: the calling thread's CPU time (with
     * {@code -Dprofile.clock=cpu}, the default; run with one OpenMP and BLAS thread so that all the work is on this
     * thread, and the figure holds on a machine shared with other processes) or wall time ({@code wall}).
     */
    static double median(int reps, Supplier<Object> call) {
        call.get();
        call.get();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpu = !"wall".equals(System.getProperty("profile.clock"));
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long start = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
            Object o = call.get();
            t[r] = ((cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - start) / 1e6;
            sink = o;
        }
        java.util.Arrays.sort(t);
        return t[reps / 2];
    }

    private static volatile Object sink;
}
