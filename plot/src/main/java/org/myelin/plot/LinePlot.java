package org.myelin.plot;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * An x-y chart with any number of named line and scatter series, saved as a PNG (XChart, rendered headless).
 *
 * <pre>{@code
 * LinePlot.titled("Training loss").xLabel("epoch").yLabel("loss")
 *         .series("train", epochs, train).series("validation", epochs, val)
 *         .save(Path.of("loss.png"));
 * }</pre>
 *
 * Series keep the order they were added in, which is also the legend order. A plot is a mutable builder; it
 * copies nothing, so the arrays must not change before {@link #save(Path)}.
 */
public final class LinePlot {
    /** Where the legend goes: inside a corner of the plot area, or outside it (never covering data). */
    public enum Legend {
        INSIDE_NE(LegendPosition.InsideNE),
        INSIDE_NW(LegendPosition.InsideNW),
        INSIDE_SE(LegendPosition.InsideSE),
        INSIDE_SW(LegendPosition.InsideSW),
        OUTSIDE_RIGHT(LegendPosition.OutsideE),
        BELOW(LegendPosition.OutsideS),
        NONE(null);

        private final LegendPosition position;

        Legend(LegendPosition position) {
            this.position = position;
        }
    }

    private record Entry(String name, double[] x, double[] y, boolean scatter) {}

    private final String title;
    private String xLabel = "x";
    private String yLabel = "y";
    private int width = 800;
    private int height = 560;
    private boolean logX;
    private boolean logY;
    private Legend legend = Legend.BELOW;
    private final List<Entry> entries = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private LinePlot(String title) {
        this.title = title;
    }

    /** A new empty plot with this title. */
    public static LinePlot titled(String title) {
        if (title == null) {
            throw new IllegalArgumentException("LinePlot: title must not be null");
        }
        return new LinePlot(title);
    }

    /** Label of the horizontal axis (include the unit: {@code "t [ms]"}). */
    public LinePlot xLabel(String label) {
        this.xLabel = label;
        return this;
    }

    /** Label of the vertical axis. */
    public LinePlot yLabel(String label) {
        this.yLabel = label;
        return this;
    }

    /** Image size in pixels (default 800 x 560). */
    public LinePlot size(int widthPx, int heightPx) {
        if (widthPx < 50 || heightPx < 50) {
            throw new IllegalArgumentException(
                    "LinePlot: size must be at least 50 x 50 px, was " + widthPx + " x " + heightPx);
        }
        this.width = widthPx;
        this.height = heightPx;
        return this;
    }

    /** Logarithmic horizontal axis (all x values must then be positive). */
    public LinePlot logX() {
        this.logX = true;
        return this;
    }

    /** Logarithmic vertical axis (all y values must then be positive). */
    public LinePlot logY() {
        this.logY = true;
        return this;
    }

    /** Legend placement (default {@link Legend#BELOW}, which never covers data; {@link Legend#NONE} hides it). */
    public LinePlot legend(Legend placement) {
        if (placement == null) {
            throw new IllegalArgumentException("LinePlot '" + title + "': legend placement must not be null");
        }
        this.legend = placement;
        return this;
    }

    /**
     * Adds a line through the points {@code (x[i], y[i])} in order. A point with a NaN coordinate breaks the
     * line, so one series can hold several separate pieces (the output of {@link Contour#lines}).
     */
    public LinePlot series(String name, double[] x, double[] y) {
        return add(name, x, y, false);
    }

    /** Adds unconnected markers at the points {@code (x[i], y[i])}. */
    public LinePlot scatter(String name, double[] x, double[] y) {
        return add(name, x, y, true);
    }

    /** Number of series added so far. */
    public int seriesCount() {
        return entries.size();
    }

    private LinePlot add(String name, double[] x, double[] y, boolean scatter) {
        PngWriter.checkSeries("LinePlot '" + title + "'", name, x, y);
        if (!names.add(name)) {
            throw new IllegalArgumentException(
                    "LinePlot '" + title + "': series name '" + name + "' is used twice, expected unique names");
        }
        entries.add(new Entry(name, x, y, scatter));
        return this;
    }

    /**
     * Renders the chart and writes it as a PNG (parent folders are created; an existing file is replaced).
     *
     * @throws IllegalStateException when no series was added
     */
    public void save(Path png) throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalStateException("LinePlot '" + title + "': no series to plot, add one with series(...)");
        }
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(xLabel)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendVisible(legend != Legend.NONE);
        if (legend != Legend.NONE) {
            chart.getStyler().setLegendPosition(legend.position);
        }
        chart.getStyler().setXAxisLogarithmic(logX);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(5);
        for (Entry e : entries) {
            XYSeries s = chart.addSeries(e.name(), e.x(), e.y());
            if (e.scatter()) {
                s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
                s.setMarker(SeriesMarkers.CIRCLE);
            } else {
                s.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineStyle(new BasicStroke(1.5f));
            }
        }
        PngWriter.save(chart, png);
    }
}
