package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.core.type.TypeReference;
import org.nd4j.shade.jackson.databind.ObjectMapper;

class ModulesTest {

    /** A model using every module type, nested. */
    private static Sequential everyLayer(DataType type, long seed) {
        return new Sequential(
                Dense.builder(5, 6).optDataType(type).optSeed(seed).optWeightInit(Inits.heNormal())
                        .optBiasInit(Inits.reluBias()).build(),
                new BatchNorm(6, 1e-4, 0.2, type),
                new ActivationLayer(Activations.leakyRelu(0.05)),
                new Dropout(0.25, seed + 1),
                new Sequential(Dense.builder(6, 4).optBias(false).optDataType(type).optSeed(seed + 2).build(),
                        new LayerNorm(4, 1e-6, type)),
                new ActivationLayer(Activations.SOFTMAX));
    }

    private static Map<String, Object> json(Map<String, Object> config) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        return mapper.readValue(mapper.writeValueAsString(config), new TypeReference<Map<String, Object>>() { });
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void configRoundTripRebuildsTheArchitectureAndAfterCopyingStateTheOutputs(DataType type) throws Exception {
        Sequential model = everyLayer(type, 3);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 7, 5).castTo(type);
        model.forward(Tensor.constant(x)); // moves the running statistics away from their initial values
        model.eval();

        Module rebuilt = Modules.fromConfig(json(model.config()), 99);
        assertEquals(model.config(), rebuilt.config());
        assertEquals(model.namedParameters().keySet(), rebuilt.namedParameters().keySet());
        assertEquals(model.namedBuffers().keySet(), rebuilt.namedBuffers().keySet());
        for (Map.Entry<String, Tensor> e : rebuilt.namedParameters().entrySet()) {
            assertEquals(type, e.getValue().dataType(), e.getKey());
        }
        rebuilt.eval();
        assertNotEquals(model.forward(Tensor.constant(x)).value(), rebuilt.forward(Tensor.constant(x)).value());

