package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.ConfigurationException;
import org.myelin.config.Registry;
import org.myelin.config.SharedKeys;
import org.myelin.io.Json;
import org.myelin.optim.Optimizers;
import org.myelin.optim.Schedules;

/**
 * A misspelt key of every config kind fails when the config is read, before any work, with its path and the
 * closest valid key: each section, each data source, each optimiser and each schedule (every key of the last two,
 * generated from their registries, so a new optimiser or schedule is covered when it is registered).
 */
class ConfigKeysTest {

    static String error(Map<String, Object> raw) {
        return assertThrows(ConfigurationException.class, () -> JobConfig.of(raw))
                .getMessage();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"trainig": {}}                                          | trainig: unknown key; did you mean training?
            {"training": {"learning_rate": 0.1}}                     | training.learning_rate: unknown key; expected one of [accept_changes, batch_size, checkpoint_every_epochs, checkpoint_every_steps, divergence_rate_factor, divergence_retries, early_stopping_patience, epochs, on_divergence, resume, seed]
            {"training": {"batchsize": 32}}                          | training.batchsize: unknown key; did you mean batch_size?
            {"regularization": {"clip_nrom": 1}}                     | regularization.clip_nrom: unknown key; did you mean clip_norm?
            {"data": {"source": "mnist", "dri": "x"}}                | data.dri: unknown key; did you mean dir?
            {"data": {"source": "csv", "train": "a.csv", "lable_column": "y"}} | data.lable_column: unknown key; did you mean label_column?
            {"data": {"source": "synthetic", "name": "xor", "sampels": 5}}     | data.sampels: unknown key; did you mean samples?
            {"data": {"source": "synthetic", "name": "xor", "limt": 5}}        | data.limt: unknown key; did you mean limit?
            {"data": {"source": "synthetic", "name": "xro"}}         | data.name: unknown synthetic set 'xro'; did you mean xor?
            {"data": {"source": "mnsit"}}                            | data.source: unknown data source 'mnsit'; did you mean mnist?
            {"loss": "msee"}                                         | loss: unknown loss 'msee'; did you mean mse?
            {"optimizer": {"type": "adma"}}                          | optimizer.type: unknown optimizer 'adma'; did you mean adam?
            {"schedule": {"type": "cosin"}}                          | schedule.type: unknown schedule 'cosin'; did you mean cosine?
            {"model": {"hiden": [4]}}                                | model.hiden: unknown key; did you mean hidden?
            """)
    void aMisspeltKeyOrNameIsNamedWithTheClosestOne(String json, String message) {
        assertEquals(message, error(new LinkedHashMap<>(Json.readObject("config", json))));
    }

    /** {@code learning_rate -> learning_raet}: the last two characters swapped, one edit away from the key only. */
    static String typo(String key) {
        int n = key.length();
        return key.substring(0, n - 2) + key.charAt(n - 1) + key.charAt(n - 2);
    }

    static Stream<Arguments> optimizerKeys() {
        List<Arguments> cases = new ArrayList<>();
        for (Registry.Entry<Optimizers.Kind<?>> e : Optimizers.REGISTRY.entries()) {
            for (String key : SharedKeys.keys(e.factory().hyper())) {
                if (key.length() > 1) {
                    cases.add(Arguments.of(e.name(), key));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("optimizerKeys")
    void everyOptimizerKeyMisspeltIsNamed(String type, String key) {
        Map<String, Object> raw = Map.of("optimizer", Map.of("type", type, typo(key), 0.5));
        assertEquals("optimizer." + typo(key) + ": unknown key; did you mean " + key + "?", error(raw));
    }

    static Stream<Arguments> scheduleKeys() {
        List<Arguments> cases = new ArrayList<>();
        for (Registry.Entry<Schedules.Kind<?>> e : Schedules.REGISTRY.entries()) {
            TreeSet<String> keys = SharedKeys.keys(Schedules.Common.class);
            keys.addAll(SharedKeys.keys(e.factory().keys()));
            for (String key : keys) {
                cases.add(Arguments.of(e.name(), key));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}.{1}")
    @MethodSource("scheduleKeys")
    void everyScheduleKeyMisspeltIsNamed(String type, String key) {
        Map<String, Object> raw = Map.of("schedule", Map.of("type", type, typo(key), 5));
        assertEquals("schedule." + typo(key) + ": unknown key; did you mean " + key + "?", error(raw));
    }
}
