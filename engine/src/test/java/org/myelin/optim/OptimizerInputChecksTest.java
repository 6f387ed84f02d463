package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradients and parameters an optimiser cannot use are refused before anything changes: a float64 gradient of a
 * float32 parameter was read by the update kernels as pairs of floats (Adagrad and RMSprop returned wrong weights
 * without an error), an integer parameter failed inside ND4J after the step counter had moved, and one tensor under
 * two names was updated twice.
 */
class OptimizerInputChecksTest {

    private static final String[] TYPES = {
        "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "lion"
    };

    @ParameterizedTest
    @ValueSource(strings = {"FLOAT", "DOUBLE"})
    void gradientOfAnotherDataTypeIsRefusedBySetGrad(String type) {
        DataType param = DataType.valueOf(type);
        DataType other = param == DataType.FLOAT ? DataType.DOUBLE : DataType.FLOAT;
        Tensor w = Tensor.parameter("b", Nd4j.ones(param, 2, 2));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> w.setGrad(Nd4j.ones(other, 2, 2)));
        assertEquals(
                "setGrad(b[2, 2]): gradient has data type " + other + ", expected " + param + " (the parameter's)",
                e.getMessage());
        assertNull(w.grad());
    }

    @Test
    void everyOptimiserStepsTheSameWithTheRefusedGradientReplaced() {
        // After the refusal a gradient of the right type works as before: the check rejects only the mismatch.
        for (String type : TYPES) {
            Tensor a = Tensor.parameter("a", Nd4j.ones(DataType.FLOAT, 2, 2));
            Tensor b = Tensor.parameter("b", Nd4j.ones(DataType.FLOAT, 2, 2));
            Map<String, Tensor> ps = new LinkedHashMap<>();
            ps.put("a", a);
            ps.put("b", b);
            Optimizer o = Optimizers.create(type, Map.of(), ps);
            a.setGrad(Nd4j.ones(DataType.FLOAT, 2, 2));
            assertThrows(IllegalArgumentException.class, () -> b.setGrad(Nd4j.ones(DataType.DOUBLE, 2, 2)), type);
            b.setGrad(Nd4j.ones(DataType.FLOAT, 2, 2));
            o.step();
            assertEquals(1, o.steps(), type);
            assertArrayEquals(a.value().data().asFloat(), b.value().data().asFloat(), 0f, type);
            assertTrue(a.value().getFloat(0) < 1f, type + " moved against the gradient");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INT", "LONG", "BOOL", "UBYTE"})
    void nonFloatingPointParameterIsRefused(String type) {
        DataType t = DataType.valueOf(type);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> Tensor.parameter("w", Nd4j.zeros(t, 2)));
        assertEquals(
                "Tensor.parameter(w, value): a trainable value must be floating-point (float32 or float64), was " + t,
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.parameter(Nd4j.zeros(t, 2)));
    }

    @Test
    void oneTensorUnderTwoNamesIsRefused() {
        Tensor w = Tensor.parameter(Nd4j.ones(DataType.FLOAT, 3));
        Map<String, Tensor> ps = new LinkedHashMap<>();
        ps.put("a", w);
        ps.put("b", w);
        for (String type : TYPES) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> Optimizers.create(type, Map.of(), ps), type);
            assertTrue(
                    e.getMessage()
                            .endsWith(": parameters 'a' and 'b' are the same tensor; expected each parameter once"),
                    e.getMessage());
        }
    }

    @Test
    void aStepPastTheLargestStepCountIsRefusedWithNothingChanged() {
        // steps++ wrapped to Long.MIN_VALUE: Adam refused inside its update with "step must be >= 1, was
        // -9223372036854775808" and left the count negative; Sgd stepped on with it.
        for (String type : TYPES) {
            Tensor w = Tensor.parameter("w", Nd4j.ones(DataType.FLOAT, 2, 2));
            Optimizer o = Optimizers.create(type, Map.of(), Map.of("w", w));
            o.setSteps(Long.MAX_VALUE);
            w.setGrad(Nd4j.ones(DataType.FLOAT, 2, 2));
            IllegalStateException e = assertThrows(IllegalStateException.class, o::step, type);
            assertEquals(
                    o.getClass().getSimpleName() + ": the step count is at its maximum, 9223372036854775807"
                            + " (setSteps); nothing was updated",
                    e.getMessage());
            assertEquals(Long.MAX_VALUE, o.steps(), type);
            assertArrayEquals(new float[] {1, 1, 1, 1}, w.value().data().asFloat(), 0f, type);
        }
    }
}
