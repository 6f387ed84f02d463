package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.kernels.NativeKernels;
import org.myelin.ops.MatMul;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link PackedWeights}: products of packed weights on AMX against float64, against the BLAS's float32 product, over
 * odd shapes and strided inputs, independent of the thread split; and its fallbacks (bit-equal to the BLAS) where
 * AMX declines. The AMX cases run only on CPUs with AMX (they are skipped elsewhere, where {@link PackedWeights#pack}
 * returns null, which {@link #packIsNullWithoutAmx} checks).
 */
class PackedWeightsTest {

    @AfterEach
    void restoreSettings() {
        KernelSplit.apply(KernelSplit.configured());
        if (NativeKernels.available()) {
            AmxProducts.configure();
        }
    }

    private static INDArray uniform(long seed, long rows, long cols) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, rows, cols).subi(0.5).muli(2);
    }

    /** Largest |got - exact| over the row's scale sum_k |x_ik w_kj|, exact in float64. */
    private static double error(INDArray x, INDArray w, INDArray got) {
        INDArray xd = x.castTo(DataType.DOUBLE);
        INDArray wd = w.castTo(DataType.DOUBLE);
        INDArray exact = xd.mmul(wd);
        INDArray scale = Nd4j.math().abs(xd).mmul(Nd4j.math().abs(wd));
        return Nd4j.math()
                .abs(got.castTo(DataType.DOUBLE).sub(exact))
                .divi(scale)
                .maxNumber()
                .doubleValue();
    }

    @ParameterizedTest
    @CsvSource({"128, 784, 512", "32, 64, 64", "33, 70, 100", "100, 300, 65", "1024, 256, 96", "257, 129, 1000"})
    void productIsAsAccurateAsTheBlas(int m, int k, int n) {
        assumeTrue(AmxProducts.active(), "no AMX here");
        INDArray x = uniform(1, m, k);
        INDArray w = uniform(2, k, n);
        PackedWeights packed = PackedWeights.pack(w);
        assertNotNull(packed);
        double amx = error(x, w, packed.times(x));
        double blas = error(x, w, MatMul.gemm(x, w, false, false));
        // Float32 rounding of a k-term sum: both well under k * 2^-24; AMX's summation order differs, not its size.
        assertTrue(amx < 4e-7, "AMX error " + amx);
        assertTrue(amx <= 2 * blas + 1e-8, "AMX error " + amx + " against the BLAS's " + blas);
    }

    @Test
    void errorsDoNotLeanOneWay() {
        assumeTrue(AmxProducts.active(), "no AMX here");
        INDArray x = uniform(3, 256, 512);
        INDArray w = uniform(4, 512, 256);
        INDArray got = PackedWeights.pack(w).times(x).castTo(DataType.DOUBLE);
        INDArray exact = x.castTo(DataType.DOUBLE).mmul(w.castTo(DataType.DOUBLE));
        INDArray diff = got.sub(exact);
        double meanSigned = diff.meanNumber().doubleValue();
        double meanAbs = Nd4j.math().abs(diff).meanNumber().doubleValue();
        // Truncating instead of splitting exactly would lean: the signed mean would approach the absolute one.
        assertTrue(Math.abs(meanSigned) < 0.05 * meanAbs, "mean error " + meanSigned + ", mean |error| " + meanAbs);
    }

    @Test
    void stridedInputRowsAndTheThreadSplitGiveTheSameBits() {
        assumeTrue(AmxProducts.active(), "no AMX here");
        INDArray wide = uniform(5, 300, 500);
        INDArray x = wide.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 400));
        assertEquals(500, x.stride(0));
        INDArray w = uniform(6, 400, 200);
        PackedWeights packed = PackedWeights.pack(w);
        NativeKernels.setParallelism(1, Long.MAX_VALUE, 0);
        float[] alone = packed.times(x).data().asFloat();
        float[] contiguous = packed.times(x.dup('c')).data().asFloat();
        // strict: every split call waits until the helper thread has taken a chunk
        NativeKernels.setParallelism(2, 0, 1);
        float[] split = packed.times(x).data().asFloat();
        assertArrayEquals(alone, contiguous);
        assertArrayEquals(alone, split);
        assertTrue(error(x, w, packed.times(x)) < 4e-7);
    }

    @Test
    void declinedCallsAreTheBlasProductBitForBit() {
        assumeTrue(AmxProducts.active(), "no AMX here");
        INDArray w = uniform(7, 128, 96);
        PackedWeights packed = PackedWeights.pack(w);
        INDArray few = uniform(8, PackedWeights.MIN_ROWS - 1, 128);
        assertArrayEquals(
                MatMul.gemm(few, w, false, false).data().asFloat(),
                packed.times(few).data().asFloat());
        INDArray withNaN = uniform(9, 64, 128);
        withNaN.putScalar(3, 5, Float.NaN);
        withNaN.putScalar(40, 7, Float.POSITIVE_INFINITY);
        INDArray got = packed.times(withNaN);
        assertArrayEquals(
                MatMul.gemm(withNaN, w, false, false).data().asFloat(),
                got.data().asFloat());
        assertTrue(Float.isNaN(got.getFloat(3, 0)));
    }

    @Test
    void weightsThatAmxCannotTakeAreNotPacked() {
        assumeTrue(AmxProducts.active(), "no AMX here");
        INDArray w = uniform(10, 128, 96);
        w.putScalar(1, 1, Float.NEGATIVE_INFINITY);
        assertNull(PackedWeights.pack(w), "non-finite weight");
        assertNull(PackedWeights.pack(uniform(11, 128, 63)), "63 columns");
        assertNull(PackedWeights.pack(uniform(12, 63, 128)), "63 rows");
        assertNull(PackedWeights.pack(uniform(13, 128, 96).castTo(DataType.DOUBLE)), "float64");
        assertNull(PackedWeights.pack(uniform(14, 96, 128).transpose()), "column-major");
    }

    @Test
    void thePackIsACopy() {
        assumeTrue(AmxProducts.active(), "no AMX here");
        INDArray w = uniform(15, 128, 96);
        INDArray x = uniform(16, 64, 128);
        PackedWeights packed = PackedWeights.pack(w);
        float[] before = packed.times(x).data().asFloat();
        w.muli(2);
        assertArrayEquals(before, packed.times(x).data().asFloat());
    }

    @Test
    void packIsNullWithoutAmx() {
        assumeTrue(Kernels.nativeCpuAvailable(), Kernels.describe());
        NativeKernels.amxConfigure(0);
        assertNull(PackedWeights.pack(uniform(17, 128, 96)));
        assertEquals(0, NativeKernels.amxActive());
    }
}
