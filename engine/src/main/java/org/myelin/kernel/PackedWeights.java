package org.myelin.kernel;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.BytePointer;
import org.myelin.Profiler;
import org.myelin.autodiff.StepArrays;
import org.myelin.kernels.NativeKernels;
import org.myelin.ops.MatMul;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float32 weight matrix {@code W [k, n]} split and packed once for the CPU's AMX tile units ({@link AmxProducts}),
 * so that {@code X W} costs only the products and the split of {@code X}. A copy: later changes to the array it was
 * packed from are not seen, which is why only a frozen model ({@code org.myelin.nn.FrozenModel}), whose weights
 * nobody else can reach, holds one.
 *
 * <p>{@link #times} falls back to the BLAS product with the copy of the weights kept here where AMX declines a call:
 * fewer than {@value #MIN_ROWS} rows (a tile computes 16 rows whatever the batch), an input holding a non-finite
 * value, or one whose rows are not stored with unit stride.
 */
public final class PackedWeights {
    /** The fewest rows of {@code X} multiplied on AMX: below, the tiles' padding to 32 rows outweighs their speed. */
    public static final long MIN_ROWS = 32;
    /** The smallest {@code k} and {@code n} packed: thinner products are the BLAS's (or the thin native kernel's). */
    public static final long MIN_SIDE = 64;

    private static final int ALIGNMENT = 64;

    private final INDArray weights;
    private final BytePointer memory;
    private final long packed;

    private PackedWeights(INDArray weights, BytePointer memory, long packed) {
        this.weights = weights;
        this.memory = memory;
        this.packed = packed;
    }

    /**
     * A packed copy of {@code w}, or null where AMX cannot take it: not {@link AmxProducts#active()}, not a float32
     * matrix, a side under {@value #MIN_SIDE}, columns without unit stride, or a non-finite weight (the BLAS then
     * keeps NaN and infinities exactly as they propagate).
     */
    public static PackedWeights pack(INDArray w) {
        if (w == null
                || w.dataType() != DataType.FLOAT
                || w.rank() != 2
                || w.size(0) < MIN_SIDE
                || w.size(1) < MIN_SIDE
                || w.stride(1) != 1
                || w.stride(0) < w.size(1)
                || !AmxProducts.active()) {
            return null;
        }
        INDArray copy = w.dup('c');
        long k = copy.size(0);
        long n = copy.size(1);
        BytePointer memory = new BytePointer(NativeKernels.amxPackedBytes(k, n) + ALIGNMENT);
        long aligned = (memory.address() + ALIGNMENT - 1) & -ALIGNMENT;
        int declined = NativeKernels.amxPack(address(copy), n, k, n, aligned);
        Reference.reachabilityFence(copy);
        if (declined != 0) {
            memory.close();
            return null;
        }
        return new PackedWeights(copy, memory, aligned);
    }

    /** The {@code [k, n]} weights this holds (a copy of those packed; do not change it). */
    public INDArray weights() {
        return weights;
    }

    /**
     * {@code x W} into a fresh {@code [m, n]} array, {@code x} a float32 {@code [m, k]}: on AMX, or on the BLAS with the
     * kept weights where AMX declines. Float32 accuracy either way; the two do not give the same bits.
     */
    public INDArray times(INDArray x) {
        long k = weights.size(0);
        long n = weights.size(1);
        if (x.dataType() != DataType.FLOAT
                || x.rank() != 2
                || x.size(1) != k
                || x.size(0) < MIN_ROWS
                || x.stride(1) != 1
                || x.stride(0) < k) {
            return MatMul.gemm(x, weights, false, false);
        }
        long m = x.size(0);
        int declined;
        INDArray out;
        try (Profiler.Scope s = Profiler.gemm(m, k, n, false, false)) {
            out = StepArrays.uninitialized(DataType.FLOAT, m, n);
            declined = NativeKernels.amxGemmPacked(m, n, k, address(x), x.stride(0), packed, address(out), n);
            Reference.reachabilityFence(x);
            Reference.reachabilityFence(out);
            Reference.reachabilityFence(memory);
        }
        return declined == 0 ? out : MatMul.gemm(x, weights, false, false);
    }

    private static long address(INDArray arr) {
        return arr.data().addressPointer().address();
    }
}
