package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.myelin.ops.MatMul;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trajectory-level agreement of the fused forward and backward kernels, one kernel at a time: an MLP trained in
 * float32 with one of {@link ElementwiseKernels#biasActivationForward}, {@link ElementwiseKernels#activationBackward}
 * or {@link ElementwiseKernels#softmaxCrossEntropy} native and everything else on the ND4J path, against the
 * all-ND4J float32 run, both measured from a float64 run from the same weights on the same batches (the step is
 * {@link FusedDense}'s and {@link FusedSoftmaxCrossEntropy}'s: gemm, bias add and activation, softmax cross-entropy,
 * activation backward, column sums, gemms, Adam). {@link NativeKernelBiasTest} measures each kernel's lean on
 * single results; this test checks that what remains does not add up over a run.
 *
 * <p>Distance: {@code max|a - r| / max|r|} over the worst parameter tensor (as {@link OptimizerTrajectoryTest#distance}),
 * averaged geometrically over {@value #SEEDS} seeds, because one run's distance is decided by the few parameters
 * where rounding tips a discrete outcome (a ReLU unit on the edge of switching) or where Adam's {@code m / sqrt(v)}
 * magnifies it (a gradient near 0): on the 784-512-256-10 MLP the same float32 arithmetic lands between 5e-5 and 1e-2 from
 * float64 depending on the seed, and swapping one kernel between the paths moved one seed's distance 7.7x. Bound: the
 * native run within {@value #RATIO} x the ND4J run's mean distance (both round the same float32 values in a different
 * order; measured 0.95 to 1.05 here). A lean of {@value #LEAN} relative in every forward activation (16 ulp, a sixth
 * of the former Adam coefficient's 6.4e-6) moves the mean distance 8-fold ({@link #aLeaningKernelIsCaught}); one of
 * 1e-7 only 1.2-fold, which is why the per-result leans below that are left to {@link NativeKernelBiasTest}.
 */
class FusedKernelTrajectoryTest {

    private static final Logger log = LoggerFactory.getLogger(FusedKernelTrajectoryTest.class);
    static final double RATIO = 2.0;
    static final double LEAN = 1e-6;
    private static final int SEEDS = 3;
    private static final int STEPS = 40;
    private static final int BATCH = 32;
    private static final int[] SIZES = {32, 48, 32, 10};

    private static ElementwiseKernels fused;
    /** The float64 runs by activation and seed, shared by the tests of this class (they are the same runs). */
    private static final Map<String, INDArray[]> REFERENCES = new HashMap<>();
    /** The all-ND4J float32 runs' mean distances by activation, likewise shared. */
    private static final Map<String, Double> ND4J_DISTANCES = new HashMap<>();

    private static final ElementwiseKernels ND4J = Kernels.nd4j();

    @BeforeAll
    static void nativeKernelsLoad() {
        assertTrue(Kernels.nativeCpuAvailable(), Kernels.describe());
        fused = Kernels.nativeCpu();
    }

    /** Which kernel runs native; the others run on the ND4J path. */
    enum Swap {
        FORWARD,
        BACKWARD,
        LOSS
    }

    /** The three kernels of one training step. */
    record StepKernels(ElementwiseKernels forward, ElementwiseKernels backward, ElementwiseKernels loss) {
        static StepKernels with(Swap swap, ElementwiseKernels k) {
            return new StepKernels(
                    swap == Swap.FORWARD ? k : ND4J, swap == Swap.BACKWARD ? k : ND4J, swap == Swap.LOSS ? k : ND4J);
        }
    }

    @ParameterizedTest
    @EnumSource(Swap.class)
    void eachNativeKernelStaysAsCloseToFloat64AsTheNd4jPath(Swap swap) {
        for (Activation hidden : new Activation[] {Activations.RELU, Activations.LOGISTIC, Activations.TANH}) {
            double nd4j = nd4jMeanDistance(hidden);
            double nat = meanDistance(hidden, StepKernels.with(swap, fused));
            String figures = String.format(
                    Locale.ROOT,
                    "%s native, hidden %s, %d Adam steps: mean distance from "
                            + "float64 %.3g (ND4J path), %.3g (native)",
                    swap,
                    hidden.name(),
                    STEPS,
                    nd4j,
                    nat);
            log.info(figures);
            assertTrue(nd4j <= 1e-4, figures + "; the ND4J path must be within 1e-4");
            assertTrue(nat <= RATIO * nd4j, figures + "; native must be within " + RATIO + " x the ND4J path's");
        }
    }

    /** The check itself can fail: a forward kernel whose every output leans by {@link #LEAN} relative is flagged. */
    @Test
    void aLeaningKernelIsCaught() {
        ElementwiseKernels leaning = new Leaning(fused);
        double nd4j = nd4jMeanDistance(Activations.TANH);
        double leaned = meanDistance(Activations.TANH, StepKernels.with(Swap.FORWARD, leaning));
        log.info(String.format(
                Locale.ROOT, "forward leaning %.1g: mean distance %.3g (ND4J path %.3g)", LEAN, leaned, nd4j));
        assertFalse(leaned <= RATIO * nd4j, "a lean of " + LEAN + " went unnoticed: " + leaned + " vs " + nd4j);
    }

    private static double nd4jMeanDistance(Activation hidden) {
        return ND4J_DISTANCES.computeIfAbsent(
                hidden.name(), key -> meanDistance(hidden, new StepKernels(ND4J, ND4J, ND4J)));
    }

    private static double meanDistance(Activation hidden, StepKernels kernels) {
        double logSum = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            long s = seed;
            INDArray[] reference = REFERENCES.computeIfAbsent(
                    hidden.name() + "/" + seed,
                    key -> train(hidden, new StepKernels(ND4J, ND4J, ND4J), DataType.DOUBLE, s));
            INDArray[] run = train(hidden, kernels, DataType.FLOAT, seed);
            logSum += Math.log(Math.max(distance(run, reference), 1e-12));
        }
        return Math.exp(logSum / SEEDS);
    }

    private static double distance(INDArray[] a, INDArray[] reference) {
        double worst = 0;
        for (int i = 0; i < reference.length; i++) {
            double scale = reference[i].amaxNumber().doubleValue();
            worst = Math.max(
                    worst,
                    a[i].castTo(DataType.DOUBLE).sub(reference[i]).amaxNumber().doubleValue() / Math.max(scale, 1e-30));
        }
        return worst;
    }

    /**
     * Trains the MLP ({@code hidden} units, logits, softmax cross-entropy with the mean over the batch, Adam lr 1e-3)
     * in {@code type} for {@value #STEPS} steps on fresh uniform batches with random labels; weights He-normal,
     * biases 0, all drawn in float32 from {@code seed}. Returns the final parameters W1, b1, W2, b2, ...
     */
    static INDArray[] train(Activation hidden, StepKernels k, DataType type, long seed) {
        int layers = SIZES.length - 1;
        Random r = new Random(seed);
        INDArray[] params = new INDArray[2 * layers];
        INDArray[] m = new INDArray[2 * layers];
        INDArray[] v = new INDArray[2 * layers];
        for (int l = 0; l < layers; l++) {
            float[][] w = new float[SIZES[l]][SIZES[l + 1]];
            for (float[] row : w) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = (float) (r.nextGaussian() * Math.sqrt(2.0 / SIZES[l]));
                }
            }
            params[2 * l] = Nd4j.createFromArray(w).castTo(type);
            params[2 * l + 1] = Nd4j.zeros(type, SIZES[l + 1]);
        }
        for (int i = 0; i < params.length; i++) {
            m[i] = Nd4j.zeros(type, params[i].shape());
            v[i] = Nd4j.zeros(type, params[i].shape());
        }
        Random data = new Random(1000 + seed);
        for (int step = 1; step <= STEPS; step++) {
            INDArray[] batch = OptimizerTrajectoryTest.batches(SIZES[0], SIZES[layers], BATCH, 1, data.nextLong())
                    .get(0);
            INDArray[] in = new INDArray[layers + 1];
            INDArray[] z = new INDArray[layers];
            in[0] = batch[0].castTo(type);
            for (int l = 0; l < layers; l++) {
                z[l] = MatMul.gemm(in[l], params[2 * l], false, false);
                in[l + 1] = l == layers - 1
                        ? k.forward().biasActivationForward(z[l], params[2 * l + 1], Activations.IDENTITY, null, z[l])
                        : k.forward().biasActivationForward(z[l], params[2 * l + 1], hidden, z[l], null);
            }
            INDArray t = batch[1].castTo(type);
            INDArray p = Nd4j.createUninitialized(type, in[layers].shape(), 'c');
            k.loss().softmaxCrossEntropy(in[layers], t, p);
            INDArray dz = p.subi(t).muli(1.0 / BATCH);
            INDArray[] grads = new INDArray[2 * layers];
            for (int l = layers - 1; l >= 0; l--) {
                if (l < layers - 1) {
                    dz = k.backward().activationBackward(hidden, z[l], in[l + 1], dz, null);
                }
                grads[2 * l] = MatMul.gemm(in[l], dz, true, false);
                grads[2 * l + 1] = dz.sum(0);
                if (l > 0) {
                    dz = MatMul.gemm(dz, params[2 * l], false, true);
                }
            }
            for (int i = 0; i < params.length; i++) {
                ND4J.adam(params[i], grads[i], m[i], v[i], 1e-3, 0.9, 0.999, 1e-8, 0.0, false, step);
            }
        }
        return params;
    }

    /** The native kernels with every forward activation scaled by {@code 1 + LEAN}: a planted systematic error. */
    private record Leaning(ElementwiseKernels inner) implements ElementwiseKernels {
        @Override
        public String name() {
            return "leaning";
        }

        @Override
        public INDArray biasActivationForward(INDArray x, INDArray b, Activation f, INDArray zOut, INDArray aOut) {
            return inner.biasActivationForward(x, b, f, zOut, aOut).muli(1 + LEAN);
        }

        @Override
        public INDArray activationBackward(Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out) {
            return inner.activationBackward(f, z, a, gradOut, out);
        }

        @Override
        public INDArray activationBackwardFromOutput(Activation f, INDArray a, INDArray gradOut, INDArray out) {
            return inner.activationBackwardFromOutput(f, a, gradOut, out);
        }

        @Override
        public void sgdMomentum(
                INDArray param,
                INDArray grad,
                INDArray velocity,
                double lr,
                double momentum,
                double weightDecay,
                boolean nesterov) {
            inner.sgdMomentum(param, grad, velocity, lr, momentum, weightDecay, nesterov);
        }

        @Override
        public void sgd(INDArray param, INDArray grad, double lr, double weightDecay) {
            inner.sgd(param, grad, lr, weightDecay);
        }

        @Override
        public void adam(
                INDArray param,
                INDArray grad,
                INDArray m,
                INDArray v,
                double lr,
                double beta1,
                double beta2,
                double eps,
                double weightDecay,
                boolean decoupled,
                long step) {
            inner.adam(param, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
        }
    }
}
