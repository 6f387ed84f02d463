package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/** Checks that an example wrote what it says: decodable, non-blank PNGs and CSVs with a header and data rows. */
final class Outputs {
    private Outputs() {}

    static void assertWritten(Example.Outcome outcome, Path dir) throws IOException {
        assertFalse(outcome.summary().isBlank(), "empty summary");
        assertTrue(outcome.files().stream().anyMatch(p -> p.toString().endsWith(".png")), "no PNG written");
        assertTrue(outcome.files().stream().anyMatch(p -> p.toString().endsWith(".csv")), "no CSV written");
        for (Path p : outcome.files()) {
            assertTrue(p.toAbsolutePath().startsWith(dir.toAbsolutePath()), p + " is outside " + dir);
            assertTrue(Files.isRegularFile(p), p + " was not written");
            if (p.toString().endsWith(".png")) {
                BufferedImage img = ImageIO.read(p.toFile());
                assertNotNull(img, p + " does not decode as an image");
                assertTrue(img.getWidth() >= 400 && img.getHeight() >= 300, p + " is too small");
                int first = img.getRGB(0, 0);
                boolean varied = false;
                for (int y = 0; y < img.getHeight() && !varied; y += 5) {
                    for (int x = 0; x < img.getWidth() && !varied; x += 5) {
                        varied = img.getRGB(x, y) != first;
                    }
                }
                assertTrue(varied, p + " is blank");
            } else {
                List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                assertTrue(lines.size() >= 2, p + " has no data rows");
                int columns = lines.get(0).split(",", -1).length;
                for (String line : lines) {
                    assertEquals(columns, line.split(",", -1).length, p + ": ragged row '" + line + "'");
                }
            }
        }
    }
}
