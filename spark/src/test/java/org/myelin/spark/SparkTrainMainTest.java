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
        int code = SparkTrainMain.run(
                new String[] {
                    "train",
                    "--spark",
                    "local[2]",
                    "--partitions",
                    "2",
                    "--local-steps",
                    "4",
                    "--data",
                    "synthetic:moons",
                    "--epochs",
                    "3",
                    "--batch-size",
                    "32",
                    "--hidden",
                    "16",
                    "--lr",
                    "0.01",
                    "--checkpoint-rounds",
                    "2",
                    "--out",
                    out.toString()
                },
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
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
        int code = SparkTrainMain.run(
                new String[] {"train", "--data", "synthetic:moons"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(stderr.toString(StandardCharsets.UTF_8).contains("--spark MASTER is required"), stderr.toString());
    }

    @Test
    void sparkFollowedByHelpShowsTheHelp() {
        for (String help : new String[] {"--help", "-h"}) {
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            int code = SparkTrainMain.run(
                    new String[] {"train", "--spark", help},
                    new PrintStream(stdout, true, StandardCharsets.UTF_8),
                    new PrintStream(stderr, true, StandardCharsets.UTF_8));
            assertEquals(0, code, stderr.toString(StandardCharsets.UTF_8));
            assertTrue(
                    stdout.toString(StandardCharsets.UTF_8).startsWith("Usage: myelin train --spark "),
                    stdout.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void helpShowsTheSparkOptionsAndEveryTrainOption() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int code = SparkTrainMain.run(
                new String[] {"train", "--spark", "local[2]", "--help"},
                new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()));
        String help = stdout.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, help);
        assertTrue(help.startsWith("Usage: myelin train --spark "), help);
        for (String option : new String[] {
            "--spark MASTER",
            "--partitions P",
            "--local-steps K",
            "--threads T",
            "--checkpoint-rounds N",
            "--share-classpath",
            "--config FILE.json",
            "--epochs N",
            "--batch-size N",
            "--seed N",
            "--out DIR",
            "--data SOURCE",
            "--accept-change"
        }) {
            assertTrue(help.contains(option), option + " missing in\n" + help);
        }
    }

    @Test
    void badOptionsAreUsageErrorsBeforeSparkStarts() {
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = SparkTrainMain.run(
                new String[] {"train", "--spark", "local[2]", "--partitions", "4294967298"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertEquals(
                "myelin train --spark: --partitions must be an integer in 1..2147483647, was '4294967298'",
                stderr.toString(StandardCharsets.UTF_8).strip());
        ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        assertEquals(
                2,
                SparkTrainMain.run(
                        new String[] {"train", "--spark", "local[2]", "--partition", "2"},
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(unknown, true, StandardCharsets.UTF_8)));
        assertTrue(
                unknown.toString(StandardCharsets.UTF_8)
                        .startsWith(
                                "myelin train --spark: unknown option --partition" + " (did you mean --partitions?)"),
                unknown.toString(StandardCharsets.UTF_8));
        ByteArrayOutputStream zero = new ByteArrayOutputStream();
        assertEquals(
                2,
                SparkTrainMain.run(
                        new String[] {"train", "--spark", "local[2]", "--partitions", "0"},
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(zero, true, StandardCharsets.UTF_8)));
        assertEquals(
                "myelin train --spark: --partitions must be an integer in 1..2147483647, was '0'",
                zero.toString(StandardCharsets.UTF_8).strip());
        // GNU style, as myelin train takes it: --spark=MASTER --partitions=P.
        ByteArrayOutputStream equals = new ByteArrayOutputStream();
        assertEquals(
                2,
                SparkTrainMain.run(
                        new String[] {"train", "--spark=local[2]", "--partitions=0"},
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(equals, true, StandardCharsets.UTF_8)));
        assertEquals(zero.toString(StandardCharsets.UTF_8), equals.toString(StandardCharsets.UTF_8));
    }

    @Test
    void valuesRefusedWhileTheJobIsSetUpNameTheirOptionAsPlainTrainDoes() {
        // Found by the job's setup (the data source), not the option parser: plain train names --model and exits 2.
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        int code = SparkTrainMain.run(
                new String[] {"train", "--spark", "local[2]", "--data", "synthetic:moons", "--model", "cnn"},
                new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(stderr, true, StandardCharsets.UTF_8));
        String err = stderr.toString(StandardCharsets.UTF_8).strip();
        assertEquals(2, code, err);
        assertTrue(err.startsWith("myelin train --spark: --model cnn: "), err);
    }

    @Test
    void versionIsTheLineOfMyelinVersion() {
        ByteArrayOutputStream spark = new ByteArrayOutputStream();
        ByteArrayOutputStream myelin = new ByteArrayOutputStream();
        PrintStream none = new PrintStream(new ByteArrayOutputStream());
        assertEquals(
                0,
                SparkTrainMain.run(new String[] {"train", "--spark", "local[2]", "-V"}, new PrintStream(spark), none));
        assertEquals(0, org.myelin.cli.Main.run(new String[] {"-V"}, new PrintStream(myelin), none));
        assertTrue(myelin.toString().startsWith("myelin "), myelin.toString());
        assertEquals(myelin.toString(), spark.toString());
    }
}
