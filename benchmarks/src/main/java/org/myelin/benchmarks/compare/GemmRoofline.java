package org.myelin.benchmarks.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.myelin.benchmarks.harness.Exchange;
import org.myelin.benchmarks.harness.Timing;
import org.myelin.benchmarks.harness.WorkerMain;
import org.myelin.benchmarks.harness.Workload;
import org.myelin.kernel.Gemm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The yardstick: only the gemms of one step of the workload, straight to the BLAS ({@link Gemm}, as Myelin calls it)
 * into preallocated outputs, nothing
 * else. Training: per layer l the forward {@code Z = A W} ([B, in] x [in, out]), the weight gradient
 * {@code dW = A^T dZ}, and for l > 0 the input gradient {@code dA = dZ W^T}; inference: the forward gemms. A CNN's
 * convolutions: the gemms of im2col at their shapes ({@code ConvNet.gemmShapes}; the im2col and col2im passes are not
 * gemms and are left out). A step
 * of any engine built on this BLAS cannot be faster; {@link #extra} reports the gemms' GFLOP/s.
 */
public final class GemmRoofline implements WorkerMain.Engine {

    public static void main(String[] args) {
        org.myelin.Blas.select(); // the BLAS is fixed when ND4J loads: MKL on Intel CPUs unless -Dmyelin.blas says
        System.exit(run(args));
    }

    static int run(String[] args) {
        return WorkerMain.run(args, new GemmRoofline());
    }

    @Override
    public Map<String, String> environment() {
        return Nd4jEnv.environment();
    }

    @Override
    public double gradientError(Workload w, Exchange ex) {
        return Double.NaN;
    }

    @Override
    public double extra(Workload w, double secondsPerStep) {
        return w.gemmFlops() / secondsPerStep / 1e9;
    }

    @Override
    public Timing.Step prepare(Workload w, Exchange ex) {
        int[] s = w.sizes();
        int b = w.batch();
        List<Runnable> gemms = new ArrayList<>();
        if (w.isConv()) {
            // The im2col gemms: C[m, n] = op(A) op(B) at the shapes of ConvNet.gemmShapes (A, B stored as op expects).
            for (int[] g : w.net().gemmShapes(b, w.kind() == Workload.Kind.TRAIN)) {
                boolean ta = g[3] == 1;
                boolean tb = g[4] == 1;
                INDArray a = ta ? Nd4j.rand(DataType.FLOAT, g[2], g[0]) : Nd4j.rand(DataType.FLOAT, g[0], g[2]);
                INDArray bm = tb ? Nd4j.rand(DataType.FLOAT, g[1], g[2]) : Nd4j.rand(DataType.FLOAT, g[2], g[1]);
                INDArray c = Nd4j.create(DataType.FLOAT, g[0], g[1]);
                gemms.add(() -> Gemm.into(a, bm, c, ta, tb));
            }
        }
        for (int l = 0; !w.isConv() && l < w.layers(); l++) {
            INDArray a = Nd4j.rand(DataType.FLOAT, b, s[l]);
            INDArray weight = Nd4j.rand(DataType.FLOAT, s[l], s[l + 1]);
            INDArray z = Nd4j.create(DataType.FLOAT, b, s[l + 1]);
            gemms.add(() -> Gemm.into(a, weight, z, false, false));
            if (w.kind() == Workload.Kind.TRAIN) {
                INDArray dz = Nd4j.rand(DataType.FLOAT, b, s[l + 1]);
                INDArray dw = Nd4j.create(DataType.FLOAT, s[l], s[l + 1]);
                gemms.add(() -> Gemm.into(a, dz, dw, true, false));
                if (l > 0) {
                    INDArray da = Nd4j.create(DataType.FLOAT, b, s[l]);
                    gemms.add(() -> Gemm.into(dz, weight, da, false, true));
                }
            }
        }
        if (gemms.size() != w.gemms()) {
            throw new IllegalStateException("expected " + w.gemms() + " gemms, built " + gemms.size());
        }
        Runnable[] all = gemms.toArray(Runnable[]::new);
        return () -> {
            for (Runnable g : all) {
                g.run();
            }
            return all;
        };
    }
}
