package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Tensor;
import org.myelin.io.Json;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Optimiser configs written before the optimisers became registry entries (a committed fixture) still build the
 * same optimiser, which writes the same config back.
 */
class OptimizerConfigFixtureTest {

    @SuppressWarnings("unchecked")
    static Stream<Map<String, Object>> configs() throws IOException {
        try (InputStream in =
                OptimizerConfigFixtureTest.class.getResourceAsStream("optimizer-configs-before-registry.json")) {
            Map<String, Object> fixture =
                    Json.readObject("fixture", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return ((List<Map<String, Object>>) fixture.get("configs")).stream();
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void aConfigWrittenBeforeTheRegistryBuildsTheSameOptimizer(Map<String, Object> config) {
        Map<String, Tensor> p = Map.of("w", Tensor.parameter("w", Nd4j.createFromArray(1.0, 2.0)));
        assertEquals(config, Optimizers.fromConfig(config, p).config());
    }
}
