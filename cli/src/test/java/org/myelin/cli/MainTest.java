package org.myelin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.job.TrainingJob;
import org.myelin.train.JobConfig;

class MainTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void infoReportsBackendBlasAndKernelPath() {
        Run r = run("info");
        assertEquals(0, r.code());
        for (String key : new String[] {"backend:", "blas:", "blas threads:", "native kernels:", "OMP_WAIT_POLICY:"}) {
            assertTrue(r.out().contains(key), key + " missing in\n" + r.out());
        }
        // The GPU comes first, from the driver alone: a device, or none found with the reason.
        String gpu = r.out().lines().findFirst().orElse("");
        assertTrue(
                gpu.matches("gpu: +(none found \\(.+\\)|.+, compute capability \\d+\\.\\d+, .+ GiB, driver .+)"), gpu);
    }

    @Test
    void trainOnSyntheticDataWritesModelMetricsAndPlotThenEvalReadsTheModel(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Path data = dir.resolve("moons.csv");
        StringBuilder csv = new StringBuilder("x1,x2,label\n");
        var moons = org.myelin.data.Synthetic.twoMoons(200, 0.1, 3);
        for (int i = 0; i < moons.size(); i++) {
            csv.append(moons.features().getDouble(i, 0))
                    .append(',')
                    .append(moons.features().getDouble(i, 1))
                    .append(',')
                    .append(moons.labels()[i])
                    .append('\n');
        }
        Files.writeString(data, csv);
        Run r = run(
                "train",
                "--data",
                "synthetic:moons",
                "--hidden",
                "16",
                "--epochs",
                "5",
                "--batch-size",
                "20",
                "--lr",
                "0.02",
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"model.zip", "metrics.csv", "metrics.png", "checkpoint.zip"}) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        assertEquals(6, Files.readAllLines(out.resolve("metrics.csv")).size(), "header + 5 epochs");
        Run e = run(
                "eval",
                out.resolve("model.zip").toString(),
                "--data",
                "csv:" + data,
                "--label-column",
                "label",
                "--classes",
                "2");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("accuracy"), e.out());
    }

    @Test
    void sigtermHookBeforeTheFirstStepStopsTheJobWithACheckpoint(@TempDir Path dir) throws Exception {
        Map<String, Object> raw = new LinkedHashMap<>();
        JobConfig.put(raw, "data.source", "synthetic");
        JobConfig.put(raw, "data.name", "moons");
        JobConfig.put(raw, "model.hidden", List.of(4));
        raw.put("output", dir.toString());
        TrainingJob job = new TrainingJob(raw);
        CountDownLatch finished = new CountDownLatch(1);
        finished.countDown(); // the hook must not wait here: the job has not started
        TrainCommand.stopAndWait(job, finished); // what SIGTERM runs while the job is still loading its data

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TrainingJob.Result r = job.run(out, false);
        TrainCommand.summarize(r, out);
        assertFalse(r.completed());
        assertTrue(r.history().isEmpty(), "no epoch should have run");
        assertTrue(Files.size(dir.resolve(TrainingJob.CHECKPOINT_FILE)) > 100);
        assertTrue(
                bytes.toString(StandardCharsets.UTF_8).contains("stopped early at step 0"),
                bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void sigtermHookWhileTheDataLoadsDoesNotWaitOutTheGracePeriod(@TempDir Path dir) {
        Map<String, Object> raw = new LinkedHashMap<>();
        JobConfig.put(raw, "data.source", "synthetic");
        JobConfig.put(raw, "data.name", "moons");
        JobConfig.put(raw, "model.hidden", List.of(4));
        raw.put("output", dir.toString());
        TrainingJob job = new TrainingJob(raw);
        CountDownLatch finished = new CountDownLatch(1); // never counted down: the job is stuck before training
        long start = System.nanoTime();
        TrainCommand.stopAndWait(job, finished);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds < 10, "the hook waited " + seconds + " s for a job that had not started training");
    }

    @Test
    void invalidHyperParameterIsReportedWithItsPath(@TempDir Path dir) throws IOException {
        // From an option: a usage error naming the option.
        Run r = run("train", "--data", "synthetic:xor", "--lr", "-0.1", "--out", dir.toString());
        assertEquals(2, r.code());
        assertEquals(
                "myelin train: --lr must be a finite number > 0, was '-0.1'",
                r.err().strip());
        // From a config file: the job's config refuses it, naming the key.
        Path cfg = dir.resolve("job.json");
        Files.writeString(
                cfg,
                "{\"data\":{\"source\":\"synthetic\",\"name\":\"xor\"},\"optimizer\":{\"learning_rate\":-0.1},"
                        + "\"output\":\"" + dir.resolve("out").toString().replace("\\", "/") + "\"}");
        Run c = run("train", "--config", cfg.toString());
        assertEquals(1, c.code(), c.err());
        assertTrue(c.err().contains("optimizer") && c.err().contains("-0.1"), c.err());
    }

    @Test
    void unknownConfigKeyIsAnError(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("job.json");
        Files.writeString(
                cfg,
                "{\"training\": {\"epochs\": 1, \"batchsize\": 3}, \"data\": {\"source\": \"synthetic\", \"name\": \"xor\"}}");
        Run r = run(
                "train", "--config", cfg.toString(), "--out", dir.resolve("o").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("training.batchsize: unknown key"), r.err());
    }

    @Test
    void unknownCommandAndOptionGiveUsageErrors() {
        assertEquals(2, run("frobnicate").code());
        Run r = run("train", "--epoch", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown option --epoch"), r.err());
    }

    @Test
    void simulateWritesPlotsForAScenario(@TempDir Path dir) throws Exception {
        Run r = run("simulate", "lif", "--out", dir.toString(), "duration=0.3");
        assertEquals(0, r.code(), r.err());
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.toString().endsWith(".png")), "a PNG was written");
        }
        Run bad = run("simulate", "lif", "--out", dir.toString(), "vin=2");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("unknown setting 'vin'"), bad.err());
    }
}
