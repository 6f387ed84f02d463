package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * CS 489 §14.3 (see docs/notes.md): on an ill-conditioned quadratic, plain gradient descent oscillates across the steep
 * direction and crawls along the shallow one; momentum smooths the trajectory and gets there in fewer steps.
 *
 * <p>{@code E(w) = (w1^2 + 100 w2^2) / 2} from {@code w = [1, 1]}, gradient {@code [w1, 100 w2]}; plain descent
 * at rate 0.015 (stable below 2/100) contracts the shallow direction by only 0.985 per step.
 */
class MomentumConvergenceTest {

    static final double TARGET = 1e-6;
    static final int BUDGET = 5000;

    /** Steps until E(w) < TARGET. */
    static int stepsToTarget(Function<Map<String, Tensor>, Optimizer> make) {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(1.0, 1.0));
        Optimizer opt = make.apply(Map.of("w", w));
        INDArray curvature = Nd4j.createFromArray(1.0, 100.0);
        for (int step = 0; step < BUDGET; step++) {
            INDArray v = w.value();
            double loss = 0.5 * (v.getDouble(0) * v.getDouble(0) + 100 * v.getDouble(1) * v.getDouble(1));
            if (loss < TARGET) {
                return step;
            }
            w.setGrad(v.mul(curvature));
            opt.step();
        }
        return BUDGET;
    }

    static Stream<Arguments> momentumForms() {
        // The same dynamics in the three forms: mu = 0.9 and lr 0.015; r = 1 - mu; kappa (1 - beta) = lr.
        return Stream.of(
                Arguments.of("heavy ball", (Function<Map<String, Tensor>, Optimizer>)
                        p -> new Momentum(p, new Momentum.Hyper(0.015, Momentum.Form.HEAVY_BALL, 0.9))),
                Arguments.of("friction", (Function<Map<String, Tensor>, Optimizer>)
                        p -> new Momentum(p, new Momentum.Hyper(0.015, Momentum.Form.FRICTION, 0.1))),
                Arguments.of("convex", (Function<Map<String, Tensor>, Optimizer>)
                        p -> new Momentum(p, new Momentum.Hyper(0.15, Momentum.Form.CONVEX, 0.9))),
                // Nesterov's form is stable only for lr * 100 < 2 (1 + mu) / (1 + 2 mu) = 1.36 here: rate 0.01.
                Arguments.of("nesterov", (Function<Map<String, Tensor>, Optimizer>)
                        p -> new Nesterov(p, new Nesterov.Hyper(0.01, 0.9))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("momentumForms")
    void momentumReachesTargetInFewerStepsThanPlainDescent(String form, Function<Map<String, Tensor>, Optimizer> make) {
        int plain = stepsToTarget(p -> new Sgd(p, 0.015));
        int momentum = stepsToTarget(make);
        assertTrue(plain < BUDGET, "plain descent did not converge within " + BUDGET + " steps");
        assertTrue(
                momentum * 2 < plain,
                form + " took " + momentum + " steps, plain descent " + plain + "; expected fewer than half");
    }
}
