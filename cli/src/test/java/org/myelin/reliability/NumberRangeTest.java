package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.data.Batches;
import org.myelin.data.Dataset;
import org.myelin.io.Json;
import org.myelin.io.ModelFile;
import org.myelin.job.TrainingJob;
import org.myelin.train.Checkpointing;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;

/**
 * Whole numbers from a config, a model or checkpoint file, an option or the environment are range-checked before
 * they are narrowed: a number too large is an error naming it and the allowed range, never wrapped to a small
 * one (2^64 + 1 is not 1); counts derived from them (batches per epoch) never overflow.
 */
@Tag("reliability")
class NumberRangeTest {
    @TempDir
    static Path dir;

    static Map<String, byte[]> model;
    static Map<String, byte[]> checkpoint;

    @BeforeAll
    static void fixtures() throws IOException {
        model = Fixtures.unzip(Fixtures.modelZip(dir));
        checkpoint = Fixtures.unzip(Fixtures.checkpointZip(dir));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"training": {"epochs": 18446744073709551617}}             | training.epochs: must be an integer in 1..2147483647, was 18446744073709551617
            {"training": {"epochs": 4294967297}}                       | training.epochs: must be an integer in 1..2147483647, was 4294967297
            {"training": {"batch_size": 2147483648}}                   | training.batch_size: must be an integer in 1..2147483647, was 2147483648
            {"training": {"seed": 18446744073709551616}}               | training.seed: must be an integer in -9223372036854775808..9223372036854775807
            {"training": {"seed": 1e300}}                              | training.seed: must be an integer in -9223372036854775808..9223372036854775807
            {"training": {"seed": 1e17}}                               | training.seed: must be an integer written in digits (without a fraction or an exponent) when beyond 2^53, was 1.0E17
            {"training": {"checkpoint_every_steps": -18446744073709551615}} | training.checkpoint_every_steps: must be an integer in 0..2147483647
            {"model": {"hidden": [4294967304]}}                        | model.hidden[0]: must be an integer in 1..2147483647, was 4294967304
            {"data": {"source": "synthetic", "name": "xor", "limit": 18446744073709551617}} | data.limit: must be an integer in 0..2147483647
            {"schedule": {"type": "step", "step_size": 18446744073709551617}} | schedule.step_size: must be an integer in -9223372036854775808..9223372036854775807, was 18446744073709551617
            """)
    void aConfigNumberBeyondItsRangeIsNamedWithTheRange(String json, String message) {
        Map<String, Object> raw = new LinkedHashMap<>(Json.readObject("config", json));
        raw.putIfAbsent("data", new LinkedHashMap<>(Map.of("source", "synthetic", "name", "xor")));
        raw.put("output", dir.resolve("config-out").toString());
        org.myelin.ConfigurationException e = assertThrows(
                org.myelin.ConfigurationException.class,
                () -> new TrainingJob(raw).run(new PrintStream(OutputStream.nullOutputStream()), false));
        assertTrue(e.getMessage().startsWith(message), "'" + e.getMessage() + "' should start with '" + message + "'");
        assertTrue(!Files.exists(dir.resolve("config-out").resolve(TrainingJob.CHECKPOINT_FILE)), "nothing trained");
    }

    @Test
    void theLargestBatchSizeTrainsOneBatchPerEpoch() {
        Cli r = Cli.run(
                "train",
                "--data",
                "synthetic:xor",
                "--epochs",
                "2",
                "--batch-size",
                "2147483647",
                "--hidden",
                "3",
                "--out",
                dir.resolve("big-batch").toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("trained 2 epochs"), r.out());
    }

    @Test
    void batchCountsAndEvaluationDoNotOverflowForTheLargestBatchSize() {
        Dataset d = Fixtures.data();
        assertEquals(1, Batches.of(d, Integer.MAX_VALUE).numBatches());
        assertEquals(1, Batches.of(d, Integer.MAX_VALUE - 1).shuffled(3).numBatches());
        Evaluation e = Evaluation.of(Fixtures.model(), LossFunction.SOFTMAX_CROSS_ENTROPY, d, Integer.MAX_VALUE);
        assertEquals(d.size(), e.samples());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            --epochs     | 4294967297           | --epochs must be an integer in 1..2147483647, was '4294967297'
            --batch-size | 18446744073709551617 | --batch-size must be an integer in 1..2147483647
            --hidden     | 4294967304           | --hidden must be comma-separated sizes in 1..2147483647
            --hidden     | 16,-1                | --hidden must be comma-separated sizes in 1..2147483647
            --epochs     | 0                    | --epochs must be an integer in 1..2147483647, was '0'
            """)
    void anOptionBeyondItsRangeIsAnErrorNamingIt(String option, String value, String message) {
        Cli r = Cli.run(
                "train",
                "--data",
                "synthetic:xor",
                option,
                value,
                "--out",
                dir.resolve("opt").toString());
        assertTrue(r.code() != 0 && r.oneLineError(), r.toString());
        assertTrue(r.err().contains(message), r + " should contain " + message);
    }

    @Test
    void anIdxTrainingSetWithNoImagesIsRefusedBeforeTraining() throws IOException {
        Path mnist = Files.createDirectories(dir.resolve("empty-mnist"));
        Files.write(
                mnist.resolve("train-images-idx3-ubyte"),
                ByteBuffer.allocate(16)
                        .putInt(0x803)
                        .putInt(0)
                        .putInt(28)
                        .putInt(28)
                        .array());
        Files.write(
                mnist.resolve("train-labels-idx1-ubyte"),
                ByteBuffer.allocate(8).putInt(0x801).putInt(0).array());
        Files.write(
                mnist.resolve("t10k-images-idx3-ubyte"),
                ByteBuffer.allocate(16 + 784)
                        .putInt(0x803)
                        .putInt(1)
                        .putInt(28)
                        .putInt(28)
                        .array());
        Files.write(
                mnist.resolve("t10k-labels-idx1-ubyte"),
                ByteBuffer.allocate(9).putInt(0x801).putInt(1).array());
        Cli r = Cli.run(
                "train",
                "--data",
                "mnist:" + mnist,
                "--out",
                dir.resolve("empty-out").toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals("myelin train: data: the training set has no samples", r.err());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            formatVersion 2^32 + 1 | formatVersion             | 4294967297           | formatVersion is 4294967297
            dense out 2^64 + 6     | architecture.layers.0.out | 18446744073709551622 | must be a positive integer, was 18446744073709551622
            shape 2^64 + 4         | parameters.0.shape.0      | 18446744073709551620 | is not a list of sizes
            """)
    void aModelFileNumberBeyondItsRangeIsRefused(String name, String path, String value, String message)
            throws Exception {
        Path f = dir.resolve("model-" + path + ".zip");
        Files.write(f, withJson(model, "model.json", path, value));
        Exception e = assertThrows(org.myelin.io.ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(
                e.getMessage().contains(message)
                        && e.getMessage().contains(f.getFileName().toString()),
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            optimizer.json | steps          | 18446744073709551617 | 'steps' must be an integer in 0..9223372036854775807
            trainer.json   | position.epoch | 18446744073709551617 | 'epoch' must be a whole number >= 0
            trainer.json   | position.step  | 9223372036854775808  | 'step' must be a whole number >= 0
            trainer.json   | position.epoch | 2147483647           | position epoch=2147483647 batch=0 is out of range
            trainer.json   | position.step  | 9223372036854775807  | 'step' must be at most 9007199254740992 (2^53)
            trainer.json   | position.correct | 1000000            | 'correct' must be at most 'samples' = 0
            trainer.json   | position.lossSum | 1e308              | 'lossSum' must be finite (and 0 while 'samples' is 0)
            trainer.json   | position.seconds | -1                 | 'seconds' must be finite and >= 0, was -1.0
            trainer.json   | history.0.epoch  | 2147483647         | history: 'epoch' must be a whole number in 0..2147483646
            trainer.json   | history.0.step   | 2.5                | history: 'step' must be a whole number in 0..9007199254740992
            """)
    void aCheckpointNumberBeyondItsRangeIsRefused(String entry, String path, String value, String message)
            throws Exception {
        Path f = dir.resolve("checkpoint-" + path + ".zip");
        Files.write(f, withJson(checkpoint, entry, path, value));
        Exception e = assertThrows(
                org.myelin.io.ModelFormatException.class, () -> Checkpointing.resume(Fixtures.trainer(), f));
        assertTrue(
                e.getMessage().contains(message)
                        && e.getMessage().contains(f.getFileName().toString()),
                e.getMessage());
    }

    @Test
    void exactLongNeverWrapsOrRounds() {
        assertTrue(
                Json.exactLong(new java.math.BigInteger("18446744073709551617")).isEmpty());
        assertEquals(
                Long.MAX_VALUE,
                Json.exactLong(new java.math.BigInteger(String.valueOf(Long.MAX_VALUE)))
                        .getAsLong());
        assertTrue(Json.exactLong(1e300).isEmpty());
        assertTrue(Json.exactLong(2.5).isEmpty());
        assertEquals(3, Json.exactLong(3.0).getAsLong());
        assertTrue(Json.exactLong("3").isEmpty());
    }

    /** The zip with one JSON value, at a dotted path (list indices as numbers), replaced by a raw JSON number. */
    static byte[] withJson(Map<String, byte[]> entries, String entry, String path, String rawNumber)
            throws IOException {
        String marker = "\"@@REPLACE@@\"";
        Map<String, Object> doc = Json.readObject(entry, new String(entries.get(entry), StandardCharsets.UTF_8));
        Object node = doc;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length - 1; i++) {
            node = node instanceof List<?> l ? l.get(Integer.parseInt(parts[i])) : ((Map<?, ?>) node).get(parts[i]);
        }
        String last = parts[parts.length - 1];
        if (node instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) l;
            list.set(Integer.parseInt(last), "@@REPLACE@@");
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) node;
            map.put(last, "@@REPLACE@@");
        }
        String text = Json.write(doc).replace(marker, rawNumber);
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.put(entry, text.getBytes(StandardCharsets.UTF_8));
        return Fixtures.zip(m);
    }
}
