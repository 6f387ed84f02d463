package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;

/** The loaders' public factory methods check their arguments before reading any file. */
class LoaderArgumentsTest {
    private static void fails(String message, org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void loadersCheckArgumentsBeforeReading(@TempDir Path dir) throws Exception {
        Path im = IdxFiles.write(dir.resolve("im"), IdxFiles.images(2, 2, 2, IdxFiles.ramp(8)), false);
        Path lb = IdxFiles.write(dir.resolve("lb"), IdxFiles.labels(new byte[] {0, 1}), false);
        // Was a DataFormatException blaming the label file, after both files had been read.
        fails(
                "Idx.readClassification: numClasses must be >= 2, was 1",
                () -> Idx.readClassification(im, lb, 1, DataType.FLOAT));
        fails(
                "Idx.readClassification: expected a floating-point data type, got null",
                () -> Idx.readClassification(im, lb, 2, null));
        fails("Idx.readLabels: file path is null", () -> Idx.readLabels(null));
        fails("Idx.readImages: file path is null", () -> Idx.readImages(null, DataType.FLOAT));
        fails("Csv.read: file is null", () -> Csv.reader().read(null));
        // Was a FileNotFoundException: the type was checked only once the files had been found and read.
        fails("Mnist.load: expected a floating-point data type, got null", () -> Mnist.load(dir, null));
        fails("Mnist.load: directory is null", () -> Mnist.load(null));
        fails("Mnist.fetch: timeout must be positive, was null", () -> Mnist.fetch(dir, (Duration) null));
        fails("Mnist.fetch: timeout must be positive, was PT-1S", () -> Mnist.fetch(dir, Duration.ofSeconds(-1)));
        fails("Mnist.fetch: directory is null", () -> Mnist.fetch(null));
        assertEquals(
                0,
                Files.list(dir)
                        .filter(p -> p.getFileName().toString().startsWith("mnist"))
                        .count());
    }
}
