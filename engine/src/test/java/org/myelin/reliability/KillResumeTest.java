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
import org.myelin.train.TrainingJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints survive {@code SIGKILL}: a child JVM runs {@code myelin train} on a small synthetic job that
 * checkpoints every 2 steps, and is killed at random moments, several times; after every kill the checkpoint on
 * disk loads, and the run resumed to the end has bit for bit the weights of an uninterrupted run with the same
 * seed. Bounded by {@code -Dmyelin.kills} (default 4) and {@code -Dmyelin.kill.seconds} (default 75), seeded by
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
        c.put("model", Map.of("hidden", List.of(48, 48), "activation", "relu", "dropout", 0.1, "batch_norm", true,
                "init", "he_normal"));
        c.put("loss", "softmax_cross_entropy");
        c.put("optimizer", Map.of("type", "adam", "learning_rate", 0.01));
        c.put("schedule", Map.of("type", "cosine", "minimum", 0.001));
        c.put("regularization", Map.of("l2", 1e-4, "clip_norm", 5.0));
        c.put("training", Map.of("epochs", epochs, "batch_size", 16, "seed", 7, "checkpoint_every_steps", 2,
                "checkpoint_every_epochs", 1));
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
        TrainingJob.Result ref = new TrainingJob(job(reference, EPOCHS)).run(
                new PrintStream(OutputStream.nullOutputStream()), false);
        assertEquals(TOTAL_STEPS, ref.history().last().step());
        String expected = Fixtures.weightsDigest(ModelFile.load(reference.resolve(TrainingJob.MODEL_FILE)).model());

        Path out = dir.resolve("killed");
        Path config = dir.resolve("job.json");
        Files.writeString(config, Json.write(job(out, EPOCHS)));
        Path checkpoint = out.resolve(TrainingJob.CHECKPOINT_FILE);
        Path childLog = dir.resolve("child.log");
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> kills = new ArrayList<>();
        long deadline = startNanos + (long) (SECONDS * 1e9);
        boolean finished = false;
        long stepsDone = 0;
        double msPerStep = 25; // refined from the child's own pace after each kill
        while (kills.size() < KILLS && stepsDone < TOTAL_STEPS && System.nanoTime() < deadline && !finished) {
            Process child = start(config, childLog);
            waitForTraining(child, childLog);
            // A random moment of the training proper, in a window of about twice the child's remaining time
            // shared among the kills still to come: kills spread over the run, the last resume has work left.
            double window = (TOTAL_STEPS - stepsDone) * msPerStep * 2 / (KILLS - kills.size() + 1);
            long delay = (long) (random.nextDouble() * window);
            if (child.waitFor(delay, TimeUnit.MILLISECONDS)) {
                finished = true;
                assertEquals(0, child.exitValue(), "child failed; see " + tail(childLog));
                break;
            }
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            child.waitFor();
            String state = "none";
            if (Files.exists(checkpoint)) {
                Checkpoint.Loaded c = Checkpoint.load(checkpoint); // every checkpoint on disk loads
                long step = ((Number) ((Map<?, ?>) c.trainer().get("position")).get("step")).longValue();
                if (step > stepsDone && delay > 0) {
                    msPerStep = Math.max(1, Math.min(msPerStep, (double) delay / (step - stepsDone)));
                }
                stepsDone = step;
                state = "step " + step;
            }
            kills.add("after " + delay + " ms: checkpoint " + state);
            if (Files.exists(out.resolve(TrainingJob.MODEL_FILE))) {
                ModelFile.load(out.resolve(TrainingJob.MODEL_FILE));
            }
        }
        if (!finished) {
            Process child = start(config, childLog);
            assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the resumed run did not finish");
            assertEquals(0, child.exitValue(), "the resumed run failed; see " + tail(childLog));
        }
        log.info("kill and resume: {} kills survived ({})", kills.size(), kills);
        long midTraining = kills.stream().filter(k -> !k.endsWith("step " + TOTAL_STEPS)).count();
        assertTrue(midTraining >= Math.min(2, KILLS), "too few kills landed mid-training: " + kills);
        String actual = Fixtures.weightsDigest(ModelFile.load(out.resolve(TrainingJob.MODEL_FILE)).model());
        assertEquals(expected, actual, "weights after " + kills.size() + " kills and resumes differ from the"
                + " uninterrupted run's; kills: " + kills);
        try (Stream<Path> files = Files.list(out)) {
            List<String> left = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList();
            assertTrue(left.isEmpty(), "temporary files left behind: " + left);
        }
    }

    private static Process start(Path config, Path logFile) throws IOException {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", classpath, "org.myelin.cli.Main", "train", "--config", config.toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
    }

    /** Waits until the child has printed the line that starts its training loop. */
    private static void waitForTraining(Process child, Path logFile) throws Exception {
        long limit = System.nanoTime() + 60_000_000_000L;
        long seen = Files.exists(logFile) ? count(logFile) : 0;
        while (System.nanoTime() < limit && child.isAlive()) {
            if (count(logFile) > seen) {
                return;
            }
            Thread.sleep(20);
        }
    }

    private static long count(Path logFile) throws IOException {
        if (!Files.exists(logFile)) {
            return 0;
        }
        return Files.readAllLines(logFile, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("training MLP")).count();
    }

    private static String tail(Path logFile) throws IOException {
        List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
        return String.join(File.separator.equals("/") ? "\n" : "\r\n",
                lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
