package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.ConfigurationException;
import org.myelin.io.Json;

/** Every layer type's config: a misspelt key fails with its path and the closest valid key. */
class LayerConfigTest {

    private static String rejection(Map<String, ?> config) {
        return assertThrows(ConfigurationException.class, () -> Modules.fromConfig(config))
                .getMessage();
    }

    private static Map<String, Object> parse(String json) {
        return Json.readObject("test config", json);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            dense             | {"type":"dense","in":2,"out":3,"data_type":"float32","weight_int":"zeros"}        | weight_int: unknown key; did you mean weight_init?
            activation        | {"type":"activation","activaton":"relu"}                                           | activaton: unknown key; did you mean activation?
            dropout           | {"type":"dropout","rat":0.5}                                                       | rat: unknown key; did you mean rate?
            batch_norm        | {"type":"batch_norm","n":3,"data_type":"float32","momentun":0.1}                   | momentun: unknown key; did you mean momentum?
            layer_norm        | {"type":"layer_norm","n":3,"data_type":"float32","esp":0.1}                        | esp: unknown key; did you mean eps?
            sequential        | {"type":"sequential","layer":[]}                                                   | layer: unknown key; did you mean layers?
            conv2d            | {"type":"conv2d","in":1,"out":2,"kernel":3,"data_type":"float32","strid":2}        | strid: unknown key; did you mean stride?
            max_pool2d        | {"type":"max_pool2d","kernal":2}                                                   | kernal: unknown key; did you mean kernel?
            avg_pool2d        | {"type":"avg_pool2d","kernel":2,"paddin":1}                                        | paddin: unknown key; did you mean padding?
            global_avg_pool2d | {"type":"global_avg_pool2d","kernel":2}                                            | kernel: unknown key; expected one of []
            flatten           | {"type":"flatten","axis":1}                                                        | axis: unknown key; expected one of []
            nested            | {"type":"sequential","layers":[{"type":"dropout","rate":0.1},{"type":"dense","in":2,"out":3,"data_type":"float32","bais":false}]} | layers[1].bais: unknown key; did you mean bias?
            """)
    void aMisspeltKeyIsNamedWithItsPathAndTheClosestKey(String type, String json, String message) throws Exception {
        assertEquals(message, rejection(parse(json)));
    }

    /** Every registered type, including ones added later, without a list here to keep up to date. */
    static List<String> registeredTypes() {
        return Modules.TYPES.names();
    }

    @ParameterizedTest
    @MethodSource("registeredTypes")
    void everyRegisteredTypeRejectsAnUnknownKeyBeforeAnythingElse(String type) {
        Map<String, Object> c = new LinkedHashMap<>(Map.of("type", type, "no_such_key", 1));
        String m = rejection(c);
        assertEquals("no_such_key: unknown key", m.substring(0, Math.min(m.length(), 24)), m);
    }

    @Test
    void anUnknownTypeSuggestsTheClosest() throws Exception {
        assertEquals(
                "layers[0].type: unknown module type 'dense2'; did you mean dense?",
                rejection(parse("{\"type\":\"sequential\",\"layers\":[{\"type\":\"dense2\"}]}")));
    }

    @Test
    void anUnknownActivationOrInitialiserSuggestsTheClosest() throws Exception {
        assertEquals(
                "activation: unknown activation 'rleu'; did you mean relu?",
                rejection(parse("{\"type\":\"activation\",\"activation\":\"rleu\"}")));
        assertEquals(
                "layers[0].weight_init: unknown initialiser 'he_normla'; did you mean he_normal?",
                rejection(parse("{\"type\":\"sequential\",\"layers\":[{\"type\":\"dense\",\"in\":1,\"out\":1,"
                        + "\"data_type\":\"float32\",\"weight_init\":\"he_normla\"}]}")));
    }

    @Test
    void legacyCamelCaseKeysReadAsTheirSnakeCaseNames() {
        Map<String, Object> legacy = new LinkedHashMap<>(Map.of(
                "type",
                "dense",
                "in",
                2,
                "out",
                3,
                "dataType",
                "float64",
                "weightInit",
                "he_normal",
                "biasInit",
                "ones"));
        Dense d = (Dense) Modules.fromConfig(legacy);
        assertEquals(
                Map.of(
                        "type",
                        "dense",
                        "in",
                        2L,
                        "out",
                        3L,
                        "bias",
                        true,
                        "data_type",
                        "float64",
                        "weight_init",
                        "he_normal",
                        "bias_init",
                        "constant(1.0)"),
                d.config());
        legacy.put("data_type", "float32");
        assertEquals("data_type: given twice, as data_type and as its old spelling dataType", rejection(legacy));
    }

    @Test
    void registriesGiveNamesAndHelpLines() {
        assertEquals(
                true,
                Modules.TYPES.help().contains("dense              fully connected Z = X W + b"),
                Modules.TYPES.help());
        assertEquals(
                true,
                org.myelin.ops.Activations.NAMES.help().contains("relu        max(0, z)"),
                org.myelin.ops.Activations.NAMES.help());
        assertEquals(true, Inits.NAMES.help().contains("he_normal        N(0, 2/fan_in)"), Inits.NAMES.help());
        assertEquals(
                org.myelin.ops.Activations.leakyRelu(0.2).name(),
                org.myelin.ops.Activations.byName("leaky_relu(0.2)").name());
        assertEquals(
                "init: initialiser 'uniform(1)': uniform takes 2 argument(s), was given 1",
                assertThrows(ConfigurationException.class, () -> Inits.byName("init", "uniform(1)"))
                        .getMessage());
    }
}
