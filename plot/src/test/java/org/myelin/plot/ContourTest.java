package org.myelin.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.DoubleBinaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContourTest {

    private static double[] axis(double from, double to, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = from + (to - from) * i / (n - 1);
        }
        return a;
    }

    private static double[][] sample(double[] xs, double[] ys, DoubleBinaryOperator f) {
        double[][] v = new double[ys.length][xs.length];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                v[j][i] = f.applyAsDouble(xs[i], ys[j]);
            }
        }
        return v;
    }

    @Test
    void levelSetOfALinearFunctionIsExact() {
        double[] xs = axis(-1, 1, 11);
        double[] ys = axis(0, 2, 7);
        Contour.Lines lines = Contour.lines(xs, ys, sample(xs, ys, (x, y) -> 2 * x + 1), 1.6);
        assertEquals(ys.length - 1, lines.segments(), "one segment per row of cells");
        for (int k = 0; k < lines.x().length; k++) {
            if (k % 3 == 2) {
                assertTrue(Double.isNaN(lines.x()[k]) && Double.isNaN(lines.y()[k]), "separator at " + k);
            } else {
                assertEquals(0.3, lines.x()[k], 1e-12);
            }
        }
    }

    @Test
    void levelSetOfTheSquaredRadiusIsTheUnitCircleAllTheWayRound() {
        double[] xs = axis(-2, 2, 81);
        double[] ys = axis(-2, 2, 81);
        Contour.Lines lines = Contour.lines(xs, ys, sample(xs, ys, (x, y) -> x * x + y * y), 1.0);
        boolean[] quadrant = new boolean[4];
        for (int k = 0; k < lines.x().length; k++) {
            double x = lines.x()[k];
            double y = lines.y()[k];
            if (Double.isNaN(x)) {
                continue;
            }
            assertEquals(1.0, Math.hypot(x, y), 3e-3, "point (" + x + ", " + y + ")");
            quadrant[(x >= 0 ? 0 : 1) + (y >= 0 ? 0 : 2)] = true;
        }
        assertTrue(quadrant[0] && quadrant[1] && quadrant[2] && quadrant[3]);
    }

    @Test
    void saddleCellGivesTwoSegmentsThatDoNotCross() {
        double[] xs = {0, 1};
        double[] ys = {0, 1};
        // Corners (0,0) and (1,1) high, the other two low, centre high: the low corners are cut off.
        Contour.Lines lines = Contour.lines(xs, ys, new double[][] {{2, -1}, {-1, 2}}, 0);
        assertEquals(2, lines.segments());
        for (int s = 0; s < 2; s++) {
            double mx = (lines.x()[3 * s] + lines.x()[3 * s + 1]) / 2;
            double my = (lines.y()[3 * s] + lines.y()[3 * s + 1]) / 2;
            // Each segment cuts off the corner (1,0) or (0,1): its midpoint is off the main diagonal.
            assertTrue(Math.abs(mx - my) > 0.4, "segment " + s + " midpoint (" + mx + ", " + my + ")");
        }
    }

    @Test
    void noCrossingGivesNoSegments() {
        double[] xs = {0, 1, 2};
        double[] ys = {0, 1};
        assertEquals(
                0,
                Contour.lines(xs, ys, new double[][] {{1, 2, 3}, {4, 5, 6}}, 10).segments());
    }

    @Test
    void badGridsAreRejectedWithTheirShape() {
        double[] xs = {0, 1};
        IllegalArgumentException rows = assertThrows(
                IllegalArgumentException.class,
                () -> Contour.lines(xs, new double[] {0, 1, 2}, new double[][] {{0, 1}, {1, 2}}, 0.5));
        assertTrue(rows.getMessage().contains("2 rows, expected one per y (3)"), rows.getMessage());
        IllegalArgumentException order = assertThrows(
                IllegalArgumentException.class,
                () -> Contour.lines(new double[] {1, 0}, xs, new double[][] {{0, 1}, {1, 2}}, 0.5));
        assertTrue(order.getMessage().contains("xs must be strictly increasing"), order.getMessage());
        IllegalArgumentException nan = assertThrows(
                IllegalArgumentException.class,
                () -> Contour.lines(xs, xs, new double[][] {{0, Double.NaN}, {1, 2}}, 0.5));
        assertTrue(nan.getMessage().contains("values[0][1] is NaN"), nan.getMessage());
    }

    @Test
    void contourLinesAndLogXAxisRenderAsPng(@TempDir Path dir) throws IOException {
        double[] xs = axis(-2, 2, 41);
        Contour.Lines circle = Contour.lines(xs, xs, sample(xs, xs, (x, y) -> x * x + y * y), 1.0);
        Path png = dir.resolve("contour.png");
        LinePlot.titled("Unit circle")
                .series("x^2 + y^2 = 1", circle.x(), circle.y())
                .save(png);
        PlotsTest.assertNonTrivialPng(png, 800, 560);
        Path log = dir.resolve("logx.png");
        LinePlot.titled("Error against step")
                .logX()
                .logY()
                .series("error", new double[] {1e-8, 1e-4, 1}, new double[] {1e-3, 1e-9, 1e-2})
                .save(log);
        PlotsTest.assertNonTrivialPng(log, 800, 560);
    }
}
