package org.myelin.plot;

import java.util.Arrays;

/**
 * Level-set lines of a function sampled on a rectangular grid (marching squares), for drawing decision
 * boundaries and loss contours with {@link LinePlot#series}.
 *
 * <p>Each grid cell whose corners lie on both sides of the level contributes one or two straight segments
 * between points found by linear interpolation along the cell's edges; a cell whose corners alternate
 * (a saddle) is resolved by the mean of its corners. The segments come back in one pair of arrays, each
 * segment's two points followed by a NaN point that breaks the line.
 *
 * <p>Shapes: {@code xs [nx]} and {@code ys [ny]} strictly increasing, {@code values [ny][nx]} with
 * {@code values[j][i] = f(xs[i], ys[j])}.
 */
public final class Contour {
    /** The points of the level-set segments: {@code (x[k], y[k])}, a NaN point after each segment. */
    public record Lines(double[] x, double[] y) {
        /** Number of segments. */
        public int segments() {
            return x.length / 3;
        }
    }

    private Contour() {}

    /**
     * The segments where the sampled function crosses {@code level}.
     *
     * @throws IllegalArgumentException when the grid is smaller than 2 x 2, the axes are not strictly increasing,
     *     {@code values} does not have {@code [ys.length][xs.length]} entries, or a value or the level is not finite
     */
    public static Lines lines(double[] xs, double[] ys, double[][] values, double level) {
        check(xs, ys, values, level);
        double[] px = new double[64];
        double[] py = new double[64];
        int n = 0;
        double[] ex = new double[4];
        double[] ey = new double[4];
        for (int j = 0; j + 1 < ys.length; j++) {
            for (int i = 0; i + 1 < xs.length; i++) {
                // Corners counter-clockwise from the lower left; edge k joins corner k and corner k+1.
                double[] v = {values[j][i], values[j][i + 1], values[j + 1][i + 1], values[j + 1][i]};
                double[] cx = {xs[i], xs[i + 1], xs[i + 1], xs[i]};
                double[] cy = {ys[j], ys[j], ys[j + 1], ys[j + 1]};
                int crossings = 0;
                int[] edges = new int[4];
                for (int k = 0; k < 4; k++) {
                    int m = (k + 1) % 4;
                    if ((v[k] >= level) != (v[m] >= level)) {
                        double t = (level - v[k]) / (v[m] - v[k]);
                        ex[crossings] = cx[k] + t * (cx[m] - cx[k]);
                        ey[crossings] = cy[k] + t * (cy[m] - cy[k]);
                        edges[crossings] = k;
                        crossings++;
                    }
                }
                if (crossings == 0) {
                    continue;
                }
                if (px.length < n + 6) {
                    px = Arrays.copyOf(px, px.length * 2);
                    py = Arrays.copyOf(py, py.length * 2);
                }
                if (crossings == 2) {
                    n = segment(px, py, n, ex[0], ey[0], ex[1], ey[1]);
                } else {
                    // A saddle: the crossings lie on edges 0, 1, 2, 3 in order. When the centre is on the same
                    // side as corner 0, corner 0's region connects through the middle and cuts off corners 1 and 3.
                    double centre = (v[0] + v[1] + v[2] + v[3]) / 4;
                    if ((centre >= level) == (v[0] >= level)) {
                        n = segment(px, py, n, ex[0], ey[0], ex[1], ey[1]);
                        n = segment(px, py, n, ex[2], ey[2], ex[3], ey[3]);
                    } else {
                        n = segment(px, py, n, ex[3], ey[3], ex[0], ey[0]);
                        n = segment(px, py, n, ex[1], ey[1], ex[2], ey[2]);
                    }
                }
            }
        }
        return new Lines(Arrays.copyOf(px, n), Arrays.copyOf(py, n));
    }

    private static int segment(double[] px, double[] py, int n, double x0, double y0, double x1, double y1) {
        px[n] = x0;
        py[n] = y0;
        px[n + 1] = x1;
        py[n + 1] = y1;
        px[n + 2] = Double.NaN;
        py[n + 2] = Double.NaN;
        return n + 3;
    }

    private static void check(double[] xs, double[] ys, double[][] values, double level) {
        if (xs == null || ys == null || values == null) {
            throw new IllegalArgumentException("Contour: xs, ys and values must not be null");
        }
        if (xs.length < 2 || ys.length < 2) {
            throw new IllegalArgumentException(
                    "Contour: the grid must be at least 2 x 2, was " + xs.length + " x " + ys.length);
        }
        increasing("xs", xs);
        increasing("ys", ys);
        if (values.length != ys.length) {
            throw new IllegalArgumentException(
                    "Contour: values has " + values.length + " rows, expected one per y (" + ys.length + ")");
        }
        for (int j = 0; j < values.length; j++) {
            if (values[j] == null || values[j].length != xs.length) {
                throw new IllegalArgumentException("Contour: values row " + j + " has "
                        + (values[j] == null ? "no" : String.valueOf(values[j].length)) + " entries, expected one"
                        + " per x (" + xs.length + ")");
            }
            for (int i = 0; i < xs.length; i++) {
                if (!Double.isFinite(values[j][i])) {
                    throw new IllegalArgumentException(
                            "Contour: values[" + j + "][" + i + "] is " + values[j][i] + ", expected a finite number");
                }
            }
        }
        if (!Double.isFinite(level)) {
            throw new IllegalArgumentException("Contour: level must be finite, was " + level);
        }
    }

    private static void increasing(String name, double[] a) {
        for (int i = 1; i < a.length; i++) {
            if (!(a[i] > a[i - 1])) {
                throw new IllegalArgumentException("Contour: " + name + " must be strictly increasing, but " + name
                        + "[" + i + "] = " + a[i] + " follows " + a[i - 1]);
            }
        }
    }
}
