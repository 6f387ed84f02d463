package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every input file the command line reads must be a regular file: a named pipe (which blocks on opening until a
 * writer comes) or a device (which never ends) is refused before it is opened, naming its role and what it is.
 */
@Tag("reliability")
class SpecialFilesTest {
    private static final Duration HANG = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    Path fifo;

    @BeforeEach
    void makeFifo() throws IOException, InterruptedException {
        fifo = dir.resolve("pipe");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            assumeTrue(false, "no mkfifo here: " + e.getMessage());
            return;
        }
        assumeTrue(p.waitFor() == 0 && Files.exists(fifo), "mkfifo failed");
    }

    private static Cli run(String... args) {
        return assertTimeoutPreemptively(HANG, () -> Cli.run(args));
    }

    private String refused(String role) {
        return role + " " + fifo + " is a named pipe (FIFO), expected a regular file (reading a pipe or device could"
                + " block or never end)";
    }

    @Test
    void aFifoAsTheConfigIsRefused() {
        Cli r = run("train", "--config", fifo.toString());
        assertEquals(1, r.code(), r.toString());
        assertEquals("myelin train: " + refused("config file"), r.err());
    }

    @Test
    void aFifoAsTheModelToEvaluateIsRefused() throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"), "x,y\n1,0\n");
        Cli r = run("eval", fifo.toString(), "--data", "csv:" + csv);
        assertEquals(1, r.code(), r.toString());
        assertEquals("myelin eval: " + refused("model file"), r.err());
    }

    @Test
    void aFifoAsTheTrainingOrTestCsvIsRefused() throws IOException {
        Cli r = run(
                "train",
                "--data",
                "csv:" + fifo,
                "--classes",
                "2",
                "--out",
                dir.resolve("o1").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.oneLineError() && r.err().endsWith(refused("CSV file")), r.toString());
        Path csv = Files.writeString(dir.resolve("d.csv"), "x,y\n1,0\n2,1\n");
        Cli t = run(
                "train",
                "--data",
                "csv:" + csv,
                "--classes",
                "2",
                "--test",
                fifo.toString(),
                "--out",
                dir.resolve("o2").toString());
        assertEquals(1, t.code(), t.toString());
        assertTrue(t.oneLineError() && t.err().endsWith(refused("CSV file")), t.toString());
    }

    @Test
    void aDeviceIsRefusedBeforeItIsRead() {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "needs /dev/zero");
        Cli r = run(
                "train", "--data", "csv:/dev/zero", "--out", dir.resolve("o").toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(
                r.oneLineError()
                        && r.err()
                                .endsWith("CSV file /dev/zero is a character device, expected a regular"
                                        + " file (reading a pipe or device could block or never end)"),
                r.toString());
    }
}
