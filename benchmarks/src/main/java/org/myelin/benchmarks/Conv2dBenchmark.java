package org.myelin.benchmarks;

import java.util.concurrent.TimeUnit;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.ConvKernels;
import org.myelin.kernel.Convolutions;
import org.myelin.ops.Conv2dOp;
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
 * One convolution layer's forward and backward pass (the Conv2d op with bias, all three gradients), float32,
 * batch 64, on the two implementations side by side in one run:
 * <ul>
 *   <li>{@code im2col}: the native im2col / col2im kernels of {@code cuda-kernels} and one gemm per pass on the
 *       selected BLAS ({@code Convolutions.im2col()});</li>
 *   <li>{@code nd4j}: ND4J's {@code conv2d} / {@code conv2d_bp} ops ({@code Convolutions.nd4j()}).</li>
 * </ul>
 * Layers: {@code mnist1} = 1 -> 32 channels, 3x3, 28x28 input (the small CNN's first layer); {@code mnist2} =
 * 32 -> 64 channels, 3x3, 26x26 input (its second, the bulk of its work); {@code lenet2} = 6 -> 16 channels, 5x5,
 * 14x14 input (LeNet-5's second).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g", "-Dorg.bytedeco.javacpp.maxbytes=6g"})
public class Conv2dBenchmark {

    @Param({"mnist1", "mnist2", "lenet2"})
    public String layer;

    @Param({"im2col", "nd4j"})
    public String path;

    private ConvKernels kernels;
    private INDArray x;
    private INDArray w;
    private INDArray b;
    private INDArray seed;

    @Setup
    public void setUp() {
        BenchmarkEnvironment.requirePassiveOpenMp();
        kernels = path.equals("im2col") ? Convolutions.im2col() : Convolutions.nd4j();
        int[] s = switch (layer) {
            case "mnist1" -> new int[] {1, 32, 3, 28};
            case "mnist2" -> new int[] {32, 64, 3, 26};
            case "lenet2" -> new int[] {6, 16, 5, 14};
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        };
        Nd4j.getRandom().setSeed(42);
        x = Nd4j.randn(DataType.FLOAT, 64, s[0], s[3], s[3]);
        w = Nd4j.randn(DataType.FLOAT, s[1], s[0], s[2], s[2]).muli(0.1);
        b = Nd4j.randn(DataType.FLOAT, s[1]);
        long out = s[3] - s[2] + 1;
        seed = Nd4j.randn(DataType.FLOAT, 64, s[1], out, out);
    }

    /** Forward and backward of one layer; returns dW so the work cannot be skipped. */
    @Benchmark
    public INDArray forwardBackward() {
        Tensor xt = Tensor.parameter(x);
        Tensor wt = Tensor.parameter(w);
        Tensor bt = Tensor.parameter(b);
        Tensor y = Autograd.apply(new Conv2dOp(1, 1, 0, 0, 1, 1, false, kernels), xt, wt, bt);
        y.backward(seed);
        return wt.grad();
    }

    /** Forward alone (inference). */
    @Benchmark
    public INDArray forward() {
        try (var scope = Autograd.noGrad()) {
            return Autograd.apply(
                            new Conv2dOp(1, 1, 0, 0, 1, 1, false, kernels),
                            Tensor.constant(x),
                            Tensor.constant(w),
                            Tensor.constant(b))
                    .value();
        }
    }
}
