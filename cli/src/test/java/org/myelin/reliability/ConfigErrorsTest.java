package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.cli.Main;
import org.myelin.io.Json;
import org.myelin.job.TrainingJob;

/** Every invalid hyper-parameter and unknown key of a job config is reported with its path, before training. */
@Tag("reliability")
class ConfigErrorsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"optimizer": {"type": "adam", "learning_rate": -0.1}}    | optimizer.learning_rate: Adam: learning rate must be > 0 and finite, was -0.1
            {"optimizer": {"type": "sgd", "lr": 0.1}}                  | optimizer.lr: unknown key; expected one of [learning_rate]
            {"optimizer": {"type": "momentum", "momentum": 1.5}}       | optimizer.momentum: Momentum(heavy_ball): momentum must be in [0, 1), was 1.5
            {"optimizer": {"type": "adamw", "weight_decay": -1}}       | optimizer.weight_decay: AdamW: weight decay must be >= 0
            {"optimizer": {"type": "nadam"}}                           | optimizer.type: unknown optimizer 'nadam'; did you mean adam?
            {"training": {"epoch": 3}}                                 | training.epoch: unknown key; did you mean epochs?
            {"training": {"batch_size": 0}}                            | training.batch_size: must be >= 1, was 0
            {"training": {"seed": 1.5}}                                | training.seed: must be an integer, was 1.5
            {"training": {"checkpoint_every_steps": -1}}               | training.checkpoint_every_steps: must be >= 0, was -1
            {"training": {"on_divergence": "explode"}}                 | training.on_divergence: must be "stop", "skip" or "rollback", was "explode"
            {"training": {"divergence_rate_factor": 2}}                | training.divergence_rate_factor: must be in (0, 1], was 2.0
            {"training": {"divergence_retries": 0}}                    | training.divergence_retries: must be >= 1, was 0
            {"model": {"dropout": 1.5}}                                | model.dropout: must be in [0, 1), was 1.5
            {"model": {"activation": "relux"}}                         | model.activation: unknown activation 'relux'
            {"model": {"activation": "one_hot"}}                       | model.activation: activation 'one_hot' has no gradient
            {"model": {"layers": [{"type": "dense", "in": 2, "out": 4}, {"type": "activation", "activation": "hardmax"}, {"type": "dense", "in": 4, "out": 2}]}} | model.layers[1].activation: activation 'hardmax' has no gradient
            {"model": {"init": "he_normale"}}                          | model.init: unknown initialiser 'he_normale'
            {"model": {"hidden": [0]}}                                 | model.hidden[0]: must be an integer >= 1, was 0
            {"model": {"data_type": "float16"}}                        | model.data_type: data type must be "float32" or "float64", was "float16"
            {"data": {"source": "synthetic", "name": "moons", "noise": -1}}       | data.noise: must be >= 0, was -1.0
            {"data": {"source": "synthetic", "name": "moons", "test_fraction": 1.5}} | data.test_fraction: must be in [0, 1), was 1.5
            {"data": {"source": "synthetic", "name": "moons", "sampels": 5}}      | data.sampels: unknown key; did you mean samples?
            {"data": {"source": "synthetic", "name": "moons", "samples": 3}}      | data.samples: twoMoons: n must be even and >= 2, was 3
            {"data": {"source": "synthetic", "name": "line"}}          | loss: 'softmax_cross_entropy' takes classes, but the data (synthetic 'line') has real-valued targets; choose a loss for real values ("loss": "mse"; --loss mse)
            {"data": {"source": "synthetic", "name": "xor", "validation_fraction": 1.2}} | data.validation_fraction: must be in [0, 1), was 1.2
            {"data": {"source": "csv"}}                                | data.train: is required
            {"data": {"source": "csv", "train": "t.csv", "label_column": " "}} | data.label_column: must not be blank; leave it out for the last column
            {"data": {"source": "mnist", "cache": " "}}                | data.cache: must not be blank; leave it out for the default cache
            {"data": {"source": "mnist", "dir": ""}}                   | data.dir: must not be blank; leave it out to download MNIST
            {"data": {"source": "hdf5"}}                               | data.source: unknown data source 'hdf5'; expected one of [mnist, csv, synthetic]
            {"regularization": {"l2": -1}}                             | regularization.l2: must be >= 0, was -1.0
            {"regularization": {"clip_norm": "big"}}                   | regularization.clip_norm: must be a number, was "big"
            {"schedule": {"type": "cosinus"}}                          | schedule.type: unknown schedule 'cosinus'; did you mean cosine?
            {"schedule": {"type": "step", "factor": 2}}                | schedule.factor: unknown key; expected one of [gamma, learning_rate, step_size, warmup_steps]
            {"loss": "msee"}                                           | loss: unknown loss 'msee'
            {"foo": 1}                                                 | foo: unknown key; expected one of [data, loss, model, optimizer, output, regularization, schedule, training]
            {"output": 5}                                              | output: must be a string, was 5
            {"data": {"source": "synthetic", "name": "xor", "shift": 2}} | data.shift: shifts images [N, C, H, W], the training data are
            {"data": {"source": "synthetic", "name": "xor", "shift": -1}} | data.shift: must be
            """)
    void anInvalidValueIsReportedWithItsPath(String json, String message) {
        Map<String, Object> raw = new LinkedHashMap<>(Json.readObject("config", json));
        raw.putIfAbsent("data", new LinkedHashMap<>(Map.of("source", "synthetic", "name", "xor")));
        raw.putIfAbsent("output", dir.resolve("out").toString());
        org.myelin.ConfigurationException e = assertThrows(
                org.myelin.ConfigurationException.class,
                () -> new TrainingJob(raw).run(new PrintStream(OutputStream.nullOutputStream()), false));
        assertTrue(e.getMessage().startsWith(message), "'" + e.getMessage() + "' should start with '" + message + "'");
        assertTrue(!Files.exists(dir.resolve("out").resolve(TrainingJob.CHECKPOINT_FILE)), "nothing was trained");
    }

    @Test
    void theCommandLinePrintsTheConfigErrorInOneLineWithExitCodeOne() throws Exception {
        Path config = Files.writeString(
                dir.resolve("job.json"),
                "{\"data\": {\"source\": \"synthetic\", \"name\": \"xor\"}, \"optimizer\": {\"learning_rate\": -0.1}}");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"train", "--config", config.toString(), "--out", dir.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertEquals(
                "myelin train: optimizer.learning_rate: Adam: learning rate must be > 0 and finite, was -0.1",
                err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void aConfigFileThatIsNotJsonNamesTheFile() throws Exception {
        Path config = Files.writeString(dir.resolve("broken.json"), "{\"training\": {\"epochs\": 3,");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"train", "--config", config.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(
                err.toString(StandardCharsets.UTF_8).startsWith("myelin train: " + config + ": invalid JSON"),
                err.toString(StandardCharsets.UTF_8));
    }
}
