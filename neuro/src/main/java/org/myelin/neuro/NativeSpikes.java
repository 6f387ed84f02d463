package org.myelin.neuro;

import org.myelin.kernel.Kernels;
import org.myelin.kernel.NativeAddress;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The spike indices of a population stepped by the native kernels ({@code org.myelin.kernels.NativeKernels}): a
 * resident int64 buffer the kernel fills with the ascending indices of the neurons that spiked, and their count.
 * Projections read it directly; {@link #indices()} turns it into the {@link Population#spikeIndices()} array only
 * when something (a probe) asks, so a step of the native path creates no ND4J array.
 *
 * <p>Whether populations use the native kernels follows the engine's kernel choice ({@link Kernels}:
 * {@code -Dmyelin.kernels=nd4j} or {@code MYELIN_KERNELS=nd4j} keeps the ND4J reference path).
 */
final class NativeSpikes {
    private final INDArray buffer;
    private final long address;
    private long count;
    private INDArray published;

    /** Room for {@code capacity} indices (a population's size). */
    NativeSpikes(int capacity) {
        buffer = Nd4j.createUninitialized(DataType.LONG, capacity);
        address = address(buffer);
    }

    /** Whether new populations step with the native kernels: the fused CPU kernels are the active path. */
    static boolean enabledByDefault() {
        return Kernels.nativeCpuActive();
    }

    /**
     * @throws IllegalStateException naming the population when the native kernels cannot run here
     */
    static void requireAvailable(String population) {
        if (!Kernels.nativeCpuAvailable()) {
            throw new IllegalStateException(
                    "population '" + population + "': native spiking kernels unavailable (" + Kernels.describe() + ")");
        }
    }

    /** The native address of an array's first element (it must be a dense row-major buffer). */
    static long address(INDArray arr) {
        return NativeAddress.of(arr);
    }

    /** Whether the kernels can read {@code arr} as one dense row-major buffer. */
    static boolean dense(INDArray arr) {
        // A single element is dense whatever its strides: ND4J's hasDefaultStridesForShape says false for a [1, 1]
        // matrix with strides [1, 1] (Nd4j.createFromArray(new double[1][1])), which sent a 1 x 1 projection down
        // the ND4J gather path at ~100x the cost of a step that Network.run and simulate network count.
        return !arr.isEmpty() && (arr.length() == 1 || (arr.ordering() == 'c' && Shape.hasDefaultStridesForShape(arr)));
    }

    /** Address of the index buffer the kernel writes. */
    long address() {
        return address;
    }

    /** Records how many indices the kernel wrote in this step. */
    void set(long spikes) {
        count = spikes;
        published = null;
    }

    long count() {
        return count;
    }

    void clear() {
        set(0);
    }

    /** This step's indices as an ND4J array (a copy made on first request). Shapes: {@code [count]} LONG. */
    INDArray indices() {
        if (count == 0) {
            return SpikeIndices.NONE;
        }
        if (published == null) {
            published = buffer.get(NDArrayIndex.interval(0, count)).dup();
        }
        return published;
    }
}
