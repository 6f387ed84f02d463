package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The squared gradient norm the trainer takes every step: native pass against ND4J's norm. */
class SumOfSquaresKernelTest {

    static Stream<Arguments> cases() {
        return Stream.of(DataType.FLOAT, DataType.DOUBLE)
                .flatMap(t -> java.util.Arrays.stream(KernelTestSupport.LENGTHS).mapToObj(n -> Arguments.of(t, n)));
    }

    @ParameterizedTest(name = "{0} n={1}")
    @MethodSource("cases")
    void nativeEqualsNd4jForEveryLength(DataType type, long n) {
        INDArray x = KernelTestSupport.randn(21, type, 2.0, n);
        double expected = n == 0
                ? 0
                : x.castTo(DataType.DOUBLE)
                        .mul(x.castTo(DataType.DOUBLE))
                        .sumNumber()
                        .doubleValue();
        for (ElementwiseKernels k : kernels()) {
            double actual = k.sumOfSquares(x);
            assertEquals(expected, actual, 1e-9 * (1 + expected), k.name() + " " + type + " n=" + n);
        }
    }

    @Test
    void rowBlockViewsAndColumnViewsAreSummedOverTheirOwnElementsOnly() {
        INDArray m = Nd4j.arange(0, 60).castTo(DataType.FLOAT).reshape(6, 10);
        INDArray rows = m.get(NDArrayIndex.interval(2, 4), NDArrayIndex.all()); // contiguous view at an offset
        INDArray column = m.get(NDArrayIndex.all(), NDArrayIndex.point(3)); // strided: ND4J path
        for (ElementwiseKernels k : kernels()) {
            assertEquals(sumSquares(20, 40), k.sumOfSquares(rows), 1e-9, k.name() + " rows");
            assertEquals(
                    3 * 3 + 13 * 13 + 23 * 23 + 33 * 33 + 43 * 43 + 53 * 53,
                    k.sumOfSquares(column),
                    1e-9,
                    k.name() + " column");
        }
    }

    @Test
    void aNonFiniteElementMakesTheSumNonFinite() {
        INDArray x = Nd4j.ones(DataType.FLOAT, 1001);
        x.putScalar(777, Float.NaN);
        for (ElementwiseKernels k : kernels()) {
            assertTrue(Double.isNaN(k.sumOfSquares(x)), k.name());
        }
    }

    private static double sumSquares(int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += (double) i * i;
        }
        return s;
    }

    private static java.util.List<ElementwiseKernels> kernels() {
        return org.myelin.kernels.NativeKernels.available()
                ? java.util.List.of(Nd4jKernels.INSTANCE, new NativeCpuKernels())
                : java.util.List.of(Nd4jKernels.INSTANCE);
    }
}
