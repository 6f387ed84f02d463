package org.myelin.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.myelin.benchmarks.harness.Workload;
import org.myelin.data.Dataset;
import org.myelin.kernel.ElementwiseKernels;
import org.myelin.kernel.KernelSplit;
import org.myelin.kernel.Kernels;
import org.myelin.kernels.NativeKernels;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.ops.Activations;
import org.myelin.optim.Optimizers;
import org.myelin.train.History;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The native elementwise kernels with the call split over two threads ({@code split=on}: the engine's default,
 * calls from {@link KernelSplit#DEFAULT_MIN_ELEMENTS} elements) and not split ({@code off}), side by side in one
 * run, float32:
 *
 * <ul>
 *   <li>{@code adamMlp}, {@code sgdMlp}: the optimiser pass over the six parameter arrays of the MLP
 *       784-512-256-10 (535,818 parameters; the two weight matrices, 401,408 and 131,072, are the large calls);</li>
 *   <li>{@code reluBackward}, {@code biasRelu}: the activation passes of the first layer at batch 1024
 *       ([1024, 512] = 524,288 elements);</li>
 *   <li>{@code gemm}, {@code gemmThenAdam}: the first layer's forward gemm [1024, 784] x [784, 512] on the BLAS's
 *       threads, alone and followed at once by {@code adamMlp} (the BLAS threads may still hold the other core);</li>
 *   <li>{@code Step.step}: whole training steps of the comparison workloads through the {@link Trainer}.</li>
 * </ul>
 * The thread settings are process-wide, hence one trial per setting; run with the OpenMP and BLAS thread counts
 * of the comparison (2 here).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=4g"})
public class KernelSplitBenchmark {

    static final long[][] MLP_PARAMETERS = {{784, 512}, {512}, {512, 256}, {256}, {256, 10}, {10}};

    /** Applies the split setting; the native kernels must be initialised first (that applies the configured one). */
    static void applySplit(String split) {
        Kernels.nativeCpu();
        if (split.equals("on")) {
            NativeKernels.setParallelism(2, KernelSplit.DEFAULT_MIN_ELEMENTS, 0);
        } else {
            NativeKernels.setParallelism(1, Long.MAX_VALUE, 0);
        }
    }

    @State(Scope.Thread)
    public static class Kernel {
        @Param({"on", "off"})
        public String split;

        ElementwiseKernels kernels;
        INDArray[] w;
        INDArray[] g;
        INDArray[] m;
        INDArray[] v;
        INDArray x;
        INDArray weight1;
        INDArray z;
        INDArray a;
        INDArray gradOut;
        INDArray bias;
        long step;

        @Setup
        public void setUp() {
            BenchmarkEnvironment.requirePassiveOpenMp();
            applySplit(split);
            kernels = Kernels.nativeCpu();
            Nd4j.getRandom().setSeed(42);
            int k = MLP_PARAMETERS.length;
            w = new INDArray[k];
            g = new INDArray[k];
            m = new INDArray[k];
            v = new INDArray[k];
            for (int i = 0; i < k; i++) {
                w[i] = Nd4j.randn(DataType.FLOAT, MLP_PARAMETERS[i]).muli(0.05);
                g[i] = Nd4j.randn(DataType.FLOAT, MLP_PARAMETERS[i]).muli(0.01);
                m[i] = Nd4j.zeros(DataType.FLOAT, MLP_PARAMETERS[i]);
                v[i] = Nd4j.zeros(DataType.FLOAT, MLP_PARAMETERS[i]);
            }
            x = Nd4j.rand(DataType.FLOAT, 1024, 784);
            weight1 = w[0];
            z = Nd4j.randn(DataType.FLOAT, 1024, 512);
            a = Nd4j.create(DataType.FLOAT, 1024, 512);
            gradOut = Nd4j.randn(DataType.FLOAT, 1024, 512);
            bias = Nd4j.randn(DataType.FLOAT, 512);
        }

        void adam() {
            step++;
            for (int i = 0; i < w.length; i++) {
                kernels.adam(w[i], g[i], m[i], v[i], 1e-3, 0.9, 0.999, 1e-8, 0, false, step);
            }
        }
    }

    @Benchmark
    public INDArray adamMlp(Kernel s) {
        s.adam();
        return s.w[0];
    }

    @Benchmark
    public INDArray sgdMlp(Kernel s) {
        for (int i = 0; i < s.w.length; i++) {
            s.kernels.sgdMomentum(s.w[i], s.g[i], s.m[i], 1e-4, 0.9, 0, false);
        }
        return s.w[0];
    }

    @Benchmark
    public INDArray reluBackward(Kernel s) {
        return s.kernels.activationBackward(Activations.RELU, s.z, null, s.gradOut, s.a);
    }

    @Benchmark
    public INDArray biasRelu(Kernel s) {
        return s.kernels.biasActivationForward(s.z, s.bias, Activations.RELU, null, s.a);
    }

    @Benchmark
    public INDArray gemm(Kernel s) {
        return Nd4j.gemm(s.x, s.weight1, s.a, false, false, 1.0, 0.0);
    }

    @Benchmark
    public INDArray gemmThenAdam(Kernel s) {
        Nd4j.gemm(s.x, s.weight1, s.a, false, false, 1.0, 0.0);
        s.adam();
        return s.w[0];
    }

    /** Training steps of a comparison workload, an epoch of {@value #STEPS} steps per invocation. */
    @State(Scope.Thread)
    public static class Step {
        static final int STEPS = 10;

        @Param({"mlp-adam-128", "mlp-adam-1024", "mlp-sgd-1024"})
        public String workload;

        @Param({"on", "off"})
        public String split;

        Trainer trainer;
        Dataset data;

        @Setup
        public void setUp() {
            BenchmarkEnvironment.requirePassiveOpenMp();
            applySplit(split);
            Workload w = Workload.byName(workload);
            int n = STEPS * w.batch();
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 10;
            }
            data = Dataset.classification(Nd4j.rand(DataType.FLOAT, n, 784), labels, 10);
            Module model = Models.mlpBuilder(784, 512, 256, 10)
                    .optSeed(1)
                    .optWeightInit(Inits.heNormal())
                    .build();
            trainer = new Trainer(
                    model,
                    LossFunction.SOFTMAX_CROSS_ENTROPY,
                    Optimizers.create(
                            w.optimizer(), Map.of("learning_rate", w.learningRate()), model.namedParameters()),
                    TrainingOptions.of(Integer.MAX_VALUE, w.batch(), 1),
                    List.of(new TrainingStepBenchmark.StopAfterEpoch()));
        }
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @OperationsPerInvocation(Step.STEPS)
    public History step(Step s) {
        return s.trainer.fit(s.data, null);
    }
}
