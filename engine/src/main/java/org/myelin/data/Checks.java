package org.myelin.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** Validation shared by the data classes; every failure names the array, the row and the column. */
final class Checks {
    private Checks() {}

    /** Throws unless {@code a} is a rank-2 array of a floating-point type. */
    static void requireFloatMatrix(String what, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(what + ": array is null");
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException(what + ": expected a rank-2 array [N, d], got shape "
                    + java.util.Arrays.toString(a.shape()));
        }
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": expected a floating-point data type, got " + a.dataType());
        }
    }

    /** Throws unless {@code a} is a floating-point array {@code [N, ...]} of rank >= 2 (one sample per index of axis 0). */
    static void requireFloatBatch(String what, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(what + ": array is null");
        }
        if (a.rank() < 2) {
            throw new IllegalArgumentException(what + ": expected an array [N, ...] of rank >= 2 ([N, d], [N, C, H, W]),"
                    + " got shape " + java.util.Arrays.toString(a.shape()));
        }
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": expected a floating-point data type, got " + a.dataType());
        }
    }

    /**
     * Throws at the first (row-major) NaN or infinite element: {@code features: row 17 column 3 is NaN}.
     * The scan is one native reduction; only a failing array is searched row by row.
     */
    static void requireFinite(String what, INDArray a) {
        if (a.isEmpty() || !BooleanIndexing.or(a, Conditions.notFinite())) {
            return;
        }
        // Only a failing array gets here. Search the row-major flattening: a per-row reduction fails on
        // single-column arrays in ND4J ("Can't reshape without shape arguments").
        INDArray flat = a.dup('c').reshape(a.length());
        long index = BooleanIndexing.firstIndex(flat, Conditions.notFinite()).getLong(0);
        // The "column" counts within one sample: the row-major index inside [d] or [C, H, W].
        long cols = a.rank() < 2 || a.size(0) == 0 ? 1 : a.length() / a.size(0);
        if (index < 0) {
            throw new IllegalStateException(what + ": the non-finite scan and the search disagree");
        }
        double v = flat.getDouble(index);
        throw new IllegalArgumentException(what + ": row " + index / cols + " column " + index % cols + " is "
                + (Double.isNaN(v) ? "NaN" : v > 0 ? "+Infinity" : "-Infinity"));
    }

    static void requireFloatType(String what, DataType type) {
        if (type == null || !type.isFPType()) {
            throw new IllegalArgumentException(what + ": expected a floating-point data type, got " + type);
        }
    }
}
