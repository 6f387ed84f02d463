package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** State is inspectable and restorable; configs rebuild the same optimiser. */
class OptimizerStateTest {

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("sgd", Map.of("learning_rate", 0.1)),
                Arguments.of("momentum", Map.of("form", "heavy_ball", "momentum", 0.8)),
                Arguments.of("momentum", Map.of("form", "friction", "r", 0.3)),
                Arguments.of("momentum", Map.of("form", "convex", "beta", 0.7, "learning_rate", 0.5)),
                Arguments.of("nesterov", Map.of("momentum", 0.5)),
                Arguments.of("adagrad", Map.of("eps", 0.1)),
                Arguments.of("rmsprop", Map.of("rho", 0.8, "eps", 0.01)),
                Arguments.of("adadelta", Map.of("rho", 0.8, "eps", 0.01)),
                Arguments.of("adam", Map.of("beta1", 0.8, "beta2", 0.9, "learning_rate", 0.1)),
                Arguments.of("adamw", Map.of("weight_decay", 0.1, "learning_rate", 0.1)));
    }

    static Map<String, Tensor> params(INDArray w, INDArray b) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("fc.weight", Tensor.parameter("fc.weight", w));
        p.put("fc.bias", Tensor.parameter("fc.bias", b));
        return p;
    }

    static void step(Optimizer opt, double scale) {
        for (Tensor t : opt.parameters().values()) {
            INDArray v = t.value();
            // a gradient that depends on the parameter, so that diverging states would give diverging updates
            t.setGrad(v.mul(scale).addi(0.1));
        }
        opt.step();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void restoredStateGivesIdenticalNextUpdate(String name, Map<String, Object> hyper) {
        Map<String, Tensor> pa = params(
                Nd4j.createFromArray(new double[][] {{1, -2, 0.5}, {0.3, 0.7, -1}}),
                Nd4j.createFromArray(0.2, -0.4, 0.6));
        Optimizer a = Optimizers.create(name, hyper, pa);
        step(a, 1.0);
        step(a, -0.5);

        // checkpoint: parameter values, state arrays, step count (copies)
        Map<String, Map<String, INDArray>> saved = new LinkedHashMap<>();
        a.state().forEach((param, slots) -> {
            Map<String, INDArray> copy = new LinkedHashMap<>();
            slots.forEach((slot, arr) -> copy.put(slot, arr.dup()));
            saved.put(param, copy);
        });
        Map<String, Tensor> pb = params(
                pa.get("fc.weight").value().dup(), pa.get("fc.bias").value().dup());
        Optimizer b = Optimizers.fromConfig(a.config(), pb);
        b.restoreState(saved);
        b.setSteps(a.steps());

        step(a, 0.7);
        step(b, 0.7);
        assertEquals(pa.get("fc.weight").value(), pb.get("fc.weight").value());
        assertEquals(pa.get("fc.bias").value(), pb.get("fc.bias").value());
        assertEquals(a.state(), b.state());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("configs")
    void configRoundTripsThroughTheFactory(String name, Map<String, Object> hyper) {
        Map<String, Tensor> p = params(Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.DOUBLE, 3));
        Optimizer opt = Optimizers.create(name, hyper, p);
        assertEquals(name, opt.config().get("type"));
        hyper.forEach((k, v) -> assertEquals(
                v instanceof Number n ? (Object) n.doubleValue() : v,
                opt.config().get(k),
                name + ": " + k));
        assertEquals(opt.config(), Optimizers.fromConfig(opt.config(), p).config());
    }

    @Test
    void stateExposesTheLiveSlotArraysShapedLikeTheParameter() {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(1.0, -2.0));
        Adam adam = new Adam(Map.of("w", w), new Adam.Hyper(0.1, 0.5, 0.75, 1e-8));
        Map<String, INDArray> slots = adam.state().get("w");
        assertEquals(List.of("m", "v"), List.copyOf(slots.keySet()));
        assertEquals(Nd4j.zeros(DataType.DOUBLE, 2), slots.get("m"));
        INDArray m = slots.get("m");
        w.setGrad(Nd4j.createFromArray(0.3, -0.6));
        adam.step();
        assertSame(m, adam.state().get("w").get("m"));
        // m1 = (1 - 0.5) g1, v1 = (1 - 0.75) g1^2
        assertTrue(Nd4j.createFromArray(0.15, -0.3).equalsWithEps(m, 1e-15));
        assertTrue(Nd4j.createFromArray(0.0225, 0.09)
                .equalsWithEps(adam.state().get("w").get("v"), 1e-15));
        assertEquals(1, adam.steps());
        assertThrows(
                UnsupportedOperationException.class, () -> adam.state().get("w").put("x", m));
    }

    @Test
    void stateFollowsTheParameterDataType() {
        Tensor w = Tensor.parameter("w", Nd4j.createFromArray(1f, -2f));
        Adam adam = new Adam(Map.of("w", w), new Adam.Hyper(0.1, 0.5, 0.75, 0.1));
        assertEquals(DataType.FLOAT, adam.state().get("w").get("v").dataType());
        w.setGrad(Nd4j.createFromArray(0.3f, -0.6f));
        adam.step();
        // as TwoStepUpdateTest.adamCorrectsBiasOfBothMoments, in float32
        assertEquals(0.925, w.value().getDouble(0), 1e-6);
        assertEquals(-2 + 0.06 / 0.7, w.value().getDouble(1), 1e-6);
    }

    @Test
    void restoreRejectsMismatchedStateWithoutWritingAnything() {
        Map<String, Tensor> p = params(Nd4j.ones(DataType.DOUBLE, 2, 3), Nd4j.ones(DataType.DOUBLE, 3));
        Adam adam = new Adam(p, Adam.Hyper.defaults());
        Map<String, Map<String, INDArray>> saved = new LinkedHashMap<>();
        saved.put("fc.weight", Map.of("m", Nd4j.ones(DataType.DOUBLE, 2, 3), "v", Nd4j.ones(DataType.DOUBLE, 2, 3)));
        saved.put("fc.bias", Map.of("m", Nd4j.ones(DataType.DOUBLE, 3), "v", Nd4j.ones(DataType.DOUBLE, 4)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.restoreState(saved));
        assertEquals("Adam: saved state for parameter 'fc.bias' slot 'v' has shape [4], expected [3]", e.getMessage());
        assertEquals(
                Nd4j.zeros(DataType.DOUBLE, 2, 3), adam.state().get("fc.weight").get("m"));

        saved.remove("fc.bias");
        e = assertThrows(IllegalArgumentException.class, () -> adam.restoreState(saved));
        assertEquals("Adam: saved state has no entry for parameter 'fc.bias'", e.getMessage());

        saved.put("fc.bias", Map.of("m", Nd4j.ones(DataType.DOUBLE, 3)));
        e = assertThrows(IllegalArgumentException.class, () -> adam.restoreState(saved));
        assertEquals("Adam: saved state for parameter 'fc.bias' has slots [m], expected [m, v]", e.getMessage());

        saved.put("other", Map.of());
        e = assertThrows(IllegalArgumentException.class, () -> adam.restoreState(saved));
        assertEquals(
                "Adam: saved state has unknown parameter 'other', expected one of [fc.weight, fc.bias]",
                e.getMessage());
    }

    @Test
    void restoreRejectsNonFiniteStateWithoutWritingAnything() {
        // A NaN moment was restored as given; the next step made the weights NaN.
        Map<String, Tensor> p = params(Nd4j.ones(DataType.DOUBLE, 2, 3), Nd4j.ones(DataType.DOUBLE, 3));
        Adam adam = new Adam(p, Adam.Hyper.defaults());
        Map<String, Map<String, INDArray>> saved = new LinkedHashMap<>();
        saved.put("fc.weight", Map.of("m", Nd4j.ones(DataType.DOUBLE, 2, 3), "v", Nd4j.ones(DataType.DOUBLE, 2, 3)));
        INDArray v = Nd4j.ones(DataType.DOUBLE, 3);
        v.putScalar(2, Double.POSITIVE_INFINITY);
        saved.put("fc.bias", Map.of("m", Nd4j.ones(DataType.DOUBLE, 3), "v", v));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adam.restoreState(saved));
        assertEquals("Adam: saved state for parameter 'fc.bias' slot 'v': row 2 column 0 is +Infinity", e.getMessage());
        assertEquals(
                Nd4j.zeros(DataType.DOUBLE, 2, 3), adam.state().get("fc.weight").get("m"));
    }

    @Test
    void stepSkipsParametersWithoutGradient() {
        Map<String, Tensor> p = params(Nd4j.ones(DataType.DOUBLE, 2, 3), Nd4j.ones(DataType.DOUBLE, 3));
        Optimizer opt = new Sgd(p, 0.5);
        p.get("fc.bias").setGrad(Nd4j.ones(DataType.DOUBLE, 3));
        opt.step();
        assertEquals(Nd4j.ones(DataType.DOUBLE, 2, 3), p.get("fc.weight").value());
        assertEquals(Nd4j.ones(DataType.DOUBLE, 3).muli(0.5), p.get("fc.bias").value());
        opt.zeroGrad();
        assertEquals(null, p.get("fc.bias").grad());
    }
}
