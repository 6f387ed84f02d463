package org.myelin.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CnnFeaturesExampleTest {
    @Test
    void trainedFiltersAndFeatureMapsAreWrittenAsImageGrids(@TempDir Path dir) throws Exception {
        // The synthetic bars, so the test neither depends on the MNIST cache nor spends seconds loading it.
        CnnFeaturesExample.Result r = new CnnFeaturesExample(null).run(dir);
        assertTrue(r.data().startsWith("synthetic"), r.data());
        assertTrue(r.testAccuracy() > 0.9, "the CNN should tell the bars apart: " + r.summary());
        assertEquals(8, r.filters().length);
        assertEquals(5, r.filters()[0].length);
        assertEquals(12, r.featureMaps()[0].length, "16x16 image, 5x5 filter, no padding: 12x12 maps");
        Outputs.assertWritten(r, dir);
        BufferedImage filters = ImageIO.read(dir.resolve("cnn-filters.png").toFile());
        // 4 x 2 tiles of 5x5 weights at 32 pixels each, one-pixel gaps.
        assertEquals(4 * (5 * 32 + 1) + 1, filters.getWidth());
        assertEquals(2 * (5 * 32 + 1) + 1, filters.getHeight());
        BufferedImage maps = ImageIO.read(dir.resolve("cnn-feature-maps.png").toFile());
        // The input image and 8 maps in rows of 3: the cell fits the 16x16 input.
        assertEquals(3 * (16 * 10 + 1) + 1, maps.getWidth());
        assertEquals(3 * (16 * 10 + 1) + 1, maps.getHeight());
    }
}
