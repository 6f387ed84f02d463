package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Seeded float64 test data, generated in Java so it does not depend on ND4J's random streams. */
final class TestArrays {

    private TestArrays() {}

    /** Standard normal entries. */
    static INDArray gaussian(long seed, long... shape) {
        Random r = new Random(seed);
        double[] v = new double[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextGaussian();
        }
        return create(v, shape);
    }

    /** Uniform entries in {@code [lo, hi)}. */
    static INDArray uniform(long seed, double lo, double hi, long... shape) {
        Random r = new Random(seed);
        double[] v = new double[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * r.nextDouble();
        }
        return create(v, shape);
    }

    /**
     * Entries of random sign and magnitude in {@code [gap, gap + |N(0,1)|]}: at least {@code gap} from 0,
     * where ReLU, threshold, reciprocal and division are not differentiable or blow up.
     */
    static INDArray awayFromZero(long seed, double gap, long... shape) {
        Random r = new Random(seed);
        double[] v = new double[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            double m = gap + Math.abs(r.nextGaussian());
            v[i] = r.nextBoolean() ? m : -m;
        }
        return create(v, shape);
    }

    /** Entries 0 or 1 at random, with at least one of each. */
    static INDArray binary(long seed, long... shape) {
        Random r = new Random(seed);
        double[] v = new double[(int) length(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextBoolean() ? 1 : 0;
        }
        v[0] = 1;
        v[v.length - 1] = 0;
        return create(v, shape);
    }

    /** {@code [rows, k]} one-hot rows with a random hot index. */
    static INDArray oneHotRows(long seed, int rows, int k) {
        Random r = new Random(seed);
        double[] v = new double[rows * k];
        for (int i = 0; i < rows; i++) {
            v[i * k + r.nextInt(k)] = 1;
        }
        return create(v, rows, k);
    }

    /** {@code [rows, k]} rows of positive entries summing to 1 (soft targets). */
    static INDArray distributionRows(long seed, int rows, int k) {
        Random r = new Random(seed);
        double[] v = new double[rows * k];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < k; j++) {
                v[i * k + j] = 0.1 + r.nextDouble();
                s += v[i * k + j];
            }
            for (int j = 0; j < k; j++) {
                v[i * k + j] /= s;
            }
        }
        return create(v, rows, k);
    }

    static INDArray create(double[] v, long... shape) {
        if (shape.length == 0) {
            return Nd4j.scalar(v[0]);
        }
        return Nd4j.create(v, shape, 'c').castTo(DataType.DOUBLE);
    }

    static long length(long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /**
     * The values of {@code a} as a view into a larger array (offset and strides differ from a fresh c-order
     * array), to catch ops that assume contiguous input. Rank 0 is returned as a copy.
     */
    static INDArray offsetView(INDArray a) {
        if (a.rank() == 0) {
            return a.dup();
        }
        long[] big = a.shape().clone();
        INDArrayIndex[] idx = new INDArrayIndex[big.length];
        for (int i = 0; i < big.length; i++) {
            big[i] += 1;
            idx[i] = NDArrayIndex.interval(1, big[i]);
        }
        INDArray view = Nd4j.create(a.dataType(), big).assign(-777).get(idx);
        view.assign(a);
        return view;
    }

    /** Asserts equal shapes and every entry within {@code tol} (0 for exact). */
    static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        double diff = expected.length() == 0
                ? 0
                : expected.castTo(DataType.DOUBLE)
                        .sub(actual.castTo(DataType.DOUBLE))
                        .amaxNumber()
                        .doubleValue();
        assertTrue(
                diff <= tol,
                what + ": largest difference " + diff + " > " + tol + "\nexpected " + expected + "\nactual " + actual);
    }
}
