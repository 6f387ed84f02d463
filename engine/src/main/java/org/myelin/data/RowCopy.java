package org.myelin.data;

import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.myelin.Profiler;
import org.myelin.kernel.Kernels;
import org.myelin.kernel.NativeAddress;
import org.myelin.kernels.NativeKernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gathers chosen rows of a matrix into another with one bulk memory copy per row, the fast path of batch gathering.
 *
 * <p>Why not {@code Nd4j.pullRows}: it opens an OpenMP parallel region per call, which on a loaded machine waits for
 * the pool's threads and costs far more than the copy itself (0.28 ms thread CPU per batch of 128 MNIST rows; one
 * {@code memmove} per row, here, a few hundredths of that). The result is the same bytes, so the choice changes speed
 * only.
 *
 * <p>The fast path needs ND4J's CPU backend (on the CUDA backend the host buffer may be stale) and a source and
 * destination that are float32 or float64 of one type, c-order with default strides (a row block of a larger matrix
 * qualifies, a column view or a transpose does not), of equal column counts, each under 2 GiB; anything else goes
 * to {@code pullRows}.
 */
final class RowCopy {
    /** The backend is fixed once ND4J has loaded; asked once. */
    private static final boolean ON_CPU_BACKEND = Kernels.isCpuBackend();

    /**
     * Whether the native kernels are the active path: their gather splits a batch over the helper thread and
     * prefetches the next rows (0.37-0.40 -> 0.21-0.24 ms for a batch of 1024 shuffled MNIST rows, in the step; no change
     * at 128 rows); else each row is one bulk copy here.
     */
    private static final boolean NATIVE = Kernels.nativeCpuActive();

    private RowCopy() {}

    /**
     * Writes {@code source} row {@code rows[i]} into {@code dest} row {@code i} for every {@code i}, and returns
     * {@code dest}.
     *
     * <p>Shapes: {@code source [N, d]}, {@code dest [rows.length, d]}; every index in {@code [0, N)}.
     */
    static INDArray gather(INDArray source, int[] rows, INDArray dest) {
        if (dest.rows() != rows.length || dest.columns() != source.columns()) {
            throw new IllegalArgumentException("RowCopy: destination has shape " + Arrays.toString(dest.shape())
                    + ", expected [" + rows.length + ", " + source.columns() + "]");
        }
        long n = source.rows();
        for (int r : rows) {
            if (r < 0 || r >= n) {
                throw new IllegalArgumentException(
                        "RowCopy: row index " + r + " is out of range, expected 0 <= index < " + n);
            }
        }
        if (rows.length == 0) {
            return dest;
        }
        if (!bulkCopyable(source, dest)) {
            return Nd4j.pullRows(source, dest, 1, rows);
        }
        int rowBytes = (int) (source.columns() * source.dataType().width());
        if (NATIVE) {
            try (Profiler.Scope s = Profiler.scope("native row gather", rows.length, source.columns())) {
                NativeKernels.gatherRows(NativeAddress.of(source), rowBytes, rows, rows.length, NativeAddress.of(dest));
            }
        } else {
            ByteBuffer from = bytes(source);
            ByteBuffer to = bytes(dest);
            for (int i = 0; i < rows.length; i++) {
                to.put(i * rowBytes, from, rows[i] * rowBytes, rowBytes);
            }
        }
        Reference.reachabilityFence(source);
        Reference.reachabilityFence(dest);
        return dest;
    }

    /** Whether {@link #gather} copies bytes itself rather than calling {@code pullRows}. */
    static boolean bulkCopyable(INDArray source, INDArray dest) {
        return ON_CPU_BACKEND
                && source.rank() == 2
                && dest.rank() == 2
                && plainFloat(source)
                && plainFloat(dest)
                && source.dataType() == dest.dataType()
                && source.columns() == dest.columns()
                && source.length() * source.dataType().width() <= Integer.MAX_VALUE
                && dest.length() * dest.dataType().width() <= Integer.MAX_VALUE;
    }

    private static boolean plainFloat(INDArray a) {
        DataType type = a.dataType();
        return (type == DataType.FLOAT || type == DataType.DOUBLE)
                && !a.isEmpty()
                && a.ordering() == 'c'
                && Shape.hasDefaultStridesForShape(a)
                && a.data() != null;
    }

    /**
     * The array's elements as a byte buffer over its native memory (no copy); {@code addressPointer()} already
     * points at a view's first element.
     */
    private static ByteBuffer bytes(INDArray a) {
        long size = a.length() * a.dataType().width();
        return new BytePointer(a.data().addressPointer())
                .position(0)
                .capacity(size)
                .limit(size)
                .asByteBuffer();
    }
}
