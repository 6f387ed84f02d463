package org.myelin.neuro;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns a step's spike mask into the list of neurons that spiked, the one place where a population's spikes
 * leave ND4J for a moment.
 *
 * <p>Why not {@code Nd4j.where(mask)}: in ND4J 1.0.0-M2.1 it costs 2-5 ms per call on a 10,000-entry mask
 * whatever the number of spikes (measured on the CPU backend), while one native cast, one bulk copy and a
 * compaction over the copied {@code int[]} cost 0.1-0.3 ms; the {@code choose} and {@code top_k} ops that could
 * compact natively fail their shape calculation on vectors in this version. The model arithmetic itself stays in
 * whole-vector ND4J operations.
 */
final class SpikeIndices {
    /** No spikes: an empty LONG vector. */
    static final INDArray NONE = Nd4j.empty(DataType.LONG);

    private SpikeIndices() {}

    /**
     * Ascending indices of the non-zero entries of a mask vector (BOOL or numeric). Shapes: {@code [n]} ->
     * {@code [k]} LONG, or {@link #NONE}.
     */
    static INDArray of(INDArray mask) {
        int[] flags = mask.castTo(DataType.INT).toIntVector();
        int count = 0;
        for (int f : flags) {
            count += f != 0 ? 1 : 0;
        }
        if (count == 0) {
            return NONE;
        }
        long[] idx = new long[count];
        for (int i = 0, k = 0; k < count; i++) {
            if (flags[i] != 0) {
                idx[k++] = i;
            }
        }
        return Nd4j.createFromArray(idx);
    }
}
