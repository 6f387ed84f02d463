package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.cli.Main;
import org.myelin.io.AtomicFiles;
import org.myelin.io.Checkpoint;
import org.myelin.io.Json;
import org.myelin.train.Callback;
import org.myelin.train.Checkpointing;
import org.myelin.train.DivergenceException;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;

/**
 * A failing checkpoint write (a full disk, an unusable output directory) leaves the previous checkpoint intact and
 * loadable, leaves no temporary file behind, and is reported with the file's name.
 */
@Tag("reliability")
class CheckpointFailureTest {
    @TempDir
    Path dir;

    @Test
    void aWriterThatFailsHalfwayLeavesTheTargetAsItWas() throws IOException {
        Path target = dir.resolve("state.bin");
        Files.write(target, new byte[] {1, 2, 3});
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write(new byte[100_000]);
                    throw new IOException("No space left on device");
                }));
        assertEquals("No space left on device", e.getMessage());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        assertEquals(List.of("state.bin"), names(dir));
    }

    /**
     * A real "disk full" in the middle of a checkpoint: the file-size limit of this very process (RLIMIT_FSIZE,
     * which binds root too) is lowered with {@code prlimit} just before the third checkpoint and restored after.
     * Linux only.
     */
    @Test
    void aDiskFullDuringACheckpointKeepsThePreviousOneAndStopsWithAClearError() throws Exception {
        assumeTrue(prlimitWorks(), "needs Linux prlimit");
        Path file = dir.resolve("checkpoint.zip");
        Checkpointing saver = new Checkpointing(file, 0, 2, Map.of());
        String original = fileSizeLimit();
        Callback fillTheDisk = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (step == 5) {
                    setFileSizeLimit("1024");
                }
            }
        };
        Trainer t = Fixtures.trainer(); // 3 steps per epoch; no mid-epoch checkpoint at an epoch's last step
        Trainer trainer = new Trainer(
                t.model(), t.loss(), t.optimizer(), TrainingOptions.of(4, 16, 3), List.of(fillTheDisk, saver));
        UncheckedIOException e;
        try {
            e = assertThrows(UncheckedIOException.class, () -> trainer.fit(Fixtures.data(), null));
        } finally {
            setFileSizeLimit(original);
        }
        assertTrue(e.getMessage().contains("could not write checkpoint " + file), e.getMessage());
        assertTrue(e.getMessage().contains("the previous one is intact"), e.getMessage());
        assertTrue(e.getMessage().contains("File too large"), e.getMessage());
        assertEquals(8, trainer.state().step(), "the failing write came after step 8");
        Map<?, ?> position = (Map<?, ?>) Checkpoint.load(file).trainer().get("position");
        assertEquals(4, ((Number) position.get("step")).intValue(), "the checkpoint of step 4 is still there");
        assertEquals(List.of("checkpoint.zip"), names(dir), "no temporary file is left");
    }

    @Test
    void aDivergedModelIsNotCheckpointedOverThePreviousOne() throws Exception {
        // A checkpoint of NaN weights replaced the good one, and resuming from it was then refused.
        Path file = dir.resolve("checkpoint.zip");
        Callback diverge = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (step == 2) { // before the checkpoint of step 2
                    t.model().namedParameters().get("0.weight").value().putScalar(new long[] {0, 1}, Float.NaN);
                }
            }
        };
        Trainer t = Fixtures.trainer();
        Trainer trainer = new Trainer(
                t.model(),
                t.loss(),
                t.optimizer(),
                TrainingOptions.of(1, 16, 3),
                List.of(diverge, new Checkpointing(file, 0, 1, Map.of())));
        DivergenceException e = assertThrows(DivergenceException.class, () -> trainer.fit(Fixtures.data(), null));
        assertEquals(
                "could not write checkpoint " + file + " (the previous one is intact) after step 2:"
                        + " Checkpoint.save: parameter"
                        + " '0.weight' holds 1 non-finite value(s) of 24; the first is NaN at [0, 1]; a model file"
                        + " cannot hold them (training diverged?); nothing was written",
                e.getMessage());
        Map<?, ?> position = (Map<?, ?>) Checkpoint.load(file).trainer().get("position");
        assertEquals(1, ((Number) position.get("step")).intValue(), "the checkpoint of step 1 is still there");
        assertEquals(List.of("checkpoint.zip"), names(dir), "no temporary file is left");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCommandLineReportsAFailedCheckpointInOneLine() throws Exception {
        Path out = dir.resolve("run");
        // A directory where the checkpoint should go: every write of it failed at the final rename, after the first
        // epoch; the trainer now refuses the path before its first step.
        Files.createDirectories(out.resolve("checkpoint.zip").resolve("occupied"));
        Path config = dir.resolve("job.json");
        Map<String, Object> job = KillResumeTest.job(out, 1);
        Map<String, Object> training = new java.util.LinkedHashMap<>((Map<String, Object>) job.get("training"));
        training.put("resume", false);
        job.put("training", training);
        Files.writeString(config, Json.write(job));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"train", "--config", config.toString()},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, message);
        assertTrue(
                message.startsWith("myelin train: Trainer: cannot write checkpoints: " + out.resolve("checkpoint.zip")
                        + " is a directory, expected a file; nothing was written"),
                message);
        assertEquals(1, message.strip().lines().count(), "one line, no stack trace: " + message);
        try (Stream<Path> files = Files.list(out)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temporary files left");
        }
    }

    @Test
    void anOutputDirectoryThatCannotBeCreatedIsReportedBeforeTraining() throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
        Path config = dir.resolve("job.json");
        Files.writeString(config, Json.write(KillResumeTest.job(blocker.resolve("run"), 1)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                new String[] {"train", "--config", config.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(
                err.toString(StandardCharsets.UTF_8)
                        .startsWith("myelin train: output directory " + blocker.resolve("run") + " cannot be created"),
                err.toString(StandardCharsets.UTF_8));
        assertFalse(out.toString(StandardCharsets.UTF_8).contains("training MLP"), "no training started");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static boolean prlimitWorks() {
        try {
            return System.getProperty("os.name").startsWith("Linux")
                    && !fileSizeLimit().isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String fileSizeLimit() {
        return prlimit("--fsize", "--output=SOFT", "--noheadings").strip();
    }

    private static void setFileSizeLimit(String soft) {
        prlimit("--fsize=" + soft + ":");
    }

    private static String prlimit(String... args) {
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of(
                    "prlimit", "--pid", String.valueOf(ProcessHandle.current().pid())));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("prlimit failed: " + out);
            }
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
