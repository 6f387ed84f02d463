package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.Settings;

/**
 * What a CSV file or a number of classes may make the reader allocate is bounded before it is allocated: the
 * one-hot targets of {@code rows x classes} and the values against the memory limit, a line by
 * {@link Csv.MAX_LINE_CHARS}, the file by the memory limit. Each error names the file (and the line).
 */
class CsvBoundsTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("d.csv"), text);
    }

    @Test
    void classesTooManyForOneRowAreRefusedBeforeTheFileIsRead() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "512m");
        Path f = csv("x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n");
        Exception e = assertThrows(
                IOException.class,
                () -> Csv.reader().classification(536_000_000).read(f));
        assertTrue(
                e.getMessage()
                        .startsWith(f + ": the one-hot targets of 1 row(s) x 536000000 classes (the number of classes"
                                + " given) needs 2.00 GiB (2144000000 bytes) for its 536,000,000 values, more than"
                                + " the limit of 512.00 MiB"),
                e.getMessage());
    }

    @Test
    void oneHotTargetsBeyondTheLimitAreRefusedBeforeTheyAreAllocated() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
        Path f = csv("x,y\n1,0\n2,1\n3,0\n4,1\n5,0\n");
        Exception e = assertThrows(
                IOException.class, () -> Csv.reader().classification(100_000).read(f));
        assertTrue(
                e.getMessage()
                        .startsWith(f + ": the one-hot targets of 5 row(s) x 100000 classes (the number of classes"
                                + " given) needs 1.91 MiB (2000000 bytes) for its 500,000 values, more than the"
                                + " limit of 1.00 MiB"),
                e.getMessage());
        assertEquals(5, Csv.reader().classification(2).read(f).size());
    }

    @Test
    void aLineLongerThanTheBoundIsRefusedNamingItsLine() throws IOException {
        Path f = dir.resolve("long.csv");
        StringBuilder b = new StringBuilder("x,y\n1,0\n");
        b.append("2".repeat(Csv.MAX_LINE_CHARS + 1)).append(",1\n");
        Files.writeString(f, b);
        Exception e = assertThrows(IOException.class, () -> Csv.reader().read(f));
        assertEquals(
                f + " line 3 is longer than " + Csv.MAX_LINE_CHARS + " characters, the most a CSV line may have",
                e.getMessage());
    }

    @Test
    void aFileLargerThanTheMemoryLimitIsRefusedBeforeItIsRead() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1k");
        Path f = csv("x,y\n" + "1,0\n".repeat(500));
        Exception e = assertThrows(IOException.class, () -> Csv.reader().read(f));
        assertTrue(
                e.getMessage()
                        .startsWith(f + ": 2004 bytes, more than the 1024 a CSV file may have here (the memory limit;"
                                + " raise it with -Dmyelin.maxParameterBytes=SIZE"),
                e.getMessage());
    }

    @Test
    void valuesBeyondTheLimitAreRefusedWhileReading() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "800");
        Path f = csv("a,b,c,d,e,y\n" + "1,2,3,4,5,0\n".repeat(30)); // 372 bytes, 150 values of 8 bytes
        Exception e = assertThrows(IOException.class, () -> Csv.reader().read(f));
        assertTrue(
                e.getMessage()
                        .startsWith(f + " line 22: more than 20 rows of 5 features needs 840 bytes for its 105"
                                + " values, more than the limit of 800 bytes"),
                e.getMessage());
    }
}
