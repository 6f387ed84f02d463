package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's messages about a CSV's classes name its own options: a CSV read as real values under a
 * classification loss advised the Java API ({@code Dataset.asOneHot()}), {@code --classes 1} said
 * "numClasses must be >= 2 (or 0 to infer)" though 0 means regression there.
 */
@Tag("reliability")
class ClassesOptionTest {
    @TempDir
    Path dir;

    @Test
    void aCsvWithoutClassesUnderASoftmaxLossNamesTheOption() throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"), "x,y\n1,0\n2,1\n3,2\n");
        Cli r = Cli.run(
                "train", "--data", "csv:" + csv, "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(
                "myelin train: --data csv:" + csv + ": the loss 'softmax_cross_entropy' takes classes, but without"
                        + " --classes the label column of " + csv + " is read as a real-valued target; give the number"
                        + " of classes (--classes K) or a loss for real values (--loss mse)",
                r.err());
    }

    @Test
    void oneClassIsAUsageErrorNamingTheOption() throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"), "x,y\n1,0\n2,0\n");
        Cli r = Cli.run(
                "train",
                "--data",
                "csv:" + csv,
                "--classes",
                "1",
                "--out",
                dir.resolve("o").toString());
        assertEquals(2, r.code(), r.toString());
        assertEquals(
                "myelin train: --classes must be a number of classes >= 2, was 1 (leave it out to read the label"
                        + " column as a real-valued target)",
                r.err());
    }
}
