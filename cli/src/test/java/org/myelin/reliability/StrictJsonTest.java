package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.io.Json;
import org.myelin.io.ModelFile;
import org.myelin.train.Checkpointing;

/**
 * Every JSON document the engine reads (job config, {@code model.json}, a checkpoint's {@code optimizer.json} and
 * {@code trainer.json}) must be exactly one object with unique keys: a duplicate key (where the last would win
 * silently), a second object or trailing content is an error naming the document.
 */
@Tag("reliability")
class StrictJsonTest {
    @TempDir
    static Path dir;

    static Map<String, byte[]> model;
    static Map<String, byte[]> checkpoint;

    @BeforeAll
    static void fixtures() throws IOException {
        model = Fixtures.unzip(Fixtures.modelZip(dir));
        checkpoint = Fixtures.unzip(Fixtures.checkpointZip(dir));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            `{"training": {"epochs": 1, "epochs": 3}}`    | Duplicate field 'epochs'
            `{"loss": "mse", "loss": "mse"}`              | Duplicate field 'loss'
            `{"training": {"epochs": 1}} {"output": "x"}` | Trailing token
            `{"training": {"epochs": 1}} garbage`         | invalid JSON
            `{"training": {"epochs": 1}}}`                | invalid JSON
            `[{"training": {"epochs": 1}}]`               | expected a JSON object, found a list
            `"text"`                                      | expected a JSON object, found a string
            `null`                                        | expected a JSON object, found null
            ``                                            | the file is empty; expected a JSON object of the job's settings
            `epoch,loss`                                  | invalid JSON at line 1, column 1: found 'epoch'; expected a JSON object of the job's settings
            """)
    void aConfigThatIsNotOneCleanObjectIsRefusedNamingTheFile(String text, String message) throws IOException {
        Path config = Files.writeString(dir.resolve("job-" + Integer.toHexString(text.hashCode()) + ".json"), text);
        Cli r = Cli.run(
                "train",
                "--config",
                config.toString(),
                "--out",
                dir.resolve("out").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(
                r.oneLineError()
                        && r.err().startsWith("myelin train: " + config + ": ")
                        && r.err().contains(message),
                r + " should name the file and contain " + message);
        assertTrue(!Files.exists(dir.resolve("out")), "nothing was written");
    }

    @Test
    void aCleanConfigStillReads() {
        assertEquals(
                Map.of("training", Map.of("epochs", 3)),
                Json.readObject("config", " {\"training\": {\"epochs\": 3}}\n\n "));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            model.json     | duplicate  | Duplicate field 'format'
            model.json     | trailing   | Trailing token
            model.json     | second     | Trailing token
            optimizer.json | duplicate  | Duplicate field
            trainer.json   | duplicate  | Duplicate field
            trainer.json   | trailing   | Trailing token
            """)
    void aFileEntryThatIsNotOneCleanObjectIsRefused(String entry, String fault, String message) throws Exception {
        Map<String, byte[]> entries = entry.equals("model.json") ? model : checkpoint;
        String text = new String(entries.get(entry), StandardCharsets.UTF_8).strip();
        String hostile = switch (fault) {
            case "duplicate" -> text.replaceFirst("\\{", "{\"" + firstKey(text) + "\" : null, ");
            case "trailing" -> text + " 5";
            default -> text + "\n" + text;
        };
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.put(entry, hostile.getBytes(StandardCharsets.UTF_8));
        Path f = dir.resolve(entry + "-" + fault + ".zip");
        Files.write(f, Fixtures.zip(m));
        Exception e = assertThrows(org.myelin.io.ModelFormatException.class, () -> {
            if (entries == model) {
                ModelFile.load(f);
            } else {
                Checkpointing.resume(Fixtures.trainer(), f);
            }
        });
        assertTrue(
                e.getMessage().contains(f.getFileName() + "!" + entry)
                        && e.getMessage().contains(message),
                e.getMessage());
    }

    private static String firstKey(String json) {
        int start = json.indexOf('"') + 1;
        return json.substring(start, json.indexOf('"', start));
    }
}
