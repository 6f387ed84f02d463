package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.cli.Main;
import org.myelin.io.AtomicFiles;
import org.myelin.io.Json;
import org.myelin.io.ModelFile;
import org.myelin.job.TrainingJob;
import org.myelin.plot.LinePlot;
import org.myelin.train.History;

/**
 * Nothing outside the output directory is ever written: every output goes through {@link AtomicFiles}, which
 * refuses a target that is a symbolic link, and a job refuses a link planted at any of its output names before it
 * does any work; an empty or blank output path, or one naming a file, is refused.
 */
@Tag("reliability")
class OutputSafetyTest {
    @TempDir
    Path dir;

    /** A job of a second or so: 2 epochs of a small MLP on 200 spiral points. */
    static Map<String, Object> job(Path output) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", Map.of("source", "synthetic", "name", "spirals", "samples", 200, "noise", 0.2));
        c.put("model", Map.of("hidden", List.of(16)));
        c.put("training", Map.of("epochs", 2, "batch_size", 32, "seed", 3));
        c.put("output", output.toString());
        return c;
    }

    static PrintStream quiet() {
        return new PrintStream(OutputStream.nullOutputStream());
    }

    /** A file outside the output directory, and its content, to check it is never touched. */
    private Path victim() throws IOException {
        Path outside = Files.createDirectories(dir.resolve("outside")).resolve("precious.txt");
        Files.writeString(outside, "keep me");
        return outside;
    }

    @ParameterizedTest
    @ValueSource(strings = {"metrics.csv", "metrics.png", "model.zip", "checkpoint.zip"})
    void aLinkPlantedAtAnOutputNameIsRefusedBeforeAnyWork(String name) throws Exception {
        Path outside = victim();
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createSymbolicLink(out.resolve(name), outside);
        var e = assertThrows(IOException.class, () -> new TrainingJob(job(out)).run(quiet(), false));
        assertEquals(
                out.resolve(name) + " is a symbolic link (to " + outside + "); refusing to write an output"
                        + " through it: remove the link or choose another output directory",
                e.getMessage());
        assertEquals("keep me", Files.readString(outside));
        assertTrue(Files.isSymbolicLink(out.resolve(name)));
        for (String other : TrainingJob.OUTPUTS) {
            if (!other.equals(name)) {
                assertFalse(Files.exists(out.resolve(other)), other + " was written although the run was refused");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"metrics.csv", "metrics.png", "model.zip"})
    void aDirectoryAtAnOutputNameIsRefusedBeforeAnyWork(String name) throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.createDirectories(out.resolve(name));
        var e = assertThrows(IOException.class, () -> new TrainingJob(job(out)).run(quiet(), false));
        assertEquals(out.resolve(name) + " is a directory, expected a file; nothing was written", e.getMessage());
        for (String other : TrainingJob.OUTPUTS) {
            if (!other.equals(name)) {
                assertFalse(Files.exists(out.resolve(other)), other + " was written although the run was refused");
            }
        }
    }

    @Test
    void theAtomicWriterRefusesALinkTarget() throws IOException {
        Path outside = victim();
        Path link = Files.createSymbolicLink(dir.resolve("metrics.csv"), outside);
        var e = assertThrows(IOException.class, () -> AtomicFiles.write(link, o -> o.write(1)));
        assertTrue(e.getMessage().startsWith(link + " is a symbolic link"), e.getMessage());
        assertEquals("keep me", Files.readString(outside));
        assertNoTemporaries(dir);
    }

    @Test
    void aLinkPlantedWhileTheContentIsWrittenIsRefusedAndLeavesNoTemporary() throws IOException {
        Path outside = victim();
        Path target = dir.resolve("model.zip");
        var e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(target, o -> {
                    o.write("new".getBytes(StandardCharsets.UTF_8));
                    Files.createSymbolicLink(target, outside); // another process plants a link mid-write
                }));
        assertTrue(e.getMessage().startsWith(target + " is a symbolic link"), e.getMessage());
        assertEquals("keep me", Files.readString(outside));
        assertNoTemporaries(dir);
    }

    @Test
    void everyPublicWriterGoesThroughTheLinkRefusingWriter() throws Exception {
        Path outside = victim();
        Path csv = Files.createSymbolicLink(dir.resolve("h.csv"), outside);
        assertThrows(IOException.class, () -> new History().writeCsv(csv));
        Path png = Files.createSymbolicLink(dir.resolve("p.png"), outside);
        assertThrows(
                IOException.class,
                () -> LinePlot.titled("t")
                        .series("s", new double[] {0, 1}, new double[] {1, 2})
                        .save(png));
        Path model = Files.createSymbolicLink(dir.resolve("m.zip"), outside);
        assertThrows(IOException.class, () -> ModelFile.save(model, Fixtures.model(), Map.of()));
        Path sim = Files.createDirectories(dir.resolve("sim"));
        Files.createSymbolicLink(sim.resolve("lif_voltage.csv"), outside); // the simulation's CSV table
        assertEquals(
                1,
                Main.run(new String[] {"simulate", "lif", "duration=0.01", "--out", sim.toString()}, quiet(), quiet()));
        assertEquals("keep me", Files.readString(outside));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void anEmptyOutputPathIsRefused(String output) {
        Map<String, Object> c = job(dir);
        c.put("output", output);
        var e = assertThrows(org.myelin.ConfigurationException.class, () -> new TrainingJob(c).setup());
        assertEquals(
                "output: must name a directory, was \"" + output + "\" (write \".\" for the working directory)",
                e.getMessage());
    }

    @Test
    void anEmptyOutOptionIsRefusedOnTheCommandLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"train", "--data", "synthetic:xor", "--out", ""},
                quiet(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals(
                "myelin train: --out must name a directory, was \"\" (write \".\" for the working directory)",
                err.toString(StandardCharsets.UTF_8).strip());
    }

    @Test
    void anOutOptionNamingAFileIsRefusedByTrainAsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("x.csv"), "x");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"train", "--data", "synthetic:xor", "--out", file.toString()},
                quiet(),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals(
                "myelin train: --out must name a directory, " + file + " is an existing file",
                err.toString(StandardCharsets.UTF_8).strip());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void anEmptyOutOptionIsRefusedBySimulateAndExample() {
        for (String[] args : List.of(
                new String[] {"simulate", "lif", "--out", ""}, new String[] {"example", "gates", "--out", " "})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, Main.run(args, quiet(), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(
                    err.toString(StandardCharsets.UTF_8).contains("--out must name a directory, was \""),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void anOutOptionNamingAFileIsRefusedBySimulateAndExampleBeforeTheyRun() throws IOException {
        Path file = Files.writeString(dir.resolve("x.csv"), "x");
        for (String[] args : List.of(
                new String[] {"simulate", "lif", "--out", file.toString()},
                new String[] {"example", "gates", "--out", file.toString()})) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(2, Main.run(args, quiet(), new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertEquals(
                    "myelin " + args[0] + ": --out must name a directory, " + file + " is an existing file",
                    err.toString(StandardCharsets.UTF_8).strip());
            assertEquals("x", Files.readString(file));
        }
    }

    @Test
    void anOutputPathNamingAFileIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        var e = assertThrows(org.myelin.ConfigurationException.class, () -> new TrainingJob(job(file)).setup());
        assertEquals("output: " + file + " exists and is not a directory", e.getMessage());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void aConfigFileJobWritesOnlyInsideItsOutputDirectory() throws Exception {
        Path out = dir.resolve("out");
        Path config = Files.writeString(dir.resolve("job.json"), Json.write(job(out)));
        assertEquals(0, Main.run(new String[] {"train", "--config", config.toString()}, quiet(), quiet()));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(
                    List.of("job.json", "out"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Stream<Path> s = Files.list(out)) {
            assertEquals(
                    List.of(".myelin.lock", "checkpoint.zip", "metrics.csv", "metrics.png", "model.zip"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    static void assertNoTemporaries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> left = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".tmp"))
                    .toList();
            assertTrue(left.isEmpty(), "temporary files left: " + left);
        }
    }
}
