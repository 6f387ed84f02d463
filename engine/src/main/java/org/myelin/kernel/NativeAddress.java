package org.myelin.kernel;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The native address of an array's first element, for the kernels and the BLAS calls that take raw pointers.
 *
 * <p>ND4J's {@code DataBuffer.addressPointer()} asks the C++ buffer for its address and wraps it in three new Java
 * objects on every call (a {@code Pointer}, a {@code PagedPointer} and a typed pointer): with some 30 calls per
 * training step they were about a third of the bytes a step allocated on the heap, and so of the young collections,
 * each of which stalled a step for 10-40 ms. A buffer that is not a view holds the same address in its own pointer
 * ({@code DataBuffer.address()}, no allocation; ND4J keeps the two in step when it reallocates); a view's own pointer
 * is its parent's, without the view's offset, so a view still goes through {@code addressPointer()}, which includes
 * it.
 */
public final class NativeAddress {

    private NativeAddress() {}

    /**
     * The address of {@code arr}'s first element in its buffer (the view's offset included); 0 for an empty array,
     * which ND4J gives no memory.
     */
    public static long of(INDArray arr) {
        if (arr.isEmpty()) {
            return 0;
        }
        DataBuffer d = arr.data();
        DataBuffer parent = d.underlyingDataBuffer();
        if ((parent == null || parent == d) && d.offset() == 0) {
            return d.address();
        }
        return d.addressPointer().address();
    }
}
