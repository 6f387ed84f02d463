package org.myelin.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.myelin.io.AtomicFiles;

/** Writes a chart as a PNG file: headless rendering, parent folders created, atomic replace. */
final class PngWriter {
    private PngWriter() {}

    static void save(Chart<?, ?> chart, Path png) throws IOException {
        if (png == null) {
            throw new IllegalArgumentException("plot: output path must not be null");
        }
        if (!png.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("plot: output file must end in .png, was " + png);
        }
        // Rendering to an image needs no display; only the plotting path asks AWT for headless mode, and only
        // when the application has not chosen a mode itself.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        // Written beside the target and renamed, so a reader never sees half a PNG. Encoded through an in-memory
        // image stream: ImageIO's default file cache registers a shutdown hook on first use, which fails when a
        // run's first plot is written while the JVM stops (SIGTERM), and it needs a writable temporary folder.
        AtomicFiles.write(png, out -> {
            ImageOutputStream stream = new MemoryCacheImageOutputStream(out);
            if (!ImageIO.write(image, "png", stream)) {
                throw new IOException("plot: no PNG encoder in this Java runtime");
            }
            stream.close(); // flushes into out, which stays open
        });
    }

    static void checkSeries(String plot, String name, double[] x, double[] y) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException(plot + ": series name must not be blank");
        }
        if (x == null || y == null) {
            throw new IllegalArgumentException(plot + ": series '" + name + "' has a null x or y array");
        }
        if (x.length != y.length) {
            throw new IllegalArgumentException(plot + ": series '" + name + "' has " + x.length + " x values but "
                    + y.length + " y values, expected the same count");
        }
        if (x.length == 0) {
            throw new IllegalArgumentException(plot + ": series '" + name + "' is empty, expected at least one point");
        }
    }
}
