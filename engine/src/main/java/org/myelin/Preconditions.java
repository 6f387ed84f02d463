package org.myelin;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The argument checks every package shares. Each throws {@link IllegalArgumentException} before any work, with
 * one line naming the owner (op, kernel method, optimiser, data array), the expected and the actual value.
 */
public final class Preconditions {
    private Preconditions() {}

    // ---- numbers (hyper-parameters) ----
    // Each throws an InvalidSettingException: an IllegalArgumentException that also carries the config key of the
    // value (name with spaces as underscores, "learning rate" -> learning_rate, unless a key is given), so that a
    // config binding the value can name its path.

    private static InvalidSettingException invalid(String owner, String name, String key, String problem) {
        return new InvalidSettingException(
                key == null ? name.replace(' ', '_') : key, owner + ": " + name + " " + problem);
    }

    /** {@code v > 0} and finite. */
    public static double positive(String owner, String name, double v) {
        return positive(owner, name, null, v);
    }

    /** {@code v > 0} and finite; {@code key} is its config key. */
    public static double positive(String owner, String name, String key, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw invalid(owner, name, key, "must be > 0 and finite, was " + v);
        }
        return v;
    }

    /** {@code v >= 0} and finite. */
    public static double nonNegative(String owner, String name, double v) {
        return nonNegative(owner, name, null, v);
    }

    /** {@code v >= 0} and finite; {@code key} is its config key. */
    public static double nonNegative(String owner, String name, String key, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw invalid(owner, name, key, "must be >= 0 and finite, was " + v);
        }
        return v;
    }

    /** {@code v} in {@code [0, 1)}. */
    public static double unitHalfOpen(String owner, String name, double v) {
        if (!(v >= 0 && v < 1)) {
            throw invalid(owner, name, null, "must be in [0, 1), was " + v);
        }
        return v;
    }

    /** {@code v} in {@code (0, 1)}. */
    public static double unitOpen(String owner, String name, double v) {
        if (!(v > 0 && v < 1)) {
            throw invalid(owner, name, null, "must be in (0, 1), was " + v);
        }
        return v;
    }

    /** {@code v} in {@code (0, 1]}. */
    public static double unitLeftOpen(String owner, String name, double v) {
        if (!(v > 0 && v <= 1)) {
            throw invalid(owner, name, null, "must be in (0, 1], was " + v);
        }
        return v;
    }

    /** {@code v >= 1}. */
    public static long atLeastOne(String owner, String name, long v) {
        return atLeastOne(owner, name, null, v);
    }

    /** {@code v >= 1}; {@code key} is its config key. */
    public static long atLeastOne(String owner, String name, String key, long v) {
        if (v < 1) {
            throw invalid(owner, name, key, "must be >= 1, was " + v);
        }
        return v;
    }

    /** An optimiser step count, {@code >= 1}. */
    public static void requireStep(String method, long step) {
        if (step < 1) {
            throw new IllegalArgumentException(method + ": step must be >= 1, was " + step);
        }
    }

    // ---- arrays: presence, rank and shape ----

    public static void requireNonNull(String method, String what, Object arr) {
        if (arr == null) {
            throw new IllegalArgumentException(method + ": " + what + " is null");
        }
    }

    /** {@code a} has rank {@code rank}. */
    public static void requireRank(String op, String what, INDArray a, int rank) {
        if (a.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Arrays.toString(a.shape()) + " (rank "
                    + a.rank() + "), expected rank " + rank);
        }
    }

    /** {@code actual} has the shape of {@code expected}, which the message calls {@code expectedWhat}. */
    public static void requireSameShape(
            String op, String what, INDArray actual, INDArray expected, String expectedWhat) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Arrays.toString(actual.shape())
                    + ", expected the shape of " + expectedWhat + " " + Arrays.toString(expected.shape()));
        }
    }

    /** {@code arr} has {@code ref}'s shape (null allowed when {@code optional}); the kernels' wording. */
    public static void requireSameShape(
            String method, String what, INDArray arr, String refName, INDArray ref, boolean optional) {
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
    public static long requireBiasShapes(String method, INDArray x, INDArray b) {
        requireNonNull(method, "x", x);
        requireNonNull(method, "b", b);
        if (x.rank() != 2) {
            throw new IllegalArgumentException(
                    method + ": x has shape " + Arrays.toString(x.shape()) + ", expected rank 2 [B, n]");
        }
        long n = x.size(1);
        if (b.length() != n || b.rank() > 2 || (b.rank() == 2 && b.size(0) != 1)) {
            throw new IllegalArgumentException(method + ": b has shape " + Arrays.toString(b.shape()) + ", expected ["
                    + n + "] or [1, " + n + "] for x of shape " + Arrays.toString(x.shape()));
        }
        return n;
    }

    // ---- data arrays: type and content ----

    /** Throws unless {@code a} is a rank-2 array of a floating-point type. */
    public static void requireFloatMatrix(String what, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(what + ": array is null");
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException(
                    what + ": expected a rank-2 array [N, d], got shape " + Arrays.toString(a.shape()));
        }
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": expected a floating-point data type, got " + a.dataType());
        }
    }

    /** Throws unless {@code a} is a floating-point array {@code [N, ...]} of rank >= 2 (one sample per index of axis 0). */
    public static void requireFloatBatch(String what, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(what + ": array is null");
        }
        if (a.rank() < 2) {
            throw new IllegalArgumentException(
                    what + ": expected an array [N, ...] of rank >= 2 ([N, d], [N, C, H, W])," + " got shape "
                            + Arrays.toString(a.shape()));
        }
        if (!a.dataType().isFPType()) {
            throw new IllegalArgumentException(what + ": expected a floating-point data type, got " + a.dataType());
        }
    }

    public static void requireFloatType(String what, DataType type) {
        if (type == null || !type.isFPType()) {
            throw new IllegalArgumentException(what + ": expected a floating-point data type, got " + type);
        }
    }

    /**
     * Throws at the first (row-major) NaN or infinite element: {@code features: row 17 column 3 is NaN}.
     * The scan is one native reduction; only a failing array is searched row by row.
     */
    public static void requireFinite(String what, INDArray a) {
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
}
