package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.kernel.KernelTestSupport.randn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.kernels.NativeKernels;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The native elementwise kernels give bit-identical results whether a call is split over the helper thread or
 * not, the helper flushes denormals like the caller, concurrent callers stay correct, and {@link KernelSplit}
 * reads its settings strictly.
 */
class KernelSplitTest {

    private ElementwiseKernels fused;

    @BeforeEach
    void pickKernels() {
        assertTrue(Kernels.nativeCpuAvailable(), Kernels.describe());
        fused = Kernels.nativeCpu(); // applies the configured setting first, so the tests' settings are not overridden
    }

    @AfterEach
    void restoreConfiguredSplit() {
        KernelSplit.apply(KernelSplit.configured());
    }

    private static void splitNothing() {
        NativeKernels.setParallelism(1, Long.MAX_VALUE, 0);
    }

    /** Every call of two or more chunks split, and the caller waits until the helper has taken one. */
    private static void splitEverythingOnTheHelper() {
        NativeKernels.setParallelism(2, 0, 1);
    }

    /** Lengths: tiny, not multiples of 16, and on both sides of the default threshold. */
    private static final long[] LENGTHS = {1, 17, 1_000, 4_099, 65_537, 262_143, 262_145};

    /** One kernel call on fresh inputs drawn from the seed; returns every array it wrote. */
    private interface Call {
        List<INDArray> run(ElementwiseKernels k, DataType type, long n);
    }

    private static Call backward(Activation f) {
        return (k, type, n) -> {
            INDArray z = randn(1, type, 3.0, n);
            INDArray g = randn(2, type, 1.0, n);
            INDArray out = Nd4j.create(type, n);
            k.activationBackward(f, z, null, g, out);
            return List.of(out);
        };
    }

    private static Call backwardFromOutput(Activation f) {
        return (k, type, n) -> {
            INDArray a = f.forward(randn(1, type, 3.0, n));
            INDArray g = randn(2, type, 1.0, n);
            INDArray out = Nd4j.create(type, n);
            k.activationBackwardFromOutput(f, a, g, out);
            return List.of(out);
        };
    }

    /** Bias + activation over [rows, cols], at least two rows from n = 2 (cols = n / 2, at most 513), z written. */
    private static Call biasForward(Activation f) {
        return (k, type, n) -> {
            long cols = Math.max(1, Math.min(n / 2, 513));
            long rows = Math.max(1, n / cols);
            INDArray x = randn(3, type, 2.0, rows, cols);
            INDArray b = randn(4, type, 1.0, cols);
            INDArray z = Nd4j.create(type, rows, cols);
            INDArray a = Nd4j.create(type, rows, cols);
            k.biasActivationForward(x, b, f, z, a);
            return List.of(z, a);
        };
    }

    /**
     * Activation backward with the bias gradient (or, for {@code null}, the column sums alone) over [rows, cols]:
     * rows = n / cols with cols = n / 64 (1 to 513), so from n = 1,000 there are at least two row blocks to split.
     */
    private static Call biasGradient(Activation f) {
        return (k, type, n) -> {
            long cols = Math.max(1, Math.min(n / 64, 513));
            long rows = Math.max(1, n / cols);
            INDArray z = randn(14, type, 3.0, rows, cols);
            INDArray g = randn(15, type, 1.0, rows, cols);
            INDArray db = Nd4j.create(type, cols);
            if (f == null) {
                k.columnSums(g, db);
                return List.of(db);
            }
            INDArray dz = Nd4j.create(type, rows, cols);
            k.activationBackwardWithBiasGradient(f, z, null, g, dz, db);
            return List.of(dz, db);
        };
    }

    private static Call sgd(boolean nesterov) {
        return (k, type, n) -> {
            INDArray w = randn(5, type, 1.0, n);
            INDArray v = randn(6, type, 0.1, n);
            k.sgdMomentum(w, randn(7, type, 1.0, n), v, 0.05, 0.9, 1e-2, nesterov);
            return List.of(w, v);
        };
    }

