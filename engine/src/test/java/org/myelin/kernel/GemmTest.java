package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Gemm}: every transpose combination, both float types, and every operand layout the engine can hand it
 * (row-major, column-major, a transposed view, a window of a larger matrix with its offset and row stride, every
 * other row, no unit stride at all) against products summed in double by plain loops, on the native thin-product
 * kernel (inner size or output width at most 16) and on the BLAS.
 */
class GemmTest {

    /** How an operand of a given logical shape is stored. */
    enum Storage {
        C_ORDER(s -> Nd4j.createUninitialized(s.type, new long[] {s.rows, s.cols}, 'c')),
        F_ORDER(s -> Nd4j.createUninitialized(s.type, new long[] {s.rows, s.cols}, 'f')),
        TRANSPOSED_VIEW(s -> Nd4j.createUninitialized(s.type, new long[] {s.cols, s.rows}, 'c')
                .transpose()),
        WINDOW(s -> Nd4j.createUninitialized(s.type, new long[] {s.rows + 3, s.cols + 5}, 'c')
                .get(NDArrayIndex.interval(2, 2 + s.rows), NDArrayIndex.interval(3, 3 + s.cols))),
        EVERY_OTHER_ROW(s -> Nd4j.createUninitialized(s.type, new long[] {2 * s.rows, s.cols}, 'c')
                .get(NDArrayIndex.interval(0, 2, 2 * s.rows), NDArrayIndex.all())),
        NO_UNIT_STRIDE(s -> Nd4j.createUninitialized(s.type, new long[] {2 * s.rows, 2 * s.cols}, 'c')
                .get(NDArrayIndex.interval(0, 2, 2 * s.rows), NDArrayIndex.interval(0, 2, 2 * s.cols)));

        final Function<Shape, INDArray> make;

        Storage(Function<Shape, INDArray> make) {
            this.make = make;
        }
    }

    record Shape(DataType type, long rows, long cols) {}

    static Stream<Arguments> cases() {
        // Thin inner size (k <= 16, native), thin output width (n <= 16 < k, native, dot products of more than 16
        // terms and a tail), both at the boundary, and neither (the BLAS).
        long[][] mnk = {
            {7, 5, 3},
            {1, 9, 4},
            {6, 1, 8},
            {5, 4, 1},
            {1, 1, 1},
            {50, 40, 16},
            {40, 10, 70},
            {3, 2, 100},
            {20, 16, 17},
            {33, 17, 65},
            // The native kernel's blocking: 70 = whole register blocks of rows or columns and a tail; widths 13 and
            // 7 = column groups of 8, 4 and 1 (and 4, 2, 1); inner sizes with and without a tail beyond 16-term
            // chunks.
            {70, 13, 33},
            {37, 70, 7},
            {70, 7, 45},
            {9, 3, 130},
            // Few rows (m <= 16, native where B is not transposed, else the BLAS): groups of 4, 2 and 1 rows, column
            // blocks of 2 and 1 vectors and a scalar tail.
            {1, 70, 45},
            {3, 100, 17},
            {7, 33, 130},
            {16, 17, 17},
            {13, 65, 20}
        };
        return everyTypeTransposeAndLayout(mnk);
    }

