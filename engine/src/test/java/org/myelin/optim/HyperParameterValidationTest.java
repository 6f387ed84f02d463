package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.factory.Nd4j;

/** Every invalid hyper-parameter is rejected with a message naming the owner, the hyper-parameter and the value. */
class HyperParameterValidationTest {

    static Map<String, Tensor> params() {
        return Map.of("w", Tensor.parameter("w", Nd4j.createFromArray(1.0, 2.0)));
    }

    static Arguments bad(String message, Executable construction) {
        return Arguments.of(message, construction);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                bad("Sgd: learning rate must be > 0 and finite, was -0.1", () -> new Sgd.Hyper(-0.1)),
                bad("Sgd: learning rate must be > 0 and finite, was 0.0", () -> new Sgd.Hyper(0.0)),
                bad(
                        "Sgd: learning rate must be > 0 and finite, was Infinity",
                        () -> new Sgd.Hyper(Double.POSITIVE_INFINITY)),
                bad(
                        "Momentum(heavy_ball): momentum must be in [0, 1), was 1.0",
                        () -> new Momentum.Hyper(0.1, Momentum.Form.HEAVY_BALL, 1.0)),
                bad(
                        "Momentum(friction): r must be in (0, 1), was 0.0",
                        () -> new Momentum.Hyper(0.1, Momentum.Form.FRICTION, 0)),
                bad(
                        "Momentum(convex): beta must be in [0, 1), was -0.5",
                        () -> new Momentum.Hyper(0.1, Momentum.Form.CONVEX, -0.5)),
                bad(
                        "Momentum: learning rate must be > 0 and finite, was NaN",
                        () -> new Momentum.Hyper(Double.NaN, Momentum.Form.CONVEX, 0.9)),
                bad(
                        "Momentum: form must be one of heavy_ball, friction, convex, was null",
                        () -> new Momentum.Hyper(0.1, null, 0.9)),
                bad("Nesterov: momentum must be in [0, 1), was 1.5", () -> new Nesterov.Hyper(0.1, 1.5)),
                bad("Adagrad: eps must be > 0 and finite, was -1.0", () -> new Adagrad.Hyper(0.1, -1.0)),
                bad("Adagrad: learning rate must be > 0 and finite, was -1.0", () -> new Adagrad.Hyper(-1.0, 1e-10)),
                bad("RmsProp: rho must be in [0, 1), was 1.0", () -> new RmsProp.Hyper(0.1, 1.0, 1e-8)),
                bad("RmsProp: eps must be > 0 and finite, was 0.0", () -> new RmsProp.Hyper(0.1, 0.9, 0.0)),
                bad("Adadelta: rho must be in [0, 1), was -0.1", () -> new Adadelta.Hyper(1.0, -0.1, 1e-6)),
                bad("Adadelta: eps must be > 0 and finite, was 0.0", () -> new Adadelta.Hyper(1.0, 0.9, 0.0)),
                bad("Adam: beta1 must be in [0, 1), was 1.2", () -> new Adam.Hyper(1e-3, 1.2, 0.999, 1e-8)),
                bad("Adam: beta2 must be in [0, 1), was 1.0", () -> new Adam.Hyper(1e-3, 0.9, 1.0, 1e-8)),
                bad("Adam: eps must be > 0 and finite, was 0.0", () -> new Adam.Hyper(1e-3, 0.9, 0.999, 0.0)),
                bad(
                        "Adam: learning rate must be > 0 and finite, was -0.1",
                        () -> new Adam.Hyper(-0.1, 0.9, 0.999, 1e-8)),
                bad(
                        "AdamW: weight decay must be >= 0 and finite, was -0.01",
                        () -> new AdamW.Hyper(1e-3, 0.9, 0.999, 1e-8, -0.01)),
                bad("AdamW: beta1 must be in [0, 1), was -0.1", () -> new AdamW.Hyper(1e-3, -0.1, 0.999, 1e-8, 0.0)),
                bad(
                        "Sgd: learning rate must be >= 0 and finite, was -0.1",
                        () -> new Sgd(params(), 0.1).setLearningRate(-0.1)),
                bad(
                        "Adam: learning rate must be >= 0 and finite, was NaN",
                        () -> new Adam(params(), Adam.Hyper.defaults()).setLearningRate(Double.NaN)),
                bad("Sgd: hyper-parameters must not be null", () -> new Sgd(params(), (Sgd.Hyper) null)),
                bad("Momentum: hyper-parameters must not be null", () -> new Momentum(params(), null)),
                bad("Nesterov: hyper-parameters must not be null", () -> new Nesterov(params(), null)),
                bad("Adagrad: hyper-parameters must not be null", () -> new Adagrad(params(), null)),
                bad("RmsProp: hyper-parameters must not be null", () -> new RmsProp(params(), null)),
                bad("Adadelta: hyper-parameters must not be null", () -> new Adadelta(params(), null)),
                bad("Adam: hyper-parameters must not be null", () -> new Adam(params(), null)),
                bad("AdamW: hyper-parameters must not be null", () -> new AdamW(params(), null)),
                bad("Lion: hyper-parameters must not be null", () -> new Lion(params(), null)),
                bad("Sgd: steps must be >= 0, was -1", () -> new Sgd(params(), 0.1).setSteps(-1)),
                bad("Sgd: no parameters to optimise", () -> new Sgd(Map.of(), 0.1)),
                bad(
                        "Sgd: parameter 'x' does not require a gradient (create it with Tensor.parameter)",
                        () -> new Sgd(Map.of("x", Tensor.constant(Nd4j.createFromArray(1.0))), 0.1)),
                bad("L2Penalty: lambda must be >= 0 and finite, was -0.1", () -> new L2Penalty(-0.1)),
                bad("L1Penalty: lambda must be >= 0 and finite, was NaN", () -> new L1Penalty(Double.NaN)),
                bad("ClipByValue: clip value must be > 0 and finite, was 0.0", () -> new ClipByValue(0)),
                bad("ClipByGlobalNorm: max norm must be > 0 and finite, was -1.0", () -> new ClipByGlobalNorm(-1)),
                bad("MaxNormConstraint: max norm must be > 0 and finite, was 0.0", () -> new MaxNormConstraint(0)),
                bad("ConstantRate: initial rate must be > 0 and finite, was 0.0", () -> new ConstantRate(0)),
                bad("StepDecay: step size must be >= 1, was 0", () -> new StepDecay(0.1, 0, 0.5)),
                bad("StepDecay: gamma must be in (0, 1], was 1.5", () -> new StepDecay(0.1, 10, 1.5)),
                bad("ExponentialDecay: gamma must be in (0, 1], was 0.0", () -> new ExponentialDecay(0.1, 0)),
                bad("CosineAnnealing: period must be >= 1, was 0", () -> new CosineAnnealing(0.1, 0, 0)),
                bad(
                        "CosineAnnealing: minimum rate must be <= initial rate 0.1, was 0.2",
                        () -> new CosineAnnealing(0.1, 0.2, 10)),
                bad(
                        "LinearWarmup: warm-up steps must be >= 1, was 0",
                        () -> new LinearWarmup(0, new ConstantRate(0.1))),
                bad("InverseTimeDecay: decay must be >= 0 and finite, was -1.0", () -> new InverseTimeDecay(0.1, -1)),
                bad("InverseTimeDecay: step must be >= 0, was -1", () -> new InverseTimeDecay(0.1, 1).rate(-1)));
    }

    /** The same checks reached through a config map: a ConfigurationException naming the key's path. */
    static Stream<Arguments> invalidConfig() {
        return Stream.of(
                bad(
                        "optimizer.type: unknown optimizer 'adamm'; did you mean adam?",
                        () -> Optimizers.create("adamm", Map.of(), params())),
                bad(
                        "optimizer.betta1: unknown key; did you mean beta1?",
                        () -> Optimizers.create("adam", Map.of("betta1", 0.9), params())),
                bad(
                        "optimizer.learning_rate: must be a number, was \"0.1\"",
                        () -> Optimizers.create("adam", Map.of("learning_rate", "0.1"), params())),
                bad(
                        "optimizer.beta1: Adam: beta1 must be in [0, 1), was 1.2",
                        () -> Optimizers.create("adam", Map.of("beta1", 1.2), params())),
                bad(
                        "optimizer.momentum: Momentum: hyper-parameter 'momentum' belongs to form heavy_ball, but form is friction"
                                + " (its coefficient is 'r')",
                        () -> Optimizers.create("momentum", Map.of("form", "friction", "momentum", 0.9), params())),
                bad(
                        "optimizer.form: Momentum: form must be one of heavy_ball, friction, convex, was \"nesterov\"",
                        () -> Optimizers.create("momentum", Map.of("form", "nesterov"), params())),
                bad(
                        "optimizer.type: optimizer missing; expected one of " + Optimizers.NAMES,
                        () -> Optimizers.fromConfig(Map.of(), params())),
                bad(
                        "schedule.type: unknown schedule 'linear'; expected one of [constant, step, exponential, cosine,"
                                + " inverse_time]",
                        () -> Schedules.create("linear", Map.of(), 0.1)),
                bad("schedule.step_size: is required", () -> Schedules.create("step", Map.of(), 0.1)),
                bad("schedule.gamma: is required", () -> Schedules.create("exponential", Map.of(), 0.1)),
                bad(
                        "schedule.warmup_steps: must be an integer, was 2.5",
                        () -> Schedules.create("cosine", Map.of("period", 10, "warmup_steps", 2.5), 0.1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidHyperParameterIsRejectedWithItsName(String message, Executable construction) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construction);
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidConfig")
    void invalidConfigIsRejectedWithItsPath(String message, Executable construction) {
        ConfigurationException e = assertThrows(ConfigurationException.class, construction);
        assertEquals(message, e.getMessage());
    }
}
