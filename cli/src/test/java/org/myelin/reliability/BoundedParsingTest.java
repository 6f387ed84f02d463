package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.myelin.train.JobConfig;

/**
 * Reading is bounded: a config file by its size ({@code /dev/zero} fails at once), every JSON document by the
 * length of its numbers, strings and keys and the depth of its nesting. Parsing a multi-million-digit integer
 * took minutes (quadratic); now a number is refused when its text passes the longest string accepted (Jackson
 * gathers a token's text before it knows its length) or, once read, {@value Json#MAX_NUMBER_LENGTH} characters.
 * The timeouts below only catch a hang (the refusal takes milliseconds); they are not timing claims.
 */
@Tag("reliability")
class BoundedParsingTest {
    static final Duration HANG = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static Map<String, byte[]> model;
    static Map<String, byte[]> checkpoint;

    @BeforeAll
    static void fixtures() throws IOException {
        model = Fixtures.unzip(Fixtures.modelZip(dir));
        checkpoint = Fixtures.unzip(Fixtures.checkpointZip(dir));
    }

    @Test
    void aConfigFromDevZeroFailsAtOnce() {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        Cli r = assertTimeoutPreemptively(HANG, () -> Cli.run("train", "--config", "/dev/zero"));
        assertEquals(1, r.code(), r.toString());
        assertEquals(
                "myelin train: config file /dev/zero is a character device, expected a regular file (reading a"
                        + " pipe or device could block or never end)",
                r.err());
    }

    @Test
    void aConfigLargerThanTheLimitIsRefusedBeforeParsing() throws IOException {
        Path f = dir.resolve("big.json");
        Files.writeString(f, "{\"output\": \"" + "x".repeat(JobConfig.MAX_FILE_BYTES) + "\"}");
        Exception e = assertThrows(IOException.class, () -> JobConfig.readFile(f));
        assertTrue(e.getMessage().contains("config file " + f + " is larger than"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a 10^6-digit number          | number  | value length
            a 10^6-digit fraction        | decimal | value length
            a 1000-digit number          | short   | Number value length (1000) exceeds the maximum allowed (100
            a string of 2^16 + 1 chars   | string  | String value length
            a key of 5000 chars          | key     | Name length
            objects nested 100 deep      | nested  | Document nesting depth
            lists nested 100 deep        | lists   | Document nesting depth
            """)
    void aConfigWithAnOverlongTokenIsRefusedQuickly(String name, String kind, String message) throws IOException {
        Path f = dir.resolve("config-" + kind + ".json");
        Files.writeString(f, hostileJson(kind, 1_000_000));
        long before = allocated();
        Exception e = assertThrows(org.myelin.MyelinException.class, () -> JobConfig.readFile(f));
        long heap = allocated() - before;
        assertTrue(
                e.getMessage().startsWith(f + ": invalid JSON: too large: ")
                        && e.getMessage().contains(message),
                e.getMessage());
        assertTrue(
                e.getMessage().length() < 600,
                "one short line: " + e.getMessage().length() + " characters");
        assertTrue(heap < HostileFilesTest.MAX_ALLOCATION, name + ": allocated " + heap + " bytes");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            model.json     | architecture
            trainer.json   | position
            optimizer.json | steps
            """)
    void aMultiMillionDigitNumberInAModelOrCheckpointIsRefusedQuickly(String entry, String key) throws Exception {
        Map<String, byte[]> entries = entry.equals("model.json") ? model : checkpoint;
        String digits = "9".repeat(3_000_000);
        String text = new String(entries.get(entry), StandardCharsets.UTF_8);
        String hostile =
                text.replaceFirst("\"" + key + "\"\\s*:", "\"" + key + "\" : " + digits + ", \"x" + key + "\" :");
        assertTrue(hostile.length() > digits.length());
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.put(entry, hostile.getBytes(StandardCharsets.US_ASCII));
        Path f = dir.resolve("digits-" + entry + ".zip");
        Files.write(f, Fixtures.zip(m));
        assertTrue(Files.size(f) < 100_000, "a small file: " + Files.size(f));
        Exception e = assertTimeoutPreemptively(
                HANG,
                () -> assertThrows(org.myelin.io.ModelFormatException.class, () -> {
                    if (entries == model) {
                        ModelFile.load(f);
                    } else {
                        Checkpointing.resume(Fixtures.trainer(), f);
                    }
                }));
        assertTrue(
                e.getMessage().contains(f.getFileName() + "!" + entry + ": invalid JSON: too large: ")
                        && e.getMessage().contains("value length"),
                e.getMessage());
    }

    static String hostileJson(String kind, int size) {
        return switch (kind) {
            case "number" -> "{\"training\": {\"epochs\": " + "7".repeat(size) + "}}";
            case "short" -> "{\"training\": {\"epochs\": " + "7".repeat(1000) + "}}";
            case "decimal" -> "{\"optimizer\": {\"learning_rate\": 0." + "1".repeat(size) + "}}";
            case "string" -> "{\"output\": \"" + "x".repeat(Json.MAX_STRING_LENGTH + 1) + "\"}";
            case "key" -> "{\"" + "k".repeat(5000) + "\": 1}";
            case "nested" -> "{\"a\": ".repeat(100) + "1" + "}".repeat(100);
            case "lists" -> "{\"a\": " + "[".repeat(100) + "]".repeat(100) + "}";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