    /** Each shape {m, n, k} in both float types, with every transpose and every storage of a (b's rotated). */
    private static Stream<Arguments> everyTypeTransposeAndLayout(long[][] mnk) {
        List<Arguments> out = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (long[] d : mnk) {
                for (int t = 0; t < 4; t++) {
                    for (Storage sa : Storage.values()) {
                        Storage sb = Storage.values()[(sa.ordinal() + t + 1) % Storage.values().length];
                        out.add(Arguments.of(type, d[0], d[1], d[2], (t & 1) != 0, (t & 2) != 0, sa, sb));
                    }
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}x{3} * {3}x{2}, transA {4}, transB {5}, a {6}, b {7}")
    @MethodSource("cases")
    void productEqualsTheSumsOfALoop(
            DataType type, long m, long n, long k, boolean transA, boolean transB, Storage sa, Storage sb) {
        Random rnd = new Random(m * 1000 + n * 100 + k);
        INDArray a = filled(sa.make.apply(new Shape(type, transA ? k : m, transA ? m : k)), rnd);
        INDArray b = filled(sb.make.apply(new Shape(type, transB ? n : k, transB ? k : n)), rnd);
        double[][] expected = loopProduct(a, b, transA, transB);

        INDArray out = Gemm.into(a, b, Nd4j.createUninitialized(type, new long[] {m, n}, 'c'), transA, transB);

        assertMatchesLoop(expected, out);
    }

    /**
     * Thin products split by rows of C (few-row products by columns) with the helper thread give the same bits as on
     * one thread: every case of the kernel, a classifier's shapes and row counts that end in part of a block.
     */
    @ParameterizedTest(name = "{0} {1}x{3} * {3}x{2}, transA {4}, transB {5}")
    @org.junit.jupiter.params.provider.CsvSource({
        "FLOAT, 1024, 10, 256, false, false",
        "FLOAT, 256, 10, 1024, true, false",
        "FLOAT, 1024, 256, 10, false, true",
        "FLOAT, 333, 13, 70, true, true",
        "FLOAT, 333, 7, 45, false, true",
        "FLOAT, 333, 45, 7, true, false",
        "DOUBLE, 1024, 10, 256, false, false",
        "DOUBLE, 333, 13, 70, true, false",
        "DOUBLE, 1000, 70, 9, false, false",
        "FLOAT, 2, 512, 784, false, false",
        "FLOAT, 16, 300, 70, true, false",
        "DOUBLE, 7, 333, 50, false, false"
    })
    void thinProductsSplitWithTheHelperThreadGiveTheSameBits(
            DataType type, long m, long n, long k, boolean transA, boolean transB) {
        assumeTrue(Kernels.active() instanceof NativeCpuKernels, "native kernels are not the active path");
        Random rnd = new Random(m + n + k);
        INDArray a = filled(Nd4j.createUninitialized(type, transA ? new long[] {k, m} : new long[] {m, k}, 'c'), rnd);
        INDArray b = filled(Nd4j.createUninitialized(type, transB ? new long[] {n, k} : new long[] {k, n}, 'c'), rnd);
        try {
            NativeKernels.setParallelism(1, Long.MAX_VALUE, 0);
            INDArray alone = Gemm.into(a, b, Nd4j.create(type, m, n), transA, transB);
            NativeKernels.setParallelism(2, 0, 1); // every call split; the caller waits for the helper's first part
            long before = NativeKernels.helperChunks();
            INDArray split = Gemm.into(a, b, Nd4j.create(type, m, n), transA, transB);
            assertTrue(NativeKernels.helperChunks() > before, "the helper thread computed no rows");
            for (long i = 0; i < alone.length(); i++) {
                assertEquals(
                        Double.doubleToRawLongBits(alone.getDouble(i)),
                        Double.doubleToRawLongBits(split.getDouble(i)),
                        "element " + i);
            }
        } finally {
            KernelSplit.apply(KernelSplit.configured());
        }
    }

    static Stream<Arguments> cutCases() {
        // Above the cut's threshold (2^19 multiply-adds): m > n cuts the rows of C (64 + 36), m <= n its columns
        // (80 + 50).
        return everyTypeTransposeAndLayout(new long[][] {{100, 90, 70}, {70, 130, 60}});
    }

    /**
     * Products the engine cuts in two (GemmSplit, forced on here whatever the machine decided, the caller waiting for
     * the helper to take its half) equal the loops' sums, for every transpose and layout; the halves are windows of
     * the operands with their offsets and row strides.
     */
    @ParameterizedTest(name = "{0} {1}x{3} * {3}x{2}, transA {4}, transB {5}, a {6}, b {7}")
    @MethodSource("cutCases")
    void productsCutInTwoEqualTheSumsOfALoop(
            DataType type, long m, long n, long k, boolean transA, boolean transB, Storage sa, Storage sb) {
        assumeTrue(Kernels.active() instanceof NativeCpuKernels, "native kernels are not the active path");
        Random rnd = new Random(m * 1000 + n * 100 + k);
        INDArray a = filled(sa.make.apply(new Shape(type, transA ? k : m, transA ? m : k)), rnd);
        INDArray b = filled(sb.make.apply(new Shape(type, transB ? n : k, transB ? k : n)), rnd);
        double[][] expected = loopProduct(a, b, transA, transB);
        INDArray out;
        long helped;
        try {
            NativeKernels.setParallelism(2, Long.MAX_VALUE, 1); // the caller waits for the helper's part
            NativeKernels.setGemmSplit(GemmSplit.MIN_MULTIPLY_ADDS);
            long before = NativeKernels.helperChunks();
            out = Gemm.into(a, b, Nd4j.createUninitialized(type, new long[] {m, n}, 'c'), transA, transB);
            helped = NativeKernels.helperChunks() - before;
        } finally {
            GemmSplit.apply(Gemm.split());
            KernelSplit.apply(KernelSplit.configured());
        }
        if (Gemm.isDirect() && sa != Storage.NO_UNIT_STRIDE && sb != Storage.NO_UNIT_STRIDE) {
            assertTrue(helped >= 1, "the helper thread computed neither half");
        }
        assertMatchesLoop(expected, out);
    }

    /**
     * A cut product's bits depend only on its shape: the same whether the helper took its half or, busy with another
     * caller's product, left both halves to the caller (four threads call at once here).
     */
    @ParameterizedTest(name = "{0} {1}x{3} * {3}x{2}, transA {4}, transB {5}")
    @org.junit.jupiter.params.provider.CsvSource({
        "FLOAT, 128, 512, 784, false, false",
        "FLOAT, 784, 512, 128, true, false",
        "FLOAT, 300, 200, 100, false, true",
        "DOUBLE, 200, 100, 64, true, true"
    })
    void aCutProductHasTheSameBitsWhoeverComputesItsHalves(
            DataType type, long m, long n, long k, boolean transA, boolean transB) throws Exception {
        assumeTrue(Kernels.active() instanceof NativeCpuKernels, "native kernels are not the active path");
        Random rnd = new Random(m + n + k);
        INDArray a = filled(Nd4j.createUninitialized(type, transA ? new long[] {k, m} : new long[] {m, k}, 'c'), rnd);
        INDArray b = filled(Nd4j.createUninitialized(type, transB ? new long[] {n, k} : new long[] {k, n}, 'c'), rnd);
        try {
            NativeKernels.setGemmSplit(GemmSplit.MIN_MULTIPLY_ADDS);
            NativeKernels.setParallelism(2, Long.MAX_VALUE, 1);
            double[] helped = Gemm.into(a, b, Nd4j.create(type, m, n), transA, transB)
                    .data()
                    .asDouble();
            NativeKernels.setParallelism(2, Long.MAX_VALUE, 0);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<double[]>> results = new ArrayList<>();
                for (int call = 0; call < 16; call++) {
                    results.add(pool.submit(() -> Gemm.into(a, b, Nd4j.create(type, m, n), transA, transB)
                            .data()
                            .asDouble()));
                }
                for (java.util.concurrent.Future<double[]> r : results) {
                    double[] got = r.get();
                    for (int i = 0; i < helped.length; i++) {
                        assertEquals(
                                Double.doubleToRawLongBits(helped[i]),
                                Double.doubleToRawLongBits(got[i]),
                                "element " + i);
                    }
                }
            } finally {
                pool.shutdown();
            }
        } finally {
            GemmSplit.apply(Gemm.split());
            KernelSplit.apply(KernelSplit.configured());
        }
    }

    @Test
    void aWindowOfTheOutputIsWrittenAndNothingAroundIt() {
        Random rnd = new Random(3);
        INDArray a = filled(Nd4j.createUninitialized(DataType.DOUBLE, new long[] {4, 6}, 'c'), rnd);
        INDArray b = filled(Nd4j.createUninitialized(DataType.DOUBLE, new long[] {6, 5}, 'c'), rnd);
        INDArray big = Nd4j.valueArrayOf(new long[] {8, 9}, -7.0, DataType.DOUBLE);
        INDArray window = big.get(NDArrayIndex.interval(1, 5), NDArrayIndex.interval(2, 7));

        Gemm.into(a, b, window, false, false);

        double[][] expected = loopProduct(a, b, false, false);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 9; j++) {
                boolean inside = i >= 1 && i < 5 && j >= 2 && j < 7;
                double want = inside ? expected[i - 1][j - 2] : -7.0;
                assertEquals(want, big.getDouble(i, j), 1e-12, "element " + i + "," + j);
            }
        }
    }

    @Test
    void productsGoStraightToTheBlasWhereTheNativeKernelsAreActive() {
        assumeTrue(Kernels.active() instanceof NativeCpuKernels, "native kernels are not the active path");
        assertTrue(Gemm.isDirect(), "the native kernel path is active, but products go through Nd4j.gemm");
    }

    @Test
    void agreesWithNd4jGemmOnAnMlpStepShape() {
        Random rnd = new Random(11);
        INDArray x = filled(Nd4j.createUninitialized(DataType.FLOAT, new long[] {128, 784}, 'c'), rnd);
        INDArray dz = filled(Nd4j.createUninitialized(DataType.FLOAT, new long[] {128, 512}, 'c'), rnd);
        INDArray viaGemm =
                Gemm.into(x, dz, Nd4j.createUninitialized(DataType.FLOAT, new long[] {784, 512}, 'c'), true, false);
        INDArray viaNd4j = Nd4j.gemm(
                x, dz, Nd4j.createUninitialized(DataType.FLOAT, new long[] {784, 512}, 'c'), true, false, 1.0, 0.0);
        float[] g = viaGemm.data().asFloat();
        float[] r = viaNd4j.data().asFloat();
        for (int i = 0; i < g.length; i++) {
            assertEquals(r[i], g[i], 1e-4f * (1 + Math.abs(r[i])), "element " + i);
        }
    }

    /** Every element of {@code out} within float32's or float64's rounding of the loops' double sums. */
    private static void assertMatchesLoop(double[][] expected, INDArray out) {
        double tolerance = out.dataType() == DataType.FLOAT ? 1e-5 : 1e-13;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                double e = expected[i][j];
                assertEquals(e, out.getDouble(i, j), tolerance * (1 + Math.abs(e)), "element " + i + "," + j);
            }
        }
    }

    private static INDArray filled(INDArray x, Random rnd) {
        for (int i = 0; i < x.size(0); i++) {
            for (int j = 0; j < x.size(1); j++) {
                x.putScalar(i, j, rnd.nextGaussian());
            }
        }
        return x;
    }

    private static double[][] loopProduct(INDArray a, INDArray b, boolean transA, boolean transB) {
        int m = (int) (transA ? a.size(1) : a.size(0));
        int k = (int) (transA ? a.size(0) : a.size(1));
        int n = (int) (transB ? b.size(0) : b.size(1));
        double[][] c = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a.getDouble(p, i) : a.getDouble(i, p);
                    double bv = transB ? b.getDouble(j, p) : b.getDouble(p, j);
                    s += av * bv;
                }
                c[i][j] = s;
            }
        }
        return c;
    }
}
