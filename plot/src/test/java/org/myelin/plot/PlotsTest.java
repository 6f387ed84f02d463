package org.myelin.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    @TempDir
    Path dir;

    /** A PNG that decodes to an image of the given size whose pixels are not all the same. */
    static void assertNonTrivialPng(Path png, int width, int height) throws IOException {
        assertTrue(Files.size(png) > 2_000, png + " is only " + Files.size(png) + " bytes");
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
        assertEquals('N', head[2]);
        assertEquals('G', head[3]);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(width, img.getWidth());
        assertEquals(height, img.getHeight());
        int first = img.getRGB(0, 0);
        boolean varied = false;
        for (int y = 0; y < height && !varied; y += 7) {
            for (int x = 0; x < width && !varied; x += 7) {
                varied = img.getRGB(x, y) != first;
            }
        }
        assertTrue(varied, png + " is a blank image");
    }

    @Test
    void firstPlotOfARunCanBeWrittenWhileTheJvmStops() throws Exception {
        Path png = dir.resolve("stopping.png");
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-Djava.awt.headless=true",
                        PlotDuringShutdown.class.getName(),
                        png.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertEquals(3, p.waitFor(), "exit code of the child; its output:\n" + Files.readString(log));
        assertTrue(Files.exists(png), "no plot written during shutdown; the child said:\n" + Files.readString(log));
        assertNonTrivialPng(png, 800, 560);
    }

    @Test
    void linePlotWithSeveralSeriesAndScatterIsWrittenAsPng() throws IOException {
        double[] x = {0, 1, 2, 3, 4};
        Path png = dir.resolve("sub/folder/loss.png");
        LinePlot.titled("Loss")
                .xLabel("epoch")
                .yLabel("loss")
                .series("train", x, new double[] {1.0, 0.6, 0.4, 0.3, 0.25})
                .series("validation", x, new double[] {1.1, 0.7, 0.5, 0.45, 0.44})
                .scatter("best", new double[] {4}, new double[] {0.44})
                .legend(LinePlot.Legend.INSIDE_NE)
                .size(640, 400)
                .save(png);
        assertNonTrivialPng(png, 640, 400);
        assertFalse(Files.list(png.getParent())
                .anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
    }

    @Test
    void logScaleLinePlotIsWritten() throws IOException {
        Path png = dir.resolve("log.png");
        LinePlot.titled("Gradient norms")
                .logY()
                .series("layer 0", new double[] {0, 1, 2}, new double[] {1, 0.1, 0.01})
                .save(png);
        assertNonTrivialPng(png, 800, 560);
    }

    @Test
    void rasterWithASilentGroupIsWritten() throws IOException {
        Path png = dir.resolve("raster.png");
        RasterPlot.titled("Raster")
                .xLabel("t [s]")
                .spikes("active", new double[] {0.1, 0.2, 0.3}, new double[] {0, 1, 0})
                .spikes("silent", new double[0], new double[0])
                .save(png);
        assertNonTrivialPng(png, 900, 500);
    }

    @Test
    void seriesOfUnequalLengthsAreRejectedWithTheirName() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LinePlot.titled("T").series("bad", new double[] {1, 2}, new double[] {1}));
        assertEquals(
                "LinePlot 'T': series 'bad' has 2 x values but 1 y values, expected the same count", e.getMessage());
    }

    @Test
    void duplicateSeriesNamesAreRejected() {
        LinePlot plot = LinePlot.titled("T").series("a", new double[] {1}, new double[] {1});
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> plot.series("a", new double[] {2}, new double[] {2}));
        assertTrue(e.getMessage().contains("used twice"), e.getMessage());
    }

    @Test
    void savingAnEmptyPlotFailsAndWritesNothing() {
        Path png = dir.resolve("empty.png");
        assertThrows(IllegalStateException.class, () -> LinePlot.titled("Empty").save(png));
        assertFalse(Files.exists(png));
    }

    @Test
    void outputMustBeAPngFile() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> LinePlot.titled("T")
                        .series("a", new double[] {1}, new double[] {1})
                        .save(dir.resolve("x.jpg")));
        assertTrue(e.getMessage().contains(".png"), e.getMessage());
    }
}
