package org.myelin.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code myelin train --spark MASTER ...} end to end on local[2]: options parsed, model trained and written. */
class SparkTrainMainTest {
    @TempDir
    Path out;

    @Test
    void trainsASyntheticJobOnLocalSparkAndWritesTheModelAndCheckpoint() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = SparkTrainMain.run(new String[] {"train", "--spark", "local[2]", "--partitions", "2",
            "--local-steps", "4", "--data", "synthetic:moons", "--epochs", "3", "--batch-size", "32", "--hidden",
            "16", "--lr", "0.01", "--checkpoint-rounds", "2", "--out", out.toString()},
                new PrintStream(stdout, true, StandardCharsets.UTF_8), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        String said = stdout.toString(StandardCharsets.UTF_8) + stderr.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, said);
        // 400 moons in 2 partitions, batches of 32: 13 steps per epoch, 39 in all, K = 4 local steps -> 10 rounds.
        assertTrue(said.contains("K = 4 local steps") && said.contains("10 rounds in"), said);
        assertTrue(said.contains("final train loss") && said.contains("after 3 epochs"), said);
        for (String f : new String[] {"model.zip", "metrics.csv", "checkpoint-spark.zip"}) {
            assertTrue(Files.exists(out.resolve(f)), f + " written: " + said);
        }
    }

    @Test
    void aMissingMasterIsAUsageErrorNamingTheOption() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = SparkTrainMain.run(new String[] {"train", "--data", "synthetic:moons"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertEquals(1, code);
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("--spark MASTER is required"), stderr.toString());
    }
}
