package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.myelin.kernel.ElementwiseKernels;
import org.myelin.kernel.EmaWeights;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Float32 moving averages must not lean: thousands of float32 Adam and RMSprop steps against the same algorithm in
 * float64, over 20,000 parameters fed independent random gradients, each step measured from a parameter reset to 0.
 * The lean is the mean error along the direction of travel, {@code sum((step - exact) sign(exact)) / sum|exact|};
 * rounding noise averages out to ~1e-9 over the parameters. Rounding {@code beta} and {@code 1 - beta} to float32
 * separately made the weights of each average add up to {@code 1 + 1.3e-8}: Adam's steps were 1.6e-6 too small after
 * 469 steps and 4.6e-6 after 2,000, RMSprop's 4e-7 from step 500 on (see {@link EmaWeights}).
 */
class MovingAverageLeanTest {

    private static final int N = 20_000;
    private static final double LR = 1e-3;
    /** The learning rate as float32 holds it (+4.7e-8 relative): the float64 runs take that, not a lean of ours. */
    private static final double LR_AS_FLOAT = (float) LR;

    /** Independent standard normal gradients, the same for every run (one array per step). */
    private static List<float[]> gradients(int steps) {
        Random r = new Random(42);
        List<float[]> gs = new ArrayList<>(steps);
        for (int t = 0; t < steps; t++) {
            float[] g = new float[N];
            for (int i = 0; i < N; i++) {
                g[i] = (float) r.nextGaussian();
            }
            gs.add(g);
        }
        return gs;
    }

    private static double lean(float[] param, double[] exact) {
        double along = 0;
        double size = 0;
        for (int i = 0; i < N; i++) {
            double step = -param[i];
            along += (step - exact[i]) * Math.signum(exact[i]);
            size += Math.abs(exact[i]);
        }
        return along / size;
    }

    private static void adamDoesNotLean(ElementwiseKernels kernels, String path) {
        int steps = 2000;
        List<float[]> gs = gradients(steps);
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        INDArray param = Nd4j.zeros(DataType.FLOAT, N);
        INDArray m = Nd4j.zeros(DataType.FLOAT, N);
        INDArray v = Nd4j.zeros(DataType.FLOAT, N);
        double[] m64 = new double[N];
        double[] v64 = new double[N];
        double[] exact = new double[N];
        for (int t = 1; t <= steps; t++) {
            float[] g = gs.get(t - 1);
            param.assign(0);
            kernels.adam(param, Nd4j.createFromArray(g), m, v, LR, b1, b2, eps, 0, false, t);
            double bc1 = 1 - Math.pow(b1, t);
            double bc2 = 1 - Math.pow(b2, t);
            for (int i = 0; i < N; i++) {
                m64[i] = b1 * m64[i] + (1 - b1) * g[i];
                v64[i] = b2 * v64[i] + (1 - b2) * g[i] * (double) g[i];
                exact[i] = LR_AS_FLOAT / bc1 * m64[i] / (Math.sqrt(v64[i]) / Math.sqrt(bc2) + eps);
            }
            if (t == 469 || t == steps) {
                double lean = lean(param.toFloatVector(), exact);
                assertTrue(
                        Math.abs(lean) < 5e-7,
                        path + ": float32 Adam's steps lean " + lean + " after " + t
                                + " steps (bound 5e-7; the separately rounded weights gave -1.6e-6 at 469, -4.6e-6 at 2000)");
            }
        }
    }

    @Test
    void adamDoesNotLeanOnTheNd4jPath() {
        adamDoesNotLean(Kernels.nd4j(), "ND4J path");
    }

    @Test
    void adamDoesNotLeanInTheNativeKernel() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.nativeCpuAvailable(), "native kernels not loaded");
        adamDoesNotLean(Kernels.nativeCpu(), "native kernel");
    }

    @Test
    void rmsPropDoesNotLean() {
        int steps = 1000;
        List<float[]> gs = gradients(steps);
        double rho = 0.99;
        double eps = 1e-8;
        INDArray param = Nd4j.zeros(DataType.FLOAT, N);
        INDArray meanSq = Nd4j.zeros(DataType.FLOAT, N);
        INDArray scratch = Nd4j.zeros(DataType.FLOAT, N);
        double[] s64 = new double[N];
        double[] exact = new double[N];
        for (int t = 1; t <= steps; t++) {
            float[] g = gs.get(t - 1);
            param.assign(0);
            RmsPropRule.apply(param, Nd4j.createFromArray(g), meanSq, scratch, LR, rho, eps);
            for (int i = 0; i < N; i++) {
                s64[i] = rho * s64[i] + (1 - rho) * g[i] * (double) g[i];
                exact[i] = LR_AS_FLOAT * g[i] / (Math.sqrt(s64[i]) + eps);
            }
        }
        double lean = lean(param.toFloatVector(), exact);
        assertTrue(
                Math.abs(lean) < 1e-7,
                "float32 RMSprop's steps lean " + lean + " after " + steps
                        + " steps (bound 1e-7; the separately rounded weights gave -4e-7)");
    }

    @Test
    void weightsAddUpToOneAndFloat64IsUnchanged() {
        for (double beta : new double[] {0.5, 0.9, 0.95, 0.99, 0.999, 0.9999}) {
            EmaWeights f = EmaWeights.of(beta, DataType.FLOAT);
            assertEquals((float) beta, f.decay(), 0.0);
            assertEquals(1.0, (float) f.decay() + (double) (float) f.complement(), 0.0, "float32 weights of " + beta);
            assertEquals(1 - Math.pow(f.decay(), 7), f.sumAfter(7), 0.0);
            EmaWeights d = EmaWeights.of(beta, DataType.DOUBLE);
            assertEquals(beta, d.decay(), 0.0);
            assertEquals(1 - beta, d.complement(), 0.0);
            assertEquals(1 - Math.pow(beta, 7), d.sumAfter(7), 0.0, "float64's bias correction");
        }
        // A beta that rounds to 1 in float32 would freeze the average.
        EmaWeights edge = EmaWeights.of(0.99999999, DataType.FLOAT);
        assertTrue(edge.decay() < 1 && edge.complement() > 0, edge.toString());
    }
}
