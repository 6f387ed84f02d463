package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Tensor;
import org.myelin.config.Registry;
import org.nd4j.linalg.factory.Nd4j;

/** Each typed builder builds the optimiser its config map describes, defaults and checks included. */
class OptimizerBuildersTest {

    static Map<String, Tensor> params() {
        return Map.of("w", Tensor.parameter("w", Nd4j.createFromArray(1.0, 2.0)));
    }

    static Arguments same(Function<Map<String, Tensor>, Optimizer> builder, Map<String, Object> config) {
        return Arguments.of(builder, config);
    }

    static Stream<Arguments> builders() {
        return Stream.of(
                same(p -> Optimizers.sgd().learningRate(0.1).build(p), Map.of("type", "sgd", "learning_rate", 0.1)),
                same(
                        p -> Optimizers.momentum()
                                .learningRate(0.1)
                                .form(Momentum.Form.FRICTION)
                                .r(0.2)
                                .build(p),
                        Map.of("type", "momentum", "learning_rate", 0.1, "form", "friction", "r", 0.2)),
                same(p -> Optimizers.momentum().momentum(0.5).build(p), Map.of("type", "momentum", "momentum", 0.5)),
                same(p -> Optimizers.nesterov().momentum(0.95).build(p), Map.of("type", "nesterov", "momentum", 0.95)),
                same(p -> Optimizers.adagrad().eps(1e-6).build(p), Map.of("type", "adagrad", "eps", 1e-6)),
                same(p -> Optimizers.rmsprop().rho(0.9).build(p), Map.of("type", "rmsprop", "rho", 0.9)),
                same(
                        p -> Optimizers.adadelta().learningRate(0.5).build(p),
                        Map.of("type", "adadelta", "learning_rate", 0.5)),
                same(
                        p -> Optimizers.adam().learningRate(1e-3).beta2(0.99).build(p),
                        Map.of("type", "adam", "learning_rate", 1e-3, "beta2", 0.99)),
                same(
                        p -> Optimizers.adamw().weightDecay(0.05).build(p),
                        Map.of("type", "adamw", "weight_decay", 0.05)));
    }

    @ParameterizedTest
    @MethodSource("builders")
    void aBuilderBuildsWhatItsConfigDescribes(
            Function<Map<String, Tensor>, Optimizer> builder, Map<String, Object> config) {
        Optimizer built = builder.apply(params());
        assertEquals(Optimizers.fromConfig(config, params()).config(), built.config());
    }

    /** Each registered optimiser has a builder method of its name with one setter per key of its record. */
    @Test
    void everyRegisteredOptimizerHasABuilderWithASetterPerKey() throws ReflectiveOperationException {
        for (Registry.Entry<Optimizers.Kind<?>> e : Optimizers.REGISTRY.entries()) {
            Class<?> builder = Optimizers.class.getMethod(e.name()).getReturnType();
            Set<String> setters = new TreeSet<>();
            for (Method m : builder.getDeclaredMethods()) {
                if (Modifier.isPublic(m.getModifiers())) {
                    setters.add(m.getName());
                }
            }
            Set<String> components = new TreeSet<>();
            for (RecordComponent c : e.factory().hyper().getRecordComponents()) {
                components.add(c.getName());
            }
            assertEquals(components, setters, e.name());
        }
    }

    @Test
    void aBuilderChecksLikeTheConfigPath() {
        assertEquals(
                "optimizer.learning_rate: Adam: learning rate must be > 0 and finite, was -1.0",
                assertThrows(
                                ConfigurationException.class,
                                () -> Optimizers.adam().learningRate(-1).build(params()))
                        .getMessage());
        assertEquals(
                Map.of("type", "adamw", "weight_decay", 0.05),
                Optimizers.adamw().weightDecay(0.05).config());
    }
}
