package org.myelin.benchmarks;

import java.util.concurrent.TimeUnit;
import org.myelin.kernel.ElementwiseKernels;
import org.myelin.kernel.Kernels;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The activation-derivative Hadamard product of backprop, {@code dZ = gradOut (.) f'(Z)}, float32, fused native
 * kernel against the ND4J path.
 *
 * <ul>
 *   <li>{@code native}: {@code Kernels.nativeCpu().activationBackward(f, z, a, g, out)} into a reused
 *       {@code out} (one single-threaded pass, no allocation);</li>
 *   <li>{@code nd4j}: the ND4J path as the engine runs it today, {@code Activation.backward(z, a, g)}
 *       (ND4J ops on its OpenMP pool, a fresh result per call), via {@code Kernels.nd4j()} with
 *       {@code out = null}.</li>
 * </ul>
 * {@code *_from_output} use the saved activation ({@code a (1 - a)}, {@code (1 - a)(1 + a)}). Bytes moved per
 * element: 12 (read z or a and g, write out); compare with {@link CopyBenchmark}'s 8.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=4g"})
public class BackwardKernelBenchmark {

    @Param({
        "logistic",
        "tanh",
        "arctan",
        "relu",
        "leaky_relu",
        "identity",
        "threshold",
        "logistic_from_output",
        "tanh_from_output"
    })
    public String kernel;

    @Param({"1000", "100000", "10000000"})
    public int n;

    @Param({"native", "nd4j"})
    public String path;

    private ElementwiseKernels kernels;
    private Activation f;
    private boolean fromOutput;
    private INDArray z;
    private INDArray a;
    private INDArray g;
    private INDArray out;

    @Setup
    public void setUp() {
        BenchmarkEnvironment.requirePassiveOpenMp();
        fromOutput = kernel.endsWith("_from_output");
        String name = fromOutput ? kernel.substring(0, kernel.length() - "_from_output".length()) : kernel;
        f = name.equals("leaky_relu") ? Activations.leakyRelu(0.01) : Activations.byName(name);
        kernels = path.equals("native") ? Kernels.nativeCpu() : Kernels.nd4j();
        Nd4j.getRandom().setSeed(42);
        z = Nd4j.randn(DataType.FLOAT, n).muli(4.0);
        g = Nd4j.randn(DataType.FLOAT, n);
        a = f.forward(z);
        out = path.equals("native") ? Nd4j.create(DataType.FLOAT, n) : null;
    }

    @Benchmark
    public INDArray backward() {
        return fromOutput
                ? kernels.activationBackwardFromOutput(f, a, g, out)
                : kernels.activationBackward(f, z, a, g, out);
    }
}
