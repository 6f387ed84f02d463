package org.myelin.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.myelin.io.AtomicFiles;

/**
 * Writes small 2-d arrays (convolution filters, feature maps) as one grayscale PNG: tiles in a grid, each scaled up
 * by an integer factor and stretched on its own from its minimum (black) to its maximum (white), with a one-pixel
 * mid-gray gap between tiles. Written atomically, like the plots.
 */
public final class ImageGrid {
    private ImageGrid() {}

    /**
     * @param tiles   the images, each {@code [rows][cols]} (tiles may differ in size; the grid cell fits the largest)
     * @param columns tiles per grid row, {@code >= 1}
     * @param scale   pixels per array element, {@code >= 1}
     */
    public static void save(Path png, List<double[][]> tiles, int columns, int scale) throws IOException {
        if (tiles == null || tiles.isEmpty() || columns < 1 || scale < 1) {
            throw new IllegalArgumentException("ImageGrid: need at least one tile, columns >= 1 and scale >= 1, was "
                    + (tiles == null ? "null" : tiles.size() + " tiles") + ", columns " + columns + ", scale " + scale);
        }
        if (!png.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")) {
            throw new IllegalArgumentException("ImageGrid: output file must end in .png, was " + png);
        }
        int cellH = 0;
        int cellW = 0;
        for (double[][] t : tiles) {
            cellH = Math.max(cellH, t.length);
            cellW = Math.max(cellW, t.length == 0 ? 0 : t[0].length);
        }
        int rows = (tiles.size() + columns - 1) / columns;
        int cols = Math.min(columns, tiles.size());
        int width = cols * (cellW * scale + 1) + 1;
        int height = rows * (cellH * scale + 1) + 1;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        java.awt.Graphics2D g = image.createGraphics();
        g.setColor(new java.awt.Color(128, 128, 128)); // mid-gray gaps, visible against black and white tiles
        g.fillRect(0, 0, width, height);
        g.dispose();
        for (int i = 0; i < tiles.size(); i++) {
            draw(
                    image,
                    tiles.get(i),
                    1 + (i % columns) * (cellW * scale + 1),
                    1 + (i / columns) * (cellH * scale + 1),
                    scale);
        }
        AtomicFiles.write(png, out -> {
            ImageOutputStream stream = new MemoryCacheImageOutputStream(out);
            if (!ImageIO.write(image, "png", stream)) {
                throw new IOException("ImageGrid: no PNG encoder in this Java runtime");
            }
            stream.close();
        });
    }

    private static void draw(BufferedImage image, double[][] tile, int x0, int y0, int scale) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : tile) {
            for (double v : row) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double span = hi > lo ? hi - lo : 1;
        for (int r = 0; r < tile.length; r++) {
            for (int c = 0; c < tile[r].length; c++) {
                int gray = (int) Math.round(255 * (tile[r][c] - lo) / span);
                int rgb = (gray << 16) | (gray << 8) | gray;
                for (int dy = 0; dy < scale; dy++) {
                    for (int dx = 0; dx < scale; dx++) {
                        image.setRGB(x0 + c * scale + dx, y0 + r * scale + dy, rgb);
                    }
                }
            }
        }
    }
}
