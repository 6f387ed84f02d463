package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.cli.Main;
import org.myelin.io.DirectoryLock;
import org.myelin.io.Json;
import org.myelin.io.ModelFormatException;
import org.myelin.job.TrainingJob;
import org.myelin.train.Callback;
import org.myelin.train.Checkpointing;
import org.myelin.train.Trainer;

/**
 * A checkpoint resumes only the run that wrote it (its settings and its data, compared in full, every difference
 * listed; a difference is accepted only when asked for and meaningful), and an output directory serves one run at a
 * time (an OS file lock, released however its holder ends).
 */
@Tag("reliability")
class SameRunTest {
    @TempDir
    Path dir;

    /** 200 spiral points in batches of 32: 7 steps per epoch. */
    static Map<String, Object> job(Path out, Map<String, Object> model, Map<String, Object> training) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put(
                "data",
                new LinkedHashMap<>(Map.of("source", "synthetic", "name", "spirals", "samples", 200, "noise", 0.2)));
        c.put("model", new LinkedHashMap<>(model));
        Map<String, Object> t = new LinkedHashMap<>(Map.of("epochs", 1, "batch_size", 32, "seed", 3));
        t.putAll(training);
        c.put("training", t);
        c.put("output", out.toString());
        return c;
    }

    static Map<String, Object> job(Path out) {
        return job(out, Map.of("hidden", List.of(16)), Map.of());
    }

    private TrainingJob.Result run(Map<String, Object> job) throws IOException {
        return new TrainingJob(job).run(OutputSafetyTest.quiet(), false);
    }

    /** Runs {@code job} until step {@code stopAt} and writes its checkpoint there, as SIGTERM does. */
    private static void checkpointAtStep(Map<String, Object> job, long stopAt) throws IOException {
        TrainingJob.Setup s = new TrainingJob(job).setup();
        Callback stopper = new Callback() {
            @Override
            public void onStepEnd(Trainer t, long step, double loss) {
                if (step == stopAt) {
                    t.requestStop();
                }
            }
        };
        Checkpointing saver =
                new Checkpointing(s.output().resolve(TrainingJob.CHECKPOINT_FILE), 1, 0, s.metadata(), s.identity());
        new Trainer(s.model(), s.loss(), s.optimizer(), s.options(), List.of(stopper, saver))
                .fit(s.train(), s.validation());
    }

    private void assertRefused(Map<String, Object> job, String... parts) throws IOException {
        Path checkpoint = Path.of(job.get("output").toString()).resolve(TrainingJob.CHECKPOINT_FILE);
        byte[] before = Files.readAllBytes(checkpoint);
        var e = assertThrows(ModelFormatException.class, () -> run(job));
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(checkpoint), "the checkpoint changed");
    }

    @Test
    void anotherActivationIsRefusedWithTheWholeMessage() throws IOException {
        Path out = dir.resolve("out");
        run(job(out));
        var e = assertThrows(
                ModelFormatException.class,
                () -> run(job(out, Map.of("hidden", List.of(16), "activation", "tanh"), Map.of())));
        assertEquals(
                out.resolve("checkpoint.zip") + ": cannot resume from this checkpoint: it was written by a run"
                        + " with other settings: model.activation is relu in the checkpoint, tanh now. Resume with the same"
                        + " settings, start over with --no-resume (or another output directory), or accept a change with"
                        + " --accept-change KEY[,KEY...] (not allowed for model.*, loss and optimizer.type)",
                e.getMessage());
    }

    @Test
    void everyDifferenceIsListed() throws IOException {
        Path out = dir.resolve("out");
        run(job(out));
        Map<String, Object> other = job(
                out, Map.of("hidden", List.of(16), "dropout", 0.1), Map.of("batch_size", 16, "on_divergence", "skip"));
        other.put("optimizer", Map.of("type", "adam", "learning_rate", 0.002));
        other.put("loss", "mse");
        other.put("regularization", Map.of("l2", 0.001));
        other.put("schedule", Map.of("type", "constant"));
        assertRefused(
                other,
                "model.dropout is 0.0 in the checkpoint, 0.1 now",
                "training.batch_size is 32 in the checkpoint, 16 now",
                "optimizer.learning_rate is 0.001 in the" + " checkpoint, 0.002 now",
                "loss is softmax_cross_entropy in the checkpoint, mse now",
                "regularization.l2 is 0.0 in the checkpoint, 0.001 now",
                "schedule.type is cosine in the checkpoint," + " constant now",
                "training.on_divergence is stop in the checkpoint, skip now",
                "training.divergence_retries is 1 in the checkpoint, 10 now");
    }

    @Test
    void otherDataIsRefusedByItsDigest() throws IOException {
        Path out = dir.resolve("out");
        run(job(out));
        Map<String, Object> other = job(out);
        ((Map<String, Object>) other.get("data")).put("noise", 0.25); // same sizes, other values
        assertRefused(other, "data.train.crc32c is ");
        Map<String, Object> fewer = job(out);
        ((Map<String, Object>) fewer.get("data")).put("limit", 150);
        assertRefused(fewer, "data.train.samples is 200 in the checkpoint, 150 now");
    }

    @Test
    void moreEpochsAreRefusedUnlessAcceptedThenTrainedOn() throws IOException {
        Path out = dir.resolve("out");
        run(job(out));
        assertRefused(
                job(out, Map.of("hidden", List.of(16)), Map.of("epochs", 3)),
                "training.epochs is 1 in the checkpoint, 3 now");
        TrainingJob.Result r =
                run(job(out, Map.of("hidden", List.of(16)), Map.of("epochs", 3, "accept_changes", "training.epochs")));
        assertTrue(r.resumed());
        assertEquals(3, r.history().epochs().size());
        assertEquals(21, r.steps());
    }

    @Test
    void aMisspeltAcceptedKeyIsRefusedByName() throws IOException {
        Path out = dir.resolve("out");
        run(job(out));
        Path checkpoint = out.resolve(TrainingJob.CHECKPOINT_FILE);
        byte[] before = Files.readAllBytes(checkpoint);
        for (String[] c : new String[][] {
            {"trainig.bogus", "'trainig.bogus' is not a setting of this run; expected one of ["},
            {"training.epoch", "'training.epoch' is not a setting of this run; did you mean training.epochs?"}
        }) {
            var e = assertThrows(
                    org.myelin.ConfigurationException.class,
                    () -> run(job(
                            out,
                            Map.of("hidden", List.of(16)),
                            Map.of("epochs", 3, "accept_changes", "training.epochs," + c[0]))));
            assertEquals("training.accept_changes", e.path());
            assertTrue(e.problem().startsWith(c[1]), e.getMessage());
        }
        assertArrayEquals(before, Files.readAllBytes(checkpoint), "the checkpoint changed");
    }

    @Test
    void theBatchSizeCannotChangeInTheMiddleOfAnEpochEvenWhenAccepted() throws IOException {
        Path out = dir.resolve("out");
        checkpointAtStep(job(out, Map.of("hidden", List.of(16)), Map.of("epochs", 2)), 3);
        Map<String, Object> other = job(
                out,
                Map.of("hidden", List.of(16)),
                Map.of("epochs", 2, "batch_size", 64, "accept_changes", "training.batch_size"));
        assertRefused(
                other,
                "it stopped in the middle of an epoch (batch 3 of epoch 1), where the batch size, the"
                        + " seed and the data cannot change",
                "training.batch_size is 32 in the checkpoint, 64 now");
        // The seed also draws the spirals: both differences accepted, both refused mid-epoch.
        assertRefused(
                job(
                        out,
                        Map.of("hidden", List.of(16)),
                        Map.of("epochs", 2, "seed", 4, "accept_changes", "training.seed,data.train.crc32c")),
                "training.seed is 3 in the checkpoint, 4 now; data.train.crc32c is");
        // Resumed as it was, it finishes; at an epoch's start the accepted batch size then applies.
        assertEquals(
                14,
                run(job(out, Map.of("hidden", List.of(16)), Map.of("epochs", 2)))
                        .steps());
        TrainingJob.Result r = run(job(
                out,
                Map.of("hidden", List.of(16)),
                Map.of("epochs", 3, "batch_size", 64, "accept_changes", "training.batch_size,training.epochs")));
        assertEquals(14 + 4, r.steps());
    }

    @Test
    void theTrainerItselfRefusesAnotherBatchSizeMidEpoch() throws IOException {
        // Through the library, without a job's run identity: the position records its batch size.
        Trainer first = Fixtures.trainer(); // batches of 16 from 48 samples: 3 per epoch
        Path f = dir.resolve("checkpoint.zip");
        Checkpointing saver = new Checkpointing(f, 0, 0, Map.of());
        Trainer stopping = new Trainer(
                first.model(),
                org.myelin.train.LossFunction.SOFTMAX_CROSS_ENTROPY,
                first.optimizer(),
                org.myelin.train.TrainingOptions.of(2, 16, 3),
                List.of(
                        new Callback() {
                            @Override
                            public void onStepEnd(Trainer t, long step, double loss) {
                                t.requestStop();
                            }
                        },
                        saver));
        stopping.fit(Fixtures.data(), null);
        var m = Fixtures.model();
        Trainer other = new Trainer(
                m,
                org.myelin.train.LossFunction.SOFTMAX_CROSS_ENTROPY,
                org.myelin.optim.Optimizers.create("adam", Map.of("learning_rate", 0.01), m.namedParameters()),
                org.myelin.train.TrainingOptions.of(2, 8, 3),
                List.of());
        Checkpointing.resume(other, f);
        var e = assertThrows(IllegalArgumentException.class, () -> other.fit(Fixtures.data(), null));
        assertEquals(
                "Trainer: the restored position is batch 1 of epoch 1 in batches of 16, this trainer's batches"
                        + " hold 8; resume with batch size 16 (it can change at an epoch's start)",
                e.getMessage());
        assertEquals(1, other.state().step(), "a step was taken");
    }

    @Test
    void theArchitectureLossAndOptimiserTypeCannotBeAccepted() {
        for (String key : List.of("model.hidden", "loss", "optimizer.type")) {
            var e = assertThrows(
                    org.myelin.ConfigurationException.class,
                    () -> new TrainingJob(job(dir, Map.of("hidden", List.of(16)), Map.of("accept_changes", key)))
                            .setup());
            assertTrue(
                    e.getMessage().startsWith("training.accept_changes: '" + key + "' cannot change when resuming"),
                    e.getMessage());
        }
    }

    @Test
    void theCommandLineOffersTheAcceptOption() throws IOException {
        Path out = dir.resolve("out");
        Path config = Files.writeString(dir.resolve("job.json"), Json.write(job(out)));
        assertEquals(
                0,
                Main.run(
                        new String[] {"train", "--config", config.toString()},
                        OutputSafetyTest.quiet(),
                        OutputSafetyTest.quiet()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(
                1,
                Main.run(
                        new String[] {"train", "--config", config.toString(), "--epochs", "2"},
                        OutputSafetyTest.quiet(),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("training.epochs is 1 in the checkpoint, 2 now"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(
                0,
                Main.run(
                        new String[] {
                            "train",
                            "--config",
                            config.toString(),
                            "--epochs",
                            "2",
                            "--accept-change",
                            "training.epochs"
                        },
                        OutputSafetyTest.quiet(),
                        OutputSafetyTest.quiet()));
        assertTrue(Main.trainHelp().contains("--accept-change"));
    }

    @Test
    void aSecondRunOnALockedDirectoryIsRefusedNamingTheHolder() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        try (DirectoryLock held = DirectoryLock.acquire(out, "output directory")) {
            var e = assertThrows(IOException.class, () -> run(job(out)));
            assertTrue(
                    e.getMessage()
                            .startsWith("output directory " + out + " is in use by another training run (pid "
                                    + ProcessHandle.current().pid() + " on "),
                    e.getMessage());
            assertTrue(
                    e.getMessage().endsWith("; wait for it to end or choose another output directory"), e.getMessage());
        }
        assertEquals(7, run(job(out)).steps()); // released by close
    }

    @Test
    void aLockHeldByAnotherProcessIsReleasedWhenThatProcessIsKilled() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(
                        java, "-Xmx64m", "-cp", classpath, LockHolder.class.getName(), out.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader r =
                    new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null && !line.equals("locked")) {
                // log lines before it
            }
            assertEquals("locked", line, "the lock holder did not start");
            var e = assertThrows(IOException.class, () -> run(job(out)));
            assertTrue(
                    e.getMessage().contains("is in use by another training run (pid " + holder.pid() + " on "),
                    e.getMessage());
        } finally {
            holder.destroyForcibly(); // SIGKILL: no chance to release the lock itself
            holder.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(7, run(job(out)).steps());
    }
}
