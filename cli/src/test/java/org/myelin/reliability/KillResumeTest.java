package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.io.Checkpoint;
import org.myelin.io.Json;
import org.myelin.io.ModelFile;
import org.myelin.job.TrainingJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints survive {@code SIGKILL}: a child JVM runs {@code myelin train} on a small synthetic job that
 * checkpoints every 2 steps, and is killed at random moments, several times; after every kill the checkpoint on
 * disk loads, and the run resumed to the end has bit for bit the weights of an uninterrupted run with the same
 * seed. Each kill waits for a checkpoint at a random step of the remaining run (an observable point, not a time,
 * so the test does not depend on the engine's speed), then for a random part of two steps' time. Bounded by
 * {@code -Dmyelin.kills} (default 4) and {@code -Dmyelin.kill.seconds} (default 75), seeded by
 * {@code -Dmyelin.kill.seed}.
 */
@Tag("reliability")
class KillResumeTest {
    private static final Logger log = LoggerFactory.getLogger(KillResumeTest.class);
    static final int KILLS = Integer.getInteger("myelin.kills", 4);
    static final double SECONDS = Double.parseDouble(System.getProperty("myelin.kill.seconds", "75"));
    static final long SEED = Long.getLong("myelin.kill.seed", 77L);

    @TempDir
    Path dir;

    /** A job with every kind of training state: batch norm buffers, dropout, Adam moments, a cosine schedule. */
    static Map<String, Object> job(Path output, int epochs) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("data", Map.of("source", "synthetic", "name", "spirals", "samples", 400, "noise", 0.2));
        c.put(
                "model",
                Map.of(
                        "hidden",
                        List.of(48, 48),
                        "activation",
                        "relu",
                        "dropout",
                        0.1,
                        "batch_norm",
                        true,
                        "init",
                        "he_normal"));
        c.put("loss", "softmax_cross_entropy");
        c.put("optimizer", Map.of("type", "adam", "learning_rate", 0.01));
        c.put("schedule", Map.of("type", "cosine", "minimum", 0.001));
        c.put("regularization", Map.of("l2", 1e-4, "clip_norm", 5.0));
        c.put(
                "training",
                Map.of(
                        "epochs",
                        epochs,
                        "batch_size",
                        16,
                        "seed",
                        7,
                        "checkpoint_every_steps",
                        2,
                        "checkpoint_every_epochs",
                        1));
        c.put("output", output.toString());
        return c;
    }

    static final int EPOCHS = 4;
    /** 400 samples in batches of 16: 25 steps per epoch. */
    static final long TOTAL_STEPS = EPOCHS * 25L;

    @Test
    void killedRunsLeaveLoadableCheckpointsAndResumeToTheUninterruptedWeights() throws Exception {
        long startNanos = System.nanoTime();
        Path reference = dir.resolve("reference");
        TrainingJob.Result ref =
                new TrainingJob(job(reference, EPOCHS)).run(new PrintStream(OutputStream.nullOutputStream()), false);
        assertEquals(TOTAL_STEPS, ref.history().last().step());
        String expected = Fixtures.weightsDigest(
                ModelFile.load(reference.resolve(TrainingJob.MODEL_FILE)).model());

        Path out = dir.resolve("killed");
        Path config = dir.resolve("job.json");
        Files.writeString(config, Json.write(job(out, EPOCHS)));
        Path checkpoint = out.resolve(TrainingJob.CHECKPOINT_FILE);
        Path childLog = dir.resolve("child.log");
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> kills = new ArrayList<>();
        long deadline = startNanos + (long) (SECONDS * 1e9);
        long stepsDone = 0;
        // Each kill waits for an observable point, a checkpoint on disk at a random step of the remaining run, not
        // for a time: whatever the engine's speed, every kill lands mid-training and the last resume has work left.
        while (kills.size() < KILLS && System.nanoTime() < deadline) {
            long last = TOTAL_STEPS - 8; // leaves steps after the last kill
            long span = Math.max(1, (last - stepsDone) / (KILLS - kills.size()));
            long target = Math.min(last, stepsDone + 1 + random.nextLong(span));
            Process child = start(config, childLog);
            long[] seen = waitForCheckpoint(child, checkpoint, target);
            if (seen == null) {
                child.waitFor(60, TimeUnit.SECONDS);
                throw new AssertionError(
                        "the child ended (" + (child.isAlive() ? "still running" : "exit " + child.exitValue())
                                + ") before its checkpoint reached step " + target
                                + ", where it was to be killed; kills so far: " + kills + "; log:\n" + tail(childLog));
            }
            // A random moment within the next two steps (timed from the child's own pace): the kill may land in a
            // step, between steps or in the middle of writing the next checkpoint.
            long jitterMicros = (long) (random.nextDouble() * 2 * seen[1]);
            TimeUnit.MICROSECONDS.sleep(jitterMicros);
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            child.waitFor();
            Checkpoint.Loaded c = Checkpoint.load(checkpoint); // every checkpoint on disk loads
            long step = ((Number) ((Map<?, ?>) c.trainer().get("position")).get("step")).longValue();
            assertTrue(
                    step >= target && step < TOTAL_STEPS,
                    "killed after step " + target + " was seen, the" + " checkpoint is at step " + step + " of "
                            + TOTAL_STEPS);
            stepsDone = step;
            kills.add("after step " + seen[0] + " + " + jitterMicros + " us: checkpoint step " + step);
            if (Files.exists(out.resolve(TrainingJob.MODEL_FILE))) {
                ModelFile.load(out.resolve(TrainingJob.MODEL_FILE));
            }
        }
        Process child = start(config, childLog);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the resumed run did not finish");
        assertEquals(0, child.exitValue(), "the resumed run failed; see " + tail(childLog));
        log.info("kill and resume: {} kills survived ({})", kills.size(), kills);
        assertTrue(kills.size() >= Math.min(2, KILLS), "too few kills within " + SECONDS + " s: " + kills);
        String actual = Fixtures.weightsDigest(
                ModelFile.load(out.resolve(TrainingJob.MODEL_FILE)).model());
        assertEquals(
                expected,
                actual,
                "weights after " + kills.size() + " kills and resumes differ from the" + " uninterrupted run's; kills: "
                        + kills);
        try (Stream<Path> files = Files.list(out)) {
            List<String> left = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".tmp"))
                    .toList();
            assertTrue(left.isEmpty(), "temporary files left behind: " + left);
        }
    }

    private static Process start(Path config, Path logFile) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(
                java,
                "-Xmx512m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                "org.myelin.cli.Main",
                "train",
                "--config",
                config.toString());
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .start();
    }

    /**
     * Polls the checkpoint until it holds step {@code target} or later while the child runs.
     *
     * @return {the step seen, the child's pace in microseconds per step since its first checkpoint}, or null when
     *         the child ended first
     */
    private static long[] waitForCheckpoint(Process child, Path checkpoint, long target) throws Exception {
        long limit = System.nanoTime() + 120_000_000_000L;
        long initialStep = -1;
        long firstStep = -1;
        long firstNanos = 0;
        java.nio.file.attribute.FileTime seenTime = null;
        for (int poll = 0; System.nanoTime() < limit && child.isAlive(); poll++) {
            java.nio.file.attribute.FileTime t =
                    Files.exists(checkpoint) ? Files.getLastModifiedTime(checkpoint) : null;
            // Read when the file changed, and now and then anyway (file systems with coarse modification times).
            if (t != null && (!t.equals(seenTime) || poll % 16 == 0)) {
                seenTime = t;
                long step = stepOf(checkpoint);
                if (initialStep < 0) {
                    initialStep = step; // the previous child's last checkpoint
                } else if (firstStep < 0 && step > initialStep) {
                    firstStep = step; // this child's first: its pace is timed from here, not from its start-up
                    firstNanos = System.nanoTime();
                }
                if (step >= target) {
                    long pace = firstStep >= 0 && step > firstStep
                            ? (System.nanoTime() - firstNanos) / 1000 / (step - firstStep)
                            : 1000;
                    return new long[] {step, Math.max(1, pace)};
                }
            }
            Thread.sleep(2);
        }
        if (child.isAlive()) {
            throw new AssertionError("no checkpoint at step " + target + " within 120 s");
        }
        return null;
    }

    /** The global step of a checkpoint, from its trainer.json alone (cheaper than loading the whole file). */
    private static long stepOf(Path checkpoint) throws IOException {
        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(checkpoint.toFile())) {
            String text =
                    new String(z.getInputStream(z.getEntry("trainer.json")).readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> trainer = Json.readObject(checkpoint + "!trainer.json", text);
            return ((Number) ((Map<?, ?>) trainer.get("position")).get("step")).longValue();
        }
    }

    private static String tail(Path logFile) throws IOException {
        List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
        return String.join(
                File.separator.equals("/") ? "\n" : "\r\n",
                lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
