package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.factory.Nd4j;

/** Learning-rate schedules at chosen steps, computed by hand. */
class ScheduleTest {

    static final double TOL = 1e-15;

    @Test
    void constantRateNeverChanges() {
        LearningRateSchedule s = new ConstantRate(0.1);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.1, s.rate(1_000_000), TOL);
    }

    @Test
    void stepDecayMultipliesByGammaEveryStepSize() {
        LearningRateSchedule s = new StepDecay(0.1, 10, 0.5);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.1, s.rate(9), TOL);
        assertEquals(0.05, s.rate(10), TOL);
        assertEquals(0.025, s.rate(25), TOL);
    }

    @Test
    void exponentialDecayMultipliesByGammaEveryStep() {
        LearningRateSchedule s = new ExponentialDecay(0.1, 0.9);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.09, s.rate(1), TOL);
        assertEquals(0.081, s.rate(2), TOL);
    }

    @Test
    void cosineAnnealsFromInitialToMinimumOverPeriodThenStays() {
        LearningRateSchedule s = new CosineAnnealing(0.1, 0.01, 100);
        assertEquals(0.1, s.rate(0), TOL);
        // 0.01 + 0.09 (1 + cos(pi / 4)) / 2 = 0.01 + 0.045 (1 + 0.7071067811865476)
        assertEquals(0.01 + 0.045 * (1 + Math.sqrt(0.5)), s.rate(25), TOL);
        assertEquals(0.055, s.rate(50), TOL);
        assertEquals(0.01, s.rate(100), TOL);
        assertEquals(0.01, s.rate(500), TOL);
    }

    @Test
    void linearWarmupRisesToTheWrappedScheduleThenHandsOver() {
        LearningRateSchedule s = new LinearWarmup(4, new StepDecay(0.1, 10, 0.5));
        assertEquals(0.025, s.rate(0), TOL);
        assertEquals(0.05, s.rate(1), TOL);
        assertEquals(0.1, s.rate(3), TOL);
        assertEquals(0.1, s.rate(4), TOL); // after(0)
        assertEquals(0.05, s.rate(14), TOL); // after(10)
        assertEquals(new LinearWarmup(4, new ConstantRate(0.2)), new ConstantRate(0.2).withWarmup(4));
    }

    @Test
    void aRateNearTheLargestDoubleDoesNotOverflowToInfinity() {
        // Accepted by every optimiser ("finite and > 0"); the default cosine schedule and a warm-up made it Infinity
        // at the first step, refused by the optimiser after the job had started ("Adam: learning rate must be >= 0
        // and finite, was Infinity").
        double huge = 1e308;
        assertEquals(huge, new CosineAnnealing(huge, 0, 100).rate(0));
        assertEquals(huge / 2, new CosineAnnealing(huge, 0, 100).rate(50), huge * 1e-15);
        assertEquals(huge / 2, new LinearWarmup(4, new ConstantRate(huge)).rate(1));
        assertEquals(huge, new LinearWarmup(4, new CosineAnnealing(huge, 0, 100)).rate(3));
    }

    @Test
    void inverseTimeDecayFollowsOneOverT() {
        LearningRateSchedule s = new InverseTimeDecay(0.1, 1);
        assertEquals(0.1, s.rate(0), TOL);
        assertEquals(0.05, s.rate(1), TOL);
        assertEquals(0.01, s.rate(9), TOL);
        assertEquals(0.05, new InverseTimeDecay(0.1, 0.5).rate(2), TOL);
        assertEquals(0.1, new InverseTimeDecay(0.1, 0).rate(7), TOL);
    }

    @Test
    void schedulesBuiltByNameMatchTheRecords() {
        assertEquals(new StepDecay(0.3, 5, 0.1), Schedules.create("step", Map.of("step_size", 5), 0.3));
        assertEquals(
                new ExponentialDecay(0.2, 0.95),
                Schedules.create("exponential", Map.of("learning_rate", 0.2, "gamma", 0.95), 0.3));
        assertEquals(new CosineAnnealing(0.3, 0.0, 100), Schedules.create("cosine", Map.of("period", 100), 0.3));
        assertEquals(new InverseTimeDecay(0.3, 1), Schedules.create("inverse_time", Map.of(), 0.3));
        assertEquals(new ConstantRate(0.3), Schedules.create("CONSTANT", null, 0.3));
        assertEquals(
                new LinearWarmup(10, new CosineAnnealing(0.1, 0.0, 100)),
                Schedules.create("cosine", Map.of("period", 100, "warmup_steps", 10), 0.1));
    }

    @Test
    void trainerAppliesScheduleThroughSetLearningRate() {
        // SGD on a constant gradient 1 with eta(t) = 0.1 / (1 + t): w = 1 - 0.1 - 0.05 - 0.1 / 3 after 3 steps.
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(1.0));
        Optimizer opt = new Sgd(Map.of("w", w), 0.1);
        LearningRateSchedule s = new InverseTimeDecay(0.1, 1);
        for (long t = 0; t < 3; t++) {
            opt.setLearningRate(s.rate(t));
            w.setGrad(Nd4j.createFromArray(1.0));
            opt.step();
        }
        assertEquals(1 - 0.1 - 0.05 - 0.1 / 3, w.value().getDouble(0), 1e-15);
    }

    @Test
    void cosineAnnealedToZeroIsAnAcceptedRate() {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(1.0));
        Optimizer opt = new Sgd(Map.of("w", w), 0.1);
        opt.setLearningRate(new CosineAnnealing(0.1, 0, 10).rate(10));
        w.setGrad(Nd4j.createFromArray(1.0));
        opt.step();
        assertEquals(1.0, w.value().getDouble(0), 0);
    }
}
