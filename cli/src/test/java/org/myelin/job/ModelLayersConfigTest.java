package org.myelin.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.ConfigurationException;
import org.myelin.nn.RmsNorm;
import org.myelin.nn.Sequential;
import org.myelin.train.ModelSpec;
import org.nd4j.linalg.api.buffer.DataType;

/** The job config's model section as a list of layers: the job's data type, and typos named by their full path. */
class ModelLayersConfigTest {
    @TempDir
    Path dir;

    private Map<String, Object> job(List<Object> layers) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", Map.of("source", "synthetic", "name", "xor"));
        c.put("model", Map.of("layers", layers, "data_type", "float64"));
        c.put("training", Map.of("epochs", 1));
        c.put("output", dir.resolve("run").toString());
        return c;
    }

    @Test
    void everyLayerWithParametersTakesTheJobsDataType() throws Exception {
        Sequential model = (Sequential) new TrainingJob(job(List.of(
                        Map.of("type", "dense", "in", 2, "out", 4),
                        Map.of("type", "rms_norm", "n", 4),
                        Map.of("type", "activation", "activation", "tanh"),
                        Map.of("type", "dense", "in", 4, "out", 2))))
                .setup()
                .model();
        assertEquals(DataType.DOUBLE, ((RmsNorm) model.get(1)).gain().dataType());
    }

    @Test
    void aMisspeltLayerKeyIsNamedWithItsFullPath() {
        var e = assertThrows(
                ConfigurationException.class,
                () -> new TrainingJob(job(List.of(
                                Map.of("type", "dense", "in", 2, "out", 4),
                                Map.of("type", "dense", "in", 4, "out", 2, "bais", false))))
                        .setup());
        assertEquals("model.layers[1].bais: unknown key; did you mean bias?", e.getMessage());
        var t = assertThrows(
                ConfigurationException.class,
                () -> new TrainingJob(job(
                                List.of(Map.of("type", "dense", "in", 2, "out", 4), Map.of("type", "rmsnorm", "n", 4))))
                        .setup());
        assertEquals("model.layers[1].type: unknown module type 'rmsnorm'; did you mean rms_norm?", t.getMessage());
    }

    @Test
    void aNullLayerIsNamedWithItsFullPath() {
        // List.copyOf's NullPointerException: "model: null" ("model: java.lang.NullPointerException").
        List<Object> layers = new java.util.ArrayList<>();
        layers.add(Map.of("type", "dense", "in", 2, "out", 2));
        layers.add(null);
        var e = assertThrows(ConfigurationException.class, () -> new TrainingJob(job(layers)).setup());
        assertEquals("model.layers[1]: null; expected a layer config (an object with a \"type\")", e.getMessage());
    }

    @Test
    void aMisspeltModelKeyIsNamedWithTheClosestKey() {
        assertEquals(
                "model.hiden: unknown key; did you mean hidden?",
                assertThrows(ConfigurationException.class, () -> ModelSpec.of(Map.of("hiden", List.of(4))))
                        .getMessage());
        assertEquals(
                "model.batchnorm: unknown key; did you mean batch_norm?",
                assertThrows(ConfigurationException.class, () -> ModelSpec.of(Map.of("batchnorm", true)))
                        .getMessage());
        assertEquals(
                "model.activation: unknown activation 'rleu'; did you mean relu?",
                assertThrows(ConfigurationException.class, () -> ModelSpec.of(Map.of("activation", "rleu")))
                        .getMessage());
    }

    @Test
    void presetsKeepTheirDefaultsAndRefuseOtherPresetsKeys() {
        ModelSpec mlp = ModelSpec.of(null);
        assertEquals(
                new ModelSpec("mlp", List.<Number>of(512, 256), "relu", "he_normal", 0.0, false, "float32", null), mlp);
        assertEquals(
                "layers",
                ModelSpec.of(Map.of("layers", List.of(Map.of("type", "flatten"))))
                        .architecture());
        assertEquals(
                "model.dropout: unknown key for architecture \"cnn\" (it is an mlp setting)",
                assertThrows(
                                ConfigurationException.class,
                                () -> ModelSpec.of(Map.of("architecture", "cnn", "dropout", 0.1)))
                        .getMessage());
    }
}
