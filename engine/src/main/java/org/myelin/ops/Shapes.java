package org.myelin.ops;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shape checks and broadcast-gradient reduction, done once for every op. */
final class Shapes {

    private Shapes() {}

    static String str(long[] shape) {
        return Arrays.toString(shape);
    }

    /**
     * The numpy-style broadcast of two shapes (dimensions aligned from the right; each pair equal or one of
     * them 1).
     *
     * @throws IllegalArgumentException naming the op and both shapes when they do not broadcast
     */
    static long[] broadcast(String op, long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                        + " do not broadcast (dimension " + i + ": " + da + " vs " + db + ")");
            }
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /**
     * Sums {@code grad} (shaped like a broadcast result) down to {@code shape}, the shape of the input that was
     * broadcast: the gradient of a broadcast is the sum over the copies.
     */
    static INDArray reduceTo(INDArray grad, long[] shape) {
        long[] g = grad.shape();
        if (Arrays.equals(g, shape)) {
            return grad;
        }
        int lead = g.length - shape.length;
        int[] dims = new int[g.length];
        int n = 0;
        for (int i = 0; i < g.length; i++) {
            if (i < lead || (shape[i - lead] == 1 && g[i] != 1)) {
                dims[n++] = i;
            }
        }
        INDArray summed = n == 0 ? grad : grad.sum(true, Arrays.copyOf(dims, n));
        return summed.reshape(shape);
    }
}
