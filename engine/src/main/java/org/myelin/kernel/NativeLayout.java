package org.myelin.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/** The layout test of the native paths: which arrays a native kernel may stream as flat buffers. */
final class NativeLayout {

    private NativeLayout() {}

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
            if (arr.isEmpty()
                    || arr.dataType() != type
                    || arr.length() != length
                    || arr.ordering() != 'c'
                    || !Shape.hasDefaultStridesForShape(arr)
                    || arr.data() == null) {
                return false;
            }
        }
        return true;
    }
}
