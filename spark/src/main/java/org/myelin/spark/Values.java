package org.myelin.spark;

import java.io.Serializable;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A flat vector of float32 or float64 numbers in a plain Java array: what crosses the wire between driver and
 * executors (parameters, gradients, optimiser state). Never an {@code INDArray}: Java serialization of one is
 * slow and Kryo cannot serialize it at all (docs/spark.md).
 *
 * <p>Layout: the arrays of a list (parameters in {@link org.myelin.nn.Module#namedParameters()} order, optimiser
 * slots in {@link org.myelin.optim.Optimizer#state()} order), each flattened in c order, one after the other.
 */
final class Values implements Serializable {
    private static final long serialVersionUID = 1L;

    private final float[] floats;
    private final double[] doubles;

    private Values(float[] floats, double[] doubles) {
        this.floats = floats;
        this.doubles = doubles;
    }

    /** The arrays of {@code list} (all of data type {@code type}, float or double), concatenated. */
    static Values of(List<INDArray> list, DataType type) {
        boolean f64 = requireFloatType(type);
        if (list.isEmpty()) {
            return f64 ? new Values(null, new double[0]) : new Values(new float[0], null);
        }
        INDArray flat = Nd4j.toFlattened('c', list);
        return f64
                ? new Values(null, flat.castTo(DataType.DOUBLE).toDoubleVector())
                : new Values(flat.castTo(DataType.FLOAT).toFloatVector(), null);
    }

    static boolean requireFloatType(DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException("Myelin on Spark: data type must be FLOAT or DOUBLE, was " + type);
        }
        return type == DataType.DOUBLE;
    }

    int length() {
        return floats != null ? floats.length : doubles.length;
    }

    boolean isDouble() {
        return doubles != null;
    }

    /**
     * Copies the values into {@code targets}, in place, in the same layout as {@link #of}.
     *
     * @throws IllegalArgumentException if the lengths do not add up
     */
    void copyInto(List<INDArray> targets) {
        long total = 0;
        for (INDArray t : targets) {
            total += t.length();
        }
        if (total != length()) {
            throw new IllegalArgumentException("Myelin on Spark: received " + length() + " values, expected " + total
                    + " for arrays of " + targets.size() + " tensors; do driver and executors run the same model?");
        }
        if (total == 0) {
            return;
        }
        INDArray all = floats != null ? Nd4j.createFromArray(floats) : Nd4j.createFromArray(doubles);
        long offset = 0;
        for (INDArray t : targets) {
            long n = t.length();
            t.assign(all.get(NDArrayIndex.interval(offset, offset + n)).reshape(t.shape()));
            offset += n;
        }
    }

    /** Adds {@code other} into these values, in place (this object must be owned by the caller). */
    void addInPlace(Values other) {
        if (other.length() != length() || other.isDouble() != isDouble()) {
            throw new IllegalArgumentException(
                    "Myelin on Spark: cannot add " + other.length() + " values to " + length());
        }
        // A plain loop the JIT vectorises: cheaper than copying both arrays into ND4J and back.
        if (floats != null) {
            for (int i = 0; i < floats.length; i++) {
                floats[i] += other.floats[i];
            }
        } else {
            for (int i = 0; i < doubles.length; i++) {
                doubles[i] += other.doubles[i];
            }
        }
    }

    /** Multiplies these values by {@code factor}, in place. */
    void scaleInPlace(double factor) {
        if (floats != null) {
            float f = (float) factor;
            for (int i = 0; i < floats.length; i++) {
                floats[i] *= f;
            }
        } else {
            for (int i = 0; i < doubles.length; i++) {
                doubles[i] *= factor;
            }
        }
    }

    /** Value {@code i} as a double. */
    double get(int i) {
        return floats != null ? floats[i] : doubles[i];
    }

    /**
     * The smallest and the largest value, as {@code {min, max}}: NaN for both when a value is NaN, or when there is
     * none.
     */
    double[] range() {
        int n = length();
        if (n == 0) {
            return new double[] {Double.NaN, Double.NaN};
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = get(i);
            if (Double.isNaN(v)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return new double[] {min, max};
    }

    /** Values {@code from .. from + count - 1} as a fresh float64 Java array. */
    double[] slice(int from, int count) {
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            d[i] = get(from + i);
        }
        return d;
    }

    /** A copy that the caller owns. */
    Values copy() {
        return new Values(floats == null ? null : floats.clone(), doubles == null ? null : doubles.clone());
    }

    /** The values as a fresh float64 Java array (tests and diagnostics). */
    double[] toDoubles() {
        if (doubles != null) {
            return doubles.clone();
        }
        double[] d = new double[floats.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = floats[i];
        }
        return d;
    }
}
