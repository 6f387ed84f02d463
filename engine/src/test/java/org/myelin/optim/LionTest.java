package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Lion (Chen et al. 2023, Algorithm 2) against a float64 reference written out in this test from the paper's update,
 * {@code c = b1 m + (1 - b1) g; w -= lr (sign(c) + lambda w); m = b2 m + (1 - b2) g}, over several steps with
 * seeded gradients; and through the registry and config path.
 */
class LionTest {

    /** The reference: plain loops over doubles, sharing no code with {@link Lion}. */
    static double[] reference(double[] w0, double[][] grads, double lr, double b1, double b2, double wd) {
        double[] w = w0.clone();
        double[] m = new double[w.length];
        for (double[] g : grads) {
            for (int i = 0; i < w.length; i++) {
                double c = b1 * m[i] + (1 - b1) * g[i];
                w[i] -= lr * (Math.signum(c) + wd * w[i]);
                m[i] = b2 * m[i] + (1 - b2) * g[i];
            }
        }
        return w;
    }

    static double[][] gradients(int steps, int n, long seed) {
        Random r = new Random(seed);
        double[][] g = new double[steps][n];
        for (double[] row : g) {
            for (int i = 0; i < n; i++) {
                row[i] = r.nextGaussian();
            }
        }
        // A zero gradient with zero momentum: sign(0) = 0, the weight moves by the decay only.
        g[0][0] = 0;
        return g;
    }

    static double[] run(Optimizer opt, Tensor w, double[][] grads) {
        for (double[] g : grads) {
            w.setGrad(Nd4j.createFromArray(g));
            opt.step();
        }
        return w.value().toDoubleVector();
    }

    @Test
    void followsTheFloat64ReferenceOverTwelveStepsWithDecay() {
        double[] w0 = {1.0, -2.0, 0.5, 3.0, -0.25};
        double[][] grads = gradients(12, w0.length, 7);
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(w0));
        Lion lion = Optimizers.lion()
                .learningRate(0.01)
                .beta1(0.8)
                .beta2(0.95)
                .weightDecay(0.1)
                .build(Map.of("w", w));
        assertArrayEquals(reference(w0, grads, 0.01, 0.8, 0.95, 0.1), run(lion, w, grads), 1e-14);
    }

    @Test
    void defaultsAreThePapers() {
        double[] w0 = {0.3, -0.7, 1.1};
        double[][] grads = gradients(5, w0.length, 11);
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(w0));
        Optimizer lion = Optimizers.create("lion", Map.of(), Map.of("w", w));
        assertEquals(
                Map.of("type", "lion", "learning_rate", 1e-4, "beta1", 0.9, "beta2", 0.99, "weight_decay", 0.0),
                lion.config());
        assertArrayEquals(reference(w0, grads, 1e-4, 0.9, 0.99, 0), run(lion, w, grads), 1e-15);
    }

    @Test
    void rebuildsFromItsConfigAndReportsBadKeysWithThePath() {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(1.0, 2.0));
        Optimizer lion = Optimizers.fromConfig(
                Map.of("type", "lion", "learning_rate", 3e-4, "weight_decay", 0.2), Map.of("w", w));
        assertTrue(lion instanceof Lion);
        assertEquals(
                lion.config(),
                Optimizers.fromConfig(lion.config(), Map.of("w", w)).config());
        assertEquals(
                "optimizer.wieght_decay: unknown key; did you mean weight_decay?",
                assertThrows(
                                ConfigurationException.class,
                                () -> Optimizers.create("lion", Map.of("wieght_decay", 0.1), Map.of("w", w)))
                        .getMessage());
        assertEquals(
                "optimizer.beta2: Lion: beta2 must be in [0, 1), was 1.0",
                assertThrows(
                                ConfigurationException.class,
                                () -> Optimizers.create("lion", Map.of("beta2", 1.0), Map.of("w", w)))
                        .getMessage());
        assertTrue(Optimizers.REGISTRY.help().contains("lion"));
    }
}