    private static Call sgdPlain() {
        return (k, type, n) -> {
            INDArray w = randn(12, type, 1.0, n);
            k.sgd(w, randn(13, type, 1.0, n), 0.05, 1e-2);
            return List.of(w);
        };
    }

    private static Call adam(boolean decoupled) {
        return (k, type, n) -> {
            INDArray w = randn(8, type, 1.0, n);
            INDArray m = randn(9, type, 0.1, n);
            INDArray v = Transforms.abs(randn(10, type, 0.01, n));
            k.adam(w, randn(11, type, 1.0, n), m, v, 1e-3, 0.9, 0.999, 1e-8, 1e-2, decoupled, 7);
            return List.of(w, m, v);
        };
    }

    /** The squared norm, as a one-element float64 array, so that it is compared bit for bit like the others. */
    private static Call sumOfSquares() {
        return (k, type, n) -> {
            INDArray x = randn(9, type, 1.0, n);
            return List.of(Nd4j.scalar(k.sumOfSquares(x)));
        };
    }

    static Stream<Arguments> calls() {
        List<Arguments> cases = new ArrayList<>();
        List<Object[]> kinds = new ArrayList<>();
        for (Activation f : KernelTestSupport.ELEMENTWISE) {
            kinds.add(new Object[] {"backward " + f.name(), backward(f)});
            kinds.add(new Object[] {"biasForward " + f.name(), biasForward(f)});
        }
        kinds.add(new Object[] {"biasGradient relu", biasGradient(Activations.RELU)});
        kinds.add(new Object[] {"biasGradient tanh", biasGradient(Activations.TANH)});
        kinds.add(new Object[] {"columnSums", biasGradient(null)});
        kinds.add(new Object[] {"backwardFromOutput logistic", backwardFromOutput(Activations.LOGISTIC)});
        kinds.add(new Object[] {"backwardFromOutput tanh", backwardFromOutput(Activations.TANH)});
        kinds.add(new Object[] {"sgd momentum", sgd(false)});
        kinds.add(new Object[] {"sgd nesterov", sgd(true)});
        kinds.add(new Object[] {"adam", adam(false)});
        kinds.add(new Object[] {"adamW", adam(true)});
        kinds.add(new Object[] {"sgd plain", sgdPlain()});
        kinds.add(new Object[] {"sumOfSquares", sumOfSquares()});
        for (Object[] kind : kinds) {
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (long n : LENGTHS) {
                    cases.add(Arguments.of(kind[0], kind[1], type, n));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {2} n={3}")
    @MethodSource("calls")
    void splitCallEqualsUnsplitCallBitForBit(String name, Call call, DataType type, long n) {
        splitNothing();
        List<INDArray> unsplit = call.run(fused, type, n);
        splitEverythingOnTheHelper();
        long before = NativeKernels.helperChunks();
        List<INDArray> split = call.run(fused, type, n);
        long helped = NativeKernels.helperChunks() - before;
        // Bias gradients split at blocks of at least 32 rows, sums of squares at blocks of at least 32,768 elements.
        long splits = name.startsWith("sumOfSquares")
                ? 65_537
                : name.startsWith("biasGradient") || name.startsWith("columnSums") ? 1_000 : 17;
        if (n >= splits) {
            assertTrue(helped > 0, name + ": the helper thread ran no chunk of a call over " + n + " elements");
        }
        for (int i = 0; i < unsplit.size(); i++) {
            assertBitIdentical(unsplit.get(i), split.get(i), name + " output " + i);
        }
    }

    @Test
    void defaultThresholdSplitsFromItsElementCount() {
        long min = KernelSplit.DEFAULT_MIN_ELEMENTS;
        NativeKernels.setParallelism(2, min, 1);
        long before = NativeKernels.helperChunks();
        sgd(false).run(fused, DataType.FLOAT, min - 1);
        assertEquals(before, NativeKernels.helperChunks(), "a call one element below the threshold was split");
        sgd(false).run(fused, DataType.FLOAT, min);
        assertTrue(NativeKernels.helperChunks() > before, "a call of exactly the threshold was not split");
    }

    @Test
    void helperThreadFlushesDenormalsLikeTheCaller() {
        // v = mu v + g with v = 0 and subnormal g: with denormals-are-zero g counts as 0, so v stays 0 and w is
        // unchanged; a thread without the MXCSR setting would write the subnormal g into v.
        long n = 100_000;
        INDArray w = Nd4j.ones(DataType.FLOAT, n);
        float[] subnormal = new float[(int) n];
        Arrays.fill(subnormal, 1e-40f);
        INDArray g = Nd4j.createFromArray(subnormal);
        INDArray v = Nd4j.zeros(DataType.FLOAT, n);
        splitEverythingOnTheHelper();
        long before = NativeKernels.helperChunks();
        fused.sgdMomentum(w, g, v, 0.5, 0.9, 0, false);
        assertTrue(NativeKernels.helperChunks() > before, "the helper thread ran no chunk");
        assertEquals(0.0, Transforms.abs(v).maxNumber().doubleValue(), "velocity of subnormal gradients");
        assertEquals(1.0, w.minNumber().doubleValue(), "weights");
    }

    @Test
    void concurrentCallersGetTheirOwnResults() throws Exception {
        NativeKernels.setParallelism(2, 0, 0);
        int callers = 4;
        long n = 300_001;
        List<Call> kinds =
                List.of(adam(false), sgd(true), biasForward(Activations.LOGISTIC), backward(Activations.TANH));
        splitNothing();
        List<List<INDArray>> expected = new ArrayList<>();
        for (Call c : kinds) {
            expected.add(c.run(fused, DataType.FLOAT, n));
        }
        NativeKernels.setParallelism(2, 0, 0);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < callers; t++) {
                int first = t;
                results.add(pool.submit(() -> {
                    for (int rep = 0; rep < 20; rep++) {
                        int kind = (first + rep) % kinds.size();
                        List<INDArray> got = kinds.get(kind).run(fused, DataType.FLOAT, n);
                        for (int i = 0; i < got.size(); i++) {
                            String what = "caller " + first + " rep " + rep + " kind " + kind + " output " + i;
                            assertBitIdentical(expected.get(kind).get(i), got.get(i), what);
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> f : results) {
                assertEquals("ok", f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneEngineThreadNeverSplits() {
        KernelSplit.Setting s = KernelSplit.decide(1, null, null);
        assertEquals(1, s.threads());
        assertTrue(s.description().contains("single-threaded"), s.description());
    }

    @Test
    void twoOrMoreEngineThreadsSplitFromTheDefaultThreshold() {
        assertEquals(
                new KernelSplit.Setting(2, 262_144, "calls from 262144 elements split over 2 threads"),
                KernelSplit.decide(16, null, null));
    }

    @Test
    void propertyWinsOverEnvironmentAndOffTurnsSplittingOff() {
        assertEquals(1000, KernelSplit.decide(2, "1000", "5000").minElements());
        assertEquals(5000, KernelSplit.decide(2, null, " 5000 ").minElements());
        KernelSplit.Setting off = KernelSplit.decide(2, "OFF", "5000");
        assertEquals(1, off.threads());
        assertTrue(off.description().contains("-Dmyelin.kernelSplitElements=off"), off.description());
    }

    @Test
    void badThresholdIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"0", "-5", "12k", "lots", "99999999999999999999"}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> KernelSplit.decide(2, bad, null), bad);
            assertTrue(
                    e.getMessage().startsWith("-Dmyelin.kernelSplitElements must be off or a whole number"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("was '" + bad + "'"), e.getMessage());
        }
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> KernelSplit.decide(2, null, "x"));
        assertTrue(e.getMessage().startsWith("MYELIN_KERNEL_SPLIT_ELEMENTS must be"), e.getMessage());
    }

    private static void assertBitIdentical(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        Function<INDArray, long[]> bits = a -> a.dataType() == DataType.FLOAT
                ? toBits(a.data().asFloat())
                : toBits(a.data().asDouble());
        assertArrayEquals(bits.apply(expected), bits.apply(actual), what + ": bits");
    }

    private static long[] toBits(float[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    private static long[] toBits(double[] values) {
        long[] bits = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Double.doubleToRawLongBits(values[i]);
        }
        return bits;
    }
}
