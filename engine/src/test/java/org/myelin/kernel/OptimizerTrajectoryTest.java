package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.myelin.train.LossFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trajectory-level agreement of the optimiser kernels: a small ReLU MLP trained for hundreds of float32 steps
 * with the native kernels and with the ND4J path, each compared with a float64 run of the same algorithm from the
 * same initial weights on the same batches. Single-step equality ({@link OptimizerKernelTest}) cannot see an error
 * that is tiny per step but always of the same sign (a coefficient such as {@code 1 - beta2} rounded in float32
 * inside the kernel); over a trajectory it accumulates, and a ReLU network splits at units on the edge of switching.
 *
 * <p>Distance: {@code max|a - r| / max|r|} over the worst parameter tensor, {@code r} the float64 run. Bound: over
 * {@value #SEEDS} data seeds, the median of the native float32 run's distance divided by the ND4J float32 run's is
 * at most {@value #RATIO} (the kernel bug this guards against made the native distance 400 times the ND4J one, on
 * every seed), and the ND4J runs' median distance is within {@value #ABSOLUTE} of float64 (float32 noise grown over
 * the trajectory, measured at 1e-6 to 1e-5 here). A median over seeds, not one seed: both are float32 runs of the
 * same arithmetic that round in a different order (FMA contraction in the native loop; the BLAS's blocking in the
 * gemms both share), and a chaotic trajectory amplifies that difference by a factor that varies from seed to seed.
 * Per seed, momentum's ratio ranged 0.19 to 2.9 over seeds 1-12 on an AMD EPYC with OpenBLAS (median 0.8), where
 * the single seed this test once used gave 2.9 and failed, having passed with MKL's gemms on an Intel Xeon. A seed
 * on which a hidden unit's pre-activation comes within float32 rounding of 0 switches that unit in some float32 runs
 * and not others (a coin toss, seen at seed 11 for momentum and seed 3 for AdamW, distance about 1e-2 to 0.4 in both
 * float32 runs): the median is indifferent to one such seed.
 *
 * <p>Each update below is the call the optimiser class makes ({@code Momentum}, {@code Nesterov}, {@code Adam},
 * {@code AdamW} in {@code org.myelin.optim}), made on an explicit implementation, because the optimisers use the
 * one {@link Kernels#active()} chose for the process.
 */
class OptimizerTrajectoryTest {

    private static final Logger log = LoggerFactory.getLogger(OptimizerTrajectoryTest.class);
    static final double RATIO = 2.0;
    static final double ABSOLUTE = 1e-3;
    private static final int STEPS = 300;
    private static final int[] SIZES = {20, 32, 16, 5};
    private static final int BATCH = 16;
    private static final int BATCHES = 8;
    /** The batches' seeds: the median is taken over this many runs, seeds 1 to {@value}. */
    static final int SEEDS = 5;

    private static ElementwiseKernels fused;
    private static final ElementwiseKernels ND4J = Kernels.nd4j();

    @BeforeAll
    static void nativeKernelsLoad() {
        assertTrue(Kernels.nativeCpuAvailable(), Kernels.describe());
        fused = Kernels.nativeCpu();
    }

    /** Every optimiser update that has a native kernel, with the hyper-parameters of a typical run. */
    enum Rule {
        MOMENTUM(0.05) {
            @Override
            void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t) {
                k.sgdMomentum(w, g, s[0], lr, 0.9, 0.0, false);
            }
        },
        NESTEROV(0.05) {
            @Override
            void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t) {
                k.sgdMomentum(w, g, s[0], lr, 0.9, 0.0, true);
            }
        },
        SGD(0.1) {
            @Override
            void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t) {
                k.sgd(w, g, lr, 0.0);
            }
        },
        SGD_L2(0.1) {
            @Override
            void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t) {
                k.sgdMomentum(w, g, s[0], lr, 0.0, 1e-2, false);
            }
        },
        ADAM(1e-3) {
            @Override
            void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t) {
                k.adam(w, g, s[0], s[1], lr, 0.9, 0.999, 1e-8, 0.0, false, t);
            }
        },
        ADAM_L2(1e-3) {
            @Override
            void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t) {
                k.adam(w, g, s[0], s[1], lr, 0.9, 0.999, 1e-8, 1e-2, false, t);
            }
        },
        ADAMW(1e-3) {
            @Override
            void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t) {
                k.adam(w, g, s[0], s[1], lr, 0.9, 0.999, 1e-8, 1e-2, true, t);
            }
        };

        final double lr;

        Rule(double lr) {
            this.lr = lr;
        }

        /** One update of step t (1-based) on parameter w with gradient g and state slots s (zeros at t = 1). */
        abstract void apply(ElementwiseKernels k, INDArray w, INDArray g, INDArray[] s, long t);
    }

    @ParameterizedTest
    @EnumSource(Rule.class)
    void nativeFloat32StaysAsCloseToFloat64AsTheNd4jPath(Rule rule) {
        double[] nd4j = new double[SEEDS];
        double[] ratios = new double[SEEDS];
        StringBuilder figures = new StringBuilder(
                rule + ", " + STEPS + " steps, distance from float64 (ND4J path," + " native) per data seed:");
        for (int seed = 1; seed <= SEEDS; seed++) {
            List<INDArray[]> data = batches(SIZES[0], SIZES[SIZES.length - 1], BATCH, BATCHES, seed);
            Map<String, INDArray> reference = train(rule, ND4J, DataType.DOUBLE, SIZES, data, STEPS);
            nd4j[seed - 1] = distance(train(rule, ND4J, DataType.FLOAT, SIZES, data, STEPS), reference);
            double nat = distance(train(rule, fused, DataType.FLOAT, SIZES, data, STEPS), reference);
            ratios[seed - 1] = nat / Math.max(nd4j[seed - 1], 1e-30);
            figures.append(String.format(Locale.ROOT, " %d: %.3g, %.3g;", seed, nd4j[seed - 1], nat));
        }
        String report = figures
                + String.format(
                        Locale.ROOT, " median ND4J distance %.3g, median ratio %.3g", median(nd4j), median(ratios));
        log.info(report);
        // The median sorts NaN and infinities last: up to two diverged seeds would pass unseen without this.
        for (int i = 0; i < SEEDS; i++) {
            assertTrue(
                    Double.isFinite(nd4j[i]) && Double.isFinite(ratios[i]),
                    report + "; seed " + (i + 1) + " ended with a non-finite parameter");
        }
        assertTrue(median(nd4j) <= ABSOLUTE, report + "; the ND4J path must be within " + ABSOLUTE);
        assertTrue(median(ratios) <= RATIO, report + "; the native path must be within " + RATIO + " x");
    }

    @Test
    void aRunWithANaNWeightIsAnInfiniteDistance() {
        Map<String, INDArray> reference = Map.of("w", Nd4j.createFromArray(1.0, 2.0));
        Map<String, INDArray> diverged = Map.of("w", Nd4j.createFromArray(1f, Float.NaN));
        assertTrue(distance(diverged, reference) == Double.POSITIVE_INFINITY, "" + distance(diverged, reference));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * The user's check: MLP 784-512-256-10 (ReLU, softmax cross-entropy), Adam lr 1e-3, betas 0.9/0.999, eps 1e-8,
     * float32, 20 steps on MNIST-shaped random batches. The ND4J path lands about 1e-4 from the float64 run (as
     * PyTorch's float32 Adam does); the native kernels, with 1 - beta2 rounded in float, landed at 6e-2.
     */
    @Test
    void twentyAdamStepsOfTheMnistMlpStayWithinFloat32Noise() {
        int[] sizes = {784, 512, 256, 10};
        List<INDArray[]> data = batches(784, 10, 64, 4, 11);
        Map<String, INDArray> reference = train(Rule.ADAM, ND4J, DataType.DOUBLE, sizes, data, 20);
        Map<String, INDArray> viaNd4j = train(Rule.ADAM, ND4J, DataType.FLOAT, sizes, data, 20);
        Map<String, INDArray> viaNative = train(Rule.ADAM, fused, DataType.FLOAT, sizes, data, 20);
        assertTrajectories("MLP 784-512-256-10, Adam, 20 steps", reference, viaNd4j, viaNative, 5e-4);
    }

    private static void assertTrajectories(
            String what,
            Map<String, INDArray> reference,
            Map<String, INDArray> viaNd4j,
            Map<String, INDArray> viaNative,
            double absolute) {
        double nd4j = distance(viaNd4j, reference);
        double nat = distance(viaNative, reference);
        String figures = String.format(
                Locale.ROOT, "%s: distance from float64 %.3g (ND4J path), %.3g (native)", what, nd4j, nat);
        log.info(figures);
        assertTrue(nd4j <= absolute, figures + "; the ND4J path must be within " + absolute);
        assertTrue(
                nat <= RATIO * nd4j || nat <= 1e-6,
                figures + "; native must be within " + RATIO + " x the ND4J path's distance");
    }

    /** Max over parameters of max|a - r| / max|r|. */
    static double distance(Map<String, INDArray> a, Map<String, INDArray> ref) {
        double worst = 0;
        for (Map.Entry<String, INDArray> e : ref.entrySet()) {
            INDArray r = e.getValue();
            INDArray d = a.get(e.getKey()).castTo(DataType.DOUBLE).sub(r);
            if (org.nd4j.linalg.indexing.BooleanIndexing.or(
                    d, org.nd4j.linalg.indexing.conditions.Conditions.notFinite())) {
                return Double.POSITIVE_INFINITY; // a NaN weight: amax need not pass NaN on
            }
            double scale = r.amaxNumber().doubleValue();
            worst = Math.max(worst, d.amaxNumber().doubleValue() / Math.max(scale, 1e-30));
        }
        return worst;
    }

    /** {x, one-hot targets} pairs: x uniform in [0, 1) (rounded to float32 once), random labels. */
    static List<INDArray[]> batches(int in, int classes, int batch, int count, long seed) {
        Random r = new Random(seed);
        List<INDArray[]> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[][] x = new float[batch][in];
            float[][] t = new float[batch][classes];
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < in; j++) {
                    x[i][j] = r.nextFloat();
                }
                t[i][r.nextInt(classes)] = 1f;
            }
            out.add(new INDArray[] {Nd4j.createFromArray(x), Nd4j.createFromArray(t)});
        }
        return out;
    }

    /**
     * Trains an MLP of {@code sizes} (ReLU hidden units, logits, softmax cross-entropy) in {@code type} for
     * {@code steps} steps over the batches in turn, updating with {@code rule} on {@code kernels}; the initial
     * weights are the float32 He-normal draw of seed 3, so every run starts from the same values. Returns copies of
     * the final parameters by name.
     */
    static Map<String, INDArray> train(
            Rule rule, ElementwiseKernels kernels, DataType type, int[] sizes, List<INDArray[]> data, int steps) {
        Sequential model = Models.mlp(type, 3, Activations.RELU, Inits.heNormal(), sizes);
        Sequential init = Models.mlp(DataType.FLOAT, 3, Activations.RELU, Inits.heNormal(), sizes);
        Map<String, Tensor> params = model.namedParameters();
        Map<String, INDArray[]> state = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : params.entrySet()) {
            INDArray p = e.getValue().value();
            p.assign(init.namedParameters().get(e.getKey()).value().castTo(type));
            state.put(e.getKey(), new INDArray[] {Nd4j.zeros(type, p.shape()), Nd4j.zeros(type, p.shape())});
        }
        for (int t = 1; t <= steps; t++) {
            INDArray[] b = data.get((t - 1) % data.size());
            model.zeroGrad();
            Tensor loss = LossFunction.SOFTMAX_CROSS_ENTROPY.apply(
                    model.forward(Tensor.constant(b[0].castTo(type))), Tensor.constant(b[1].castTo(type)));
            loss.backward();
            for (Map.Entry<String, Tensor> e : params.entrySet()) {
                rule.apply(kernels, e.getValue().value(), e.getValue().grad(), state.get(e.getKey()), t);
            }
        }
        Map<String, INDArray> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(name, p.value().castTo(DataType.DOUBLE)));
        return out;
    }
}
