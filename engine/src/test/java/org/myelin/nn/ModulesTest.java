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
                Dense.builder(5, 6)
                        .optDataType(type)
                        .optSeed(seed)
                        .optWeightInit(Inits.heNormal())
                        .optBiasInit(Inits.reluBias())
                        .build(),
                new BatchNorm(6, 1e-4, 0.2, type),
                new ActivationLayer(Activations.leakyRelu(0.05)),
                new Dropout(0.25, seed + 1),
                new Sequential(
                        Dense.builder(6, 4)
                                .optBias(false)
                                .optDataType(type)
                                .optSeed(seed + 2)
                                .build(),
                        new LayerNorm(4, 1e-6, type)),
                new ActivationLayer(Activations.SOFTMAX));
    }

    private static Map<String, Object> json(Map<String, Object> config) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        return mapper.readValue(mapper.writeValueAsString(config), new TypeReference<Map<String, Object>>() {});
    }

    @ParameterizedTest
    @EnumSource(
            value = DataType.class,
            names = {"FLOAT", "DOUBLE"})
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
        assertNotEquals(
                model.forward(Tensor.constant(x)).value(),
                rebuilt.forward(Tensor.constant(x)).value());

        Modules.copyState(model, rebuilt);
        assertEquals(
                model.forward(Tensor.constant(x)).value(),
                rebuilt.forward(Tensor.constant(x)).value());
    }

    @Test
    void configIsJsonWithTypeAndDataType() throws Exception {
        Sequential model = new Sequential(new Dense(2, 3, DataType.DOUBLE, 0), new ActivationLayer(Activations.RELU));
        assertEquals(
                "{\"type\":\"sequential\",\"layers\":[{\"type\":\"dense\",\"in\":2,\"out\":3,\"bias\":true,"
                        + "\"data_type\":\"float64\",\"weight_init\":\"xavier_uniform\",\"bias_init\":\"zeros\"},"
                        + "{\"type\":\"activation\",\"activation\":\"relu\"}]}",
                new ObjectMapper().writeValueAsString(model.config()));
    }

    @Test
    void optionalFieldsTakeTheirDefaults() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "batch_norm");
        c.put("n", 3);
        c.put("data_type", "float32");
        BatchNorm bn = (BatchNorm) Modules.fromConfig(c);
        assertEquals(BatchNorm.DEFAULT_EPS, bn.eps());
        assertEquals(BatchNorm.DEFAULT_MOMENTUM, bn.momentum());
        Map<String, Object> d =
                new LinkedHashMap<>(Map.of("type", "dense", "in", 2, "out", 2.0, "data_type", "float64"));
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
        return assertThrows(org.myelin.ConfigurationException.class, () -> Modules.fromConfig(config))
                .getMessage();
    }

    @Test
    void unknownTypeIsNamedWithTheKnownTypes() throws Exception {
        Map<String, Object> c = twoLayerConfig();
        layer(c, 1).put("type", "conv3d");
        assertEquals("layers[1].type: unknown module type 'conv3d'; did you mean conv2d?", rejection(c));
        assertEquals(
                "type: unknown module type 'lstm'; expected one of " + Modules.TYPES.names(),
                rejection(new LinkedHashMap<>(Map.of("type", "lstm"))));
        assertEquals(
                Set.of(
                        "activation",
                        "batch_norm",
                        "dense",
                        "dropout",
                        "layer_norm",
                        "rms_norm",
                        "sequential",
                        "conv2d",
                        "max_pool2d",
                        "avg_pool2d",
                        "global_avg_pool2d",
                        "flatten"),
                Modules.knownTypes());
    }

    @Test
    @SuppressWarnings("unchecked")
    void missingAndInvalidFieldsAreNamedByPath() throws Exception {
        Map<String, Object> c = twoLayerConfig();
        layer(c, 0).remove("out");
        assertEquals("layers[0].out: missing; expected a positive integer", rejection(c));

        c = twoLayerConfig();
        layer(c, 0).put("in", -3);
        assertEquals("layers[0].in: must be a positive integer, was -3", rejection(c));

        c = twoLayerConfig();
        layer(c, 0).put("in", 2.5);
        assertEquals("layers[0].in: must be a positive integer, was 2.5", rejection(c));

        c = twoLayerConfig();
        layer(c, 1).put("data_type", "int8");
        assertEquals("layers[1].data_type: must be \"float32\" or \"float64\", was \"int8\"", rejection(c));

        c = twoLayerConfig();
        layer(c, 1).remove("type");
        assertEquals("layers[1].type: missing; expected one of " + Modules.knownTypes(), rejection(c));

        c = twoLayerConfig();
        layer(c, 1).put("mommentum", 0.5);
        assertEquals("layers[1].mommentum: unknown key; did you mean momentum?", rejection(c));

        c = twoLayerConfig();
        layer(c, 0).put("weight_init", "orthogonal");
        assertTrue(rejection(c).startsWith("layers[0].weight_init: unknown initialiser 'orthogonal'"), rejection(c));

        c = twoLayerConfig();
        c.put("layers", "dense");
        assertEquals("layers: must be a list, was \"dense\"", rejection(c));

        c = twoLayerConfig();
        ((List<Object>) c.get("layers")).add(7);
        assertEquals("layers[2]: must be an object, was 7", rejection(c));
    }

    @Test
    void invalidHyperParametersInAConfigAreNamedByPath() throws Exception {
        Map<String, Object> c = twoLayerConfig();
        layer(c, 1).put("momentum", 1.5);
        assertEquals("layers[1].momentum: must be in [0.0, 1.0], was 1.5", rejection(c));

        Map<String, Object> nested = json(new Sequential(new Sequential(new Dropout(0.5, 0))).config());
        layer(layer(nested, 0), 0).put("rate", 1.0);
        assertEquals("layers[0].layers[0].rate: must be in [0.0, 1.0), was 1.0", rejection(nested));

        Map<String, Object> act = new LinkedHashMap<>(Map.of("type", "activation", "activation", "swish"));
        assertTrue(rejection(act).startsWith("activation: unknown activation 'swish'"));
    }

    @Test
    void copyStateRefusesMismatchedModels() {
        Dense a = new Dense(3, 2, DataType.FLOAT, 0);
        Dense b = new Dense(3, 4, DataType.FLOAT, 0);
        assertEquals(
                "Modules.copyState: 'weight' is FLOAT[3, 2] in the source, FLOAT[3, 4] in the target",
                assertThrows(IllegalArgumentException.class, () -> Modules.copyState(a, b))
                        .getMessage());
        INDArray before = b.bias().value().dup();
        assertEquals(before, b.bias().value(), "nothing is copied when a check fails");
        Dense noBias = Dense.builder(3, 2).optBias(false).build();
        assertEquals(
                "Modules.copyState: parameter names differ: source has [weight, bias], target has [weight]",
                assertThrows(IllegalArgumentException.class, () -> Modules.copyState(a, noBias))
                        .getMessage());
    }

    @Test
    void registeredTypesCannotBeReplaced() {
        assertEquals(
                "module type 'dense' is already registered",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Modules.TYPES.register(
                                        "dense", "again", LayerType.of(Flatten.Config.class, Flatten::fromConfig)))
                        .getMessage());
        List<String> types = new ArrayList<>(Modules.knownTypes());
        assertEquals(types.stream().sorted().toList(), types);
    }

    /**
     * copyState compares state only (its javadoc): models differing in an activation or a batch norm's eps and
     * momentum are accepted, and the target keeps its own structure; a layer more or less renames the state.
     */
    @Test
    void copyStateCopiesBetweenModelsThatDifferOnlyInStatelessStructure() {
        Sequential relu = new Sequential(
                new Dense(3, 4, DataType.DOUBLE, 1),
                new ActivationLayer(Activations.RELU),
                new BatchNorm(4, 1e-5, 0.1, DataType.DOUBLE),
                new Dense(4, 2, DataType.DOUBLE, 2));
        Sequential tanh = new Sequential(
                new Dense(3, 4, DataType.DOUBLE, 3),
                new ActivationLayer(Activations.TANH),
                new BatchNorm(4, 1e-3, 0.5, DataType.DOUBLE),
                new Dense(4, 2, DataType.DOUBLE, 4));
        Modules.copyState(relu, tanh);
        relu.namedParameters()
                .forEach((k, v) ->
                        assertEquals(v.value(), tanh.namedParameters().get(k).value(), k));
        relu.namedBuffers()
                .forEach((k, v) -> assertEquals(v, tanh.namedBuffers().get(k), k));
        assertEquals(
                "tanh",
                ((List<?>) tanh.config().get("layers"))
                        .stream()
                                .map(l -> ((Map<?, ?>) l).get("activation"))
                                .filter(a -> a != null)
                                .findFirst()
                                .orElseThrow());

        Sequential noActivation = new Sequential(
                new Dense(3, 4, DataType.DOUBLE, 1),
                new BatchNorm(4, DataType.DOUBLE),
                new Dense(4, 2, DataType.DOUBLE, 2));
        String message = assertThrows(IllegalArgumentException.class, () -> Modules.copyState(relu, noActivation))
                .getMessage();
        assertTrue(message.startsWith("Modules.copyState: parameter names differ: "), message);
    }

    @Test
    void aNullLayerIsNamedByItsIndex() {
        // List.copyOf's NullPointerException reached the message as the word "null".
        List<Object> layers = new java.util.ArrayList<>();
        layers.add(Map.of("type", "flatten"));
        layers.add(null);
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "sequential");
        c.put("layers", layers);
        assertEquals("layers[1]: null; expected a layer config (an object with a \"type\")", rejection(c));
    }

    @Test
    void aConfigNestedTooDeeplyIsRefusedByNameNotByAStackOverflow() {
        // 5,000 sequentials, one in the next: a StackOverflowError inside Jackson. 100 still build.
        Map<String, Object> c = Map.of("type", "dense", "in", 2, "out", 2, "data_type", "float32");
        for (int i = 0; i < 100; i++) {
            c = Map.of("type", "sequential", "layers", List.of(c));
        }
        assertEquals(6, Modules.fromConfig(c).parameterCount());
        for (int i = 0; i < 4900; i++) {
            c = Map.of("type", "sequential", "layers", List.of(c));
        }
        assertEquals("nested deeper than 256 levels of objects and lists", rejection(c));
    }
}
