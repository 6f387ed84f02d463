package org.myelin.kernel;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** Argument checks shared by the implementations, and the layout test of the native paths. */
final class Checks {

    private Checks() {
    }

    static void requireNonNull(String method, String what, Object arr) {
        if (arr == null) {
            throw new IllegalArgumentException(method + ": " + what + " is null");
        }
    }

    /** {@code arr} has {@code ref}'s shape (null allowed when {@code optional}). */
    static void requireSameShape(String method, String what, INDArray arr, String refName, INDArray ref,
            boolean optional) {
        if (arr == null) {
            if (optional) {
                return;
            }
            throw new IllegalArgumentException(method + ": " + what + " is null");
        }
        if (!Arrays.equals(arr.shape(), ref.shape())) {
            throw new IllegalArgumentException(method + ": " + what + " has shape " + Arrays.toString(arr.shape())
                    + ", expected " + refName + "'s shape " + Arrays.toString(ref.shape()));
        }
    }

    /** x is {@code [B, n]} and b has n elements as {@code [n]} or {@code [1, n]}; returns n. */
    static long requireBiasShapes(String method, INDArray x, INDArray b) {
        requireNonNull(method, "x", x);
        requireNonNull(method, "b", b);
        if (x.rank() != 2) {
            throw new IllegalArgumentException(method + ": x has shape " + Arrays.toString(x.shape())
                    + ", expected rank 2 [B, n]");
        }
        long n = x.size(1);
        if (b.length() != n || b.rank() > 2 || (b.rank() == 2 && b.size(0) != 1)) {
            throw new IllegalArgumentException(method + ": b has shape " + Arrays.toString(b.shape()) + ", expected ["
                    + n + "] or [1, " + n + "] for x of shape " + Arrays.toString(x.shape()));
        }
        return n;
    }

    static void requireStep(String method, long step) {
        if (step < 1) {
            throw new IllegalArgumentException(method + ": step must be >= 1, was " + step);
        }
    }

    /**
     * Whether a native kernel may stream these arrays as flat buffers: all non-null, non-empty, one data type
     * (float32 or float64), c-order with default strides (contiguous; a row block of a larger matrix is, a
     * column view or a transpose is not) and {@code length} elements each.
     */
    static boolean streamable(long length, INDArray... arrays) {
        DataType type = arrays[0].dataType();
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            return false;
        }
        for (INDArray arr : arrays) {
            if (arr.isEmpty() || arr.dataType() != type || arr.length() != length || arr.ordering() != 'c'
                    || !Shape.hasDefaultStridesForShape(arr) || arr.data() == null) {
                return false;
            }
        }
        return true;
    }
}
