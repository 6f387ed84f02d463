package org.myelin.plot;

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
 * A spike raster: one small mark at {@code (time, neuron)} per spike, one colour per named group (population),
 * saved as a PNG.
 *
 * <pre>{@code
 * RasterPlot.titled("Network").xLabel("t [s]").yLabel("neuron")
 *         .spikes("inputs", times, neurons).save(Path.of("raster.png"));
 * }</pre>
 */
public final class RasterPlot {
    private record Group(String name, double[] times, double[] rows) {}

    private final String title;
    private String xLabel = "t";
    private String yLabel = "neuron";
    private int width = 900;
    private int height = 500;
    private final List<Group> groups = new ArrayList<>();
    private final Set<String> names = new HashSet<>();

    private RasterPlot(String title) {
        this.title = title;
    }

    /** A new empty raster with this title. */
    public static RasterPlot titled(String title) {
        if (title == null) {
            throw new IllegalArgumentException("RasterPlot: title must not be null");
        }
        return new RasterPlot(title);
    }

    /** Label of the time axis. */
    public RasterPlot xLabel(String label) {
        this.xLabel = label;
        return this;
    }

    /** Label of the neuron axis. */
    public RasterPlot yLabel(String label) {
        this.yLabel = label;
        return this;
    }

    /** Image size in pixels (default 900 x 500). */
    public RasterPlot size(int widthPx, int heightPx) {
        if (widthPx < 50 || heightPx < 50) {
            throw new IllegalArgumentException(
                    "RasterPlot: size must be at least 50 x 50 px, was " + widthPx + " x " + heightPx);
        }
        this.width = widthPx;
        this.height = heightPx;
        return this;
    }

    /**
     * Adds a group of spikes: spike {@code i} of the group happened at {@code times[i]} in neuron {@code rows[i]}
     * (a row index, possibly offset so that groups stack). A group may be empty (a silent population).
     */
    public RasterPlot spikes(String name, double[] times, double[] rows) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("RasterPlot '" + title + "': group name must not be blank");
        }
        if (times == null || rows == null || times.length != rows.length) {
            throw new IllegalArgumentException("RasterPlot '" + title + "': group '" + name + "' needs as many rows as"
                    + " times, was " + (times == null ? "null" : times.length) + " times and "
                    + (rows == null ? "null" : rows.length) + " rows");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException(
                    "RasterPlot '" + title + "': group name '" + name + "' is used twice, expected unique names");
        }
        groups.add(new Group(name, times, rows));
        return this;
    }

    /** Renders the raster and writes it as a PNG (parent folders are created; an existing file is replaced). */
    public void save(Path png) throws IOException {
        if (groups.isEmpty()) {
            throw new IllegalStateException(
                    "RasterPlot '" + title + "': no spikes to plot, add a group with spikes(...)");
        }
        XYChart chart = new XYChartBuilder()
                .width(width)
                .height(height)
                .title(title)
                .xAxisTitle(xLabel)
                .yAxisTitle(yLabel)
                .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
        chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
        chart.getStyler().setMarkerSize(3);
        for (Group g : groups) {
            // XChart cannot draw an empty series; a silent group still gets its legend entry from a NaN point.
            double[] x = g.times().length == 0 ? new double[] {Double.NaN} : g.times();
            double[] y = g.rows().length == 0 ? new double[] {Double.NaN} : g.rows();
            XYSeries s = chart.addSeries(g.name(), x, y);
            s.setMarker(SeriesMarkers.SQUARE);
        }
        PngWriter.save(chart, png);
    }
}
