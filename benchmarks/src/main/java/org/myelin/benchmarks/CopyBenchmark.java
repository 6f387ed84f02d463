package org.myelin.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.Pointer;
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
 * The memory-bandwidth yardstick for {@link BackwardKernelBenchmark}: a plain single-threaded {@code memcpy}
 * between two float32 ND4J buffers of n elements (8 bytes moved per element: one read, one write). GB/s =
 * 8 n / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "-Dorg.bytedeco.javacpp.maxbytes=4g"})
public class CopyBenchmark {

    @Param({"10000000"})
    public int n;

    private INDArray src;
    private INDArray dst;
    private Pointer srcPointer;
    private Pointer dstPointer;

    @Setup
    public void setUp() {
        BenchmarkEnvironment.requirePassiveOpenMp();
        src = Nd4j.randn(DataType.FLOAT, n);
        dst = Nd4j.create(DataType.FLOAT, n);
        srcPointer = src.data().addressPointer();
        dstPointer = dst.data().addressPointer();
    }

    @Benchmark
    public Pointer memcpy() {
        return Pointer.memcpy(dstPointer, srcPointer, 4L * n);
    }
}