        Modules.copyState(model, rebuilt);
        assertEquals(model.forward(Tensor.constant(x)).value(), rebuilt.forward(Tensor.constant(x)).value());
    }

    @Test
    void configIsJsonWithTypeAndDataType() throws Exception {
        Sequential model = new Sequential(new Dense(2, 3, DataType.DOUBLE, 0), new ActivationLayer(Activations.RELU));
        assertEquals("{\"type\":\"sequential\",\"layers\":[{\"type\":\"dense\",\"in\":2,\"out\":3,\"bias\":true,"
                + "\"dataType\":\"float64\",\"weightInit\":\"xavier_uniform\",\"biasInit\":\"zeros\"},"
                + "{\"type\":\"activation\",\"activation\":\"relu\"}]}",
                new ObjectMapper().writeValueAsString(model.config()));
    }

    @Test
    void optionalFieldsTakeTheirDefaults() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "batch_norm");
        c.put("n", 3);
        c.put("dataType", "float32");
        BatchNorm bn = (BatchNorm) Modules.fromConfig(c);
        assertEquals(BatchNorm.DEFAULT_EPS, bn.eps());
        assertEquals(BatchNorm.DEFAULT_MOMENTUM, bn.momentum());
        Map<String, Object> d = new LinkedHashMap<>(Map.of("type", "dense", "in", 2, "out", 2.0, "dataType", "float64"));
        Dense dense = (Dense) Modules.fromConfig(d);
        assertTrue(dense.hasBias());
        assertEquals(Dense.DEFAULT_WEIGHT_INIT, dense.weightInit());
        assertEquals(DataType.DOUBLE, dense.dataType());
    }

    private static Map<String, Object> twoLayerConfig() throws Exception {
        return json(new Sequential(new Dense(4, 3, DataType.FLOAT, 0), new BatchNorm(3, DataType.FLOAT)).config());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> layer(Map<String, Object> config, int i) {
        return ((List<Map<String, Object>>) config.get("layers")).get(i);
    }

    private static String rejection(Map<String, Object> config) {
        return assertThrows(org.myelin.ConfigurationException.class, () -> Modules.fromConfig(config)).getMessage();
    }

    @Test
    void unknownTypeIsNamedWithTheKnownTypes() throws Exception {
        Map<String, Object> c = twoLayerConfig();
        layer(c, 1).put("type", "conv3d");
        assertEquals("Modules.fromConfig: unknown module type 'conv3d' at 'layers.1'; known types: "
                + "[activation, avg_pool2d, batch_norm, conv2d, dense, dropout, flatten, global_avg_pool2d, layer_norm,"
                + " max_pool2d, sequential]", rejection(c));
        assertEquals("Modules.fromConfig: unknown module type 'lstm' at 'config'; known types: "
                + Modules.knownTypes(), rejection(new LinkedHashMap<>(Map.of("type", "lstm"))));
        assertEquals(Set.of("activation", "batch_norm", "dense", "dropout", "layer_norm", "sequential", "conv2d",
                "max_pool2d", "avg_pool2d", "global_avg_pool2d", "flatten"), Modules.knownTypes());
    }

    @Test
    @SuppressWarnings("unchecked")
    void missingAndInvalidFieldsAreNamedByPath() throws Exception {
        Map<String, Object> c = twoLayerConfig();
        layer(c, 0).remove("out");
        assertEquals("Modules.fromConfig: 'layers.0.out' is missing; expected a positive integer", rejection(c));

        c = twoLayerConfig();
        layer(c, 0).put("in", -3);
        assertEquals("Modules.fromConfig: 'layers.0.in' must be a positive integer, was -3", rejection(c));

        c = twoLayerConfig();
        layer(c, 0).put("in", 2.5);
        assertEquals("Modules.fromConfig: 'layers.0.in' must be a positive integer, was 2.5", rejection(c));

        c = twoLayerConfig();
        layer(c, 1).put("dataType", "int8");
        assertEquals("Modules.fromConfig: 'layers.1.dataType' must be \"float32\" or \"float64\", was \"int8\"",
                rejection(c));

        c = twoLayerConfig();
        layer(c, 1).remove("type");
        assertEquals("Modules.fromConfig: 'layers.1.type' is missing; expected one of " + Modules.knownTypes(),
                rejection(c));

        c = twoLayerConfig();
        layer(c, 1).put("mommentum", 0.5);
        assertEquals("Modules.fromConfig: unknown field 'layers.1.mommentum' for module type 'batch_norm'; "
                + "expected fields [type, n, eps, momentum, dataType]", rejection(c));

        c = twoLayerConfig();
        layer(c, 0).put("weightInit", "orthogonal");
        assertTrue(rejection(c).startsWith("Modules.fromConfig: 'layers.0.weightInit': unknown initialiser"));

        c = twoLayerConfig();
        c.put("layers", "dense");
        assertEquals("Modules.fromConfig: 'layers' must be a list of module configs, was \"dense\"", rejection(c));

        c = twoLayerConfig();
        ((List<Object>) c.get("layers")).add(7);
        assertEquals("Modules.fromConfig: 'layers.2' must be a module config (a map with a \"type\"), was 7",
                rejection(c));
    }

    @Test
    void invalidHyperParametersInAConfigAreNamedByPath() throws Exception {
        Map<String, Object> c = twoLayerConfig();
        layer(c, 1).put("momentum", 1.5);
        assertEquals("Modules.fromConfig: 'layers.1' (batch_norm): BatchNorm[3]: momentum must be in [0, 1], was 1.5",
                rejection(c));

        Map<String, Object> nested = json(new Sequential(new Sequential(new Dropout(0.5, 0))).config());
        layer(layer(nested, 0), 0).put("rate", 1.0);
        assertEquals("Modules.fromConfig: 'layers.0.layers.0' (dropout): Dropout: rate must be in [0, 1), was 1.0",
                rejection(nested));

        Map<String, Object> act = new LinkedHashMap<>(Map.of("type", "activation", "activation", "swish"));
        assertTrue(rejection(act).startsWith("Modules.fromConfig: 'activation': unknown activation 'swish'"));
    }

    @Test
    void copyStateRefusesMismatchedModels() {
        Dense a = new Dense(3, 2, DataType.FLOAT, 0);
        Dense b = new Dense(3, 4, DataType.FLOAT, 0);
        assertEquals("Modules.copyState: 'weight' is FLOAT[3, 2] in the source, FLOAT[3, 4] in the target",
                assertThrows(IllegalArgumentException.class, () -> Modules.copyState(a, b)).getMessage());
        INDArray before = b.bias().value().dup();
        assertEquals(before, b.bias().value(), "nothing is copied when a check fails");
        Dense noBias = Dense.builder(3, 2).optBias(false).build();
        assertEquals("Modules.copyState: parameter names differ: source has [weight, bias], target has [weight]",
                assertThrows(IllegalArgumentException.class, () -> Modules.copyState(a, noBias)).getMessage());
    }

    @Test
    void registeredTypesCannotBeReplaced() {
        assertEquals("Modules.register: type 'dense' is already registered", assertThrows(
                IllegalArgumentException.class, () -> Modules.register("dense", (c, s) -> null)).getMessage());
        List<String> types = new ArrayList<>(Modules.knownTypes());
        assertEquals(types.stream().sorted().toList(), types);
    }
}
