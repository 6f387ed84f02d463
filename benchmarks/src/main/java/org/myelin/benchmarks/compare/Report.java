package org.myelin.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.myelin.benchmarks.harness.Result;
import org.myelin.benchmarks.harness.Trajectory;

/**
 * The side-by-side report of one run: the table (text and Markdown), the CSV, the PNG bar chart and the check of
 * its {@link #TARGETS}. Ratios are Myelin's samples/s (native kernels) over the row engine's, in the same run;
 * the gemm share of a Myelin row is the gemm roofline's time for the workload over Myelin's step time.
 */
public final class Report {
    /** The Myelin row every ratio is taken against. */
    public static final String MYELIN = "myelin-native";

    /** The same workloads driven only through the public API, as a library user writes them. */
    public static final String MYELIN_API = "myelin-api";
    /** How much slower than {@link #MYELIN} the library-API row may be (issue 17: within 10%). */
    public static final double API_TOLERANCE = 0.10;

    public static final String ROOFLINE = "gemm";
    /** The same gemms on OpenBLAS (the roofline of {@code myelin-openblas}). */
    public static final String ROOFLINE_OPENBLAS = "gemm-openblas";
    /** The same gemms on MKL (the roofline of {@code myelin-mkl}). */
    public static final String ROOFLINE_MKL = "gemm-mkl";

    /**
     * The BLAS an engine forces ({@code -Dmyelin.blas}): {@code openblas} for {@code myelin-openblas} and
     * {@code gemm-openblas}, {@code mkl} for {@code myelin-mkl} and {@code gemm-mkl}, null for the others (the BLAS
     * {@code org.myelin.Blas} picks).
     */
    public static String forcedBlas(String engine) {
        return engine.endsWith("-openblas") ? "openblas" : engine.endsWith("-mkl") ? "mkl" : null;
    }

    /** Whether a row is one of the gemm rooflines. */
    static boolean isRoofline(String engine) {
        return engine.equals(ROOFLINE) || engine.equals(ROOFLINE_OPENBLAS) || engine.equals(ROOFLINE_MKL);
    }

    /** A ratio target: Myelin at least {@code min} times {@code peer} on {@code workload}. */
    public record Target(String workload, String peer, double min) {}

    /** The side-by-side targets (docs/benchmarks.md); the gemm-share target is {@link #GEMM_SHARE_TARGET} on {@link #SHARE_WORKLOAD}. */
    public static final List<Target> TARGETS = List.of(
            // Issue 17: every ratio against the peer at its own best settings (each peer's OpenMP wait policy).
            new Target("mlp-adam-128", "pytorch", 2.0),
            new Target("mlp-adam-128", "dl4j", 6.0),
            new Target("mlp-sgd-128", "pytorch", 1.5),
            new Target("mlp-sgd-32", "pytorch", 1.5),
            new Target("mlp-adam-1024", "pytorch", 1.2),
            new Target("mlp-sgd-1024", "pytorch", 1.2),
            new Target("infer-1024", "pytorch", 1.2),
            new Target("infer-128", "pytorch", 1.2),
            new Target("spiking-10k", "brian2-cpp", 2.0),
            new Target("spiking-10k-dt0.1", "brian2-cpp", 2.0),
            // Issue 16: the CNN training steps >= 2x DL4J and >= 1x PyTorch, inference >= 1x PyTorch.
            new Target("cnn-adam-64", "dl4j", 2.0),
            new Target("cnn-adam-64", "pytorch", 1.0),
            new Target("cnn-adam-128", "dl4j", 2.0),
            new Target("cnn-adam-128", "pytorch", 1.0),
            new Target("lenet-adam-64", "dl4j", 2.0),
            new Target("lenet-adam-64", "pytorch", 1.0),
            new Target("lenet-adam-128", "dl4j", 2.0),
            new Target("lenet-adam-128", "pytorch", 1.0),
            new Target("cnn-infer-1", "pytorch", 1.0),
            new Target("cnn-infer-256", "pytorch", 1.0));
    /** Simulated seconds per wall second Myelin's spiking step should reach, per spiking workload. */
    public static final Map<String, Double> REAL_TIME_TARGETS = Map.of("spiking-10k", 10.0, "spiking-10k-dt0.1", 4.0);

    public static final String SHARE_WORKLOAD = "mlp-adam-128";
    public static final double GEMM_SHARE_TARGET = 0.7;

    private final List<Result> rows;
    private final Map<String, Result> byKey = new LinkedHashMap<>();

    public Report(List<Result> rows) {
        this.rows = List.copyOf(rows);
        for (Result r : rows) {
            byKey.put(r.workload() + "/" + r.engine(), r);
        }
    }

    public List<Result> rows() {
        return rows;
    }

    Result find(String workload, String engine) {
        Result r = byKey.get(workload + "/" + engine);
        return r != null && r.hasFigures() ? r : null;
    }

    /** Myelin's samples/s over this row's, NaN where either is missing. */
    public double ratio(Result r) {
        Result m = find(r.workload(), MYELIN);
        return m == null || !r.hasFigures() ? Double.NaN : m.samplesPerSecond() / r.samplesPerSecond();
    }

    /**
     * Roofline gemm time over this (Myelin) row's step time, against the roofline on the same BLAS; NaN for other
     * engines or without a roofline.
     */
    public double gemmShare(Result r) {
        String blas = forcedBlas(r.engine());
        Result g = find(r.workload(), blas == null ? ROOFLINE : "gemm-" + blas);
        return g == null || !r.hasFigures() || !r.engine().startsWith("myelin")
                ? Double.NaN
                : g.msMedian() / r.msMedian();
    }

    private static String[] header() {
        return new String[] {
            "workload", "engine", "samples/s median [min-max]", "ms/step", "Myelin / engine", "gemm share", "status"
        };
    }

    private List<String[]> cells() {
        List<String[]> out = new ArrayList<>();
        for (Result r : rows) {
            String sps = r.hasFigures()
                    ? String.format(
                            Locale.ROOT,
                            "%s [%s-%s]",
                            count(r.samplesPerSecond()),
                            count(r.samplesPerSecondMin()),
                            count(r.samplesPerSecondMax()))
                    : "-";
            String ms = r.hasFigures() ? String.format(Locale.ROOT, "%.3g", r.msMedian()) : "-";
            double ratio = ratio(r);
            double share = gemmShare(r);
            StringBuilder status = new StringBuilder(r.status());
            if (r.busyWindows() > 0 || r.busyDiscarded() > 0) {
                status.append(String.format(
                        Locale.ROOT,
                        " (%d busy kept, %d redone; others up to %.2f CPUs)",
                        r.busyWindows(),
                        r.busyDiscarded(),
                        r.otherCoresMax()));
            }
            if (isRoofline(r.engine()) && Double.isFinite(r.extra())) {
                status.append(String.format(Locale.ROOT, "; %.1f GFLOP/s", r.extra()));
            } else if (Double.isFinite(r.extra())) {
                status.append(String.format(Locale.ROOT, "; %.3g simulated s per wall s", r.extra()));
            }
            if (Double.isFinite(r.gradError())) {
                status.append(String.format(Locale.ROOT, "; grad err %.1e", r.gradError()));
            }
            if (Double.isFinite(r.trajectoryError())) {
                status.append(String.format(
                        Locale.ROOT,
                        "; %d-step dist %.1e%s",
                        Trajectory.STEPS,
                        r.trajectoryError(),
                        r.trajectoryError() > Trajectory.TOLERANCE ? " DRIFT" : ""));
            }
            if (!r.status().equals("ok")
                    && !r.status().equals("busy")
                    && r.note() != null
                    && !r.note().isEmpty()) {
                status.append(": ").append(r.note());
            }
            out.add(new String[] {
                r.workload(),
                label(r),
                sps,
                ms,
                Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2fx", ratio) : "",
                Double.isFinite(share) ? String.format(Locale.ROOT, "%.0f%%", 100 * share) : "",
                status.toString()
            });
        }
        return out;
    }

    private static String label(Result r) {
        return r.engine().equals(ROOFLINE)
                ? "gemm roofline"
                : isRoofline(r.engine()) ? "gemm (" + forcedBlas(r.engine()) + ")" : r.engine();
    }

    static String count(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** The table as aligned plain text. */
    public String text() {
        List<String[]> all = new ArrayList<>();
        all.add(header());
        all.addAll(cells());
        int[] width = new int[header().length];
        for (String[] row : all) {
            for (int i = 0; i < row.length; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        String previous = null;
        for (String[] row : all) {
            if (previous != null && !row[0].equals(previous)) {
                sb.append('\n');
            }
            previous = row[0];
            for (int i = 0; i < row.length; i++) {
                sb.append(i == row.length - 1 ? row[i] : String.format("%-" + width[i] + "s  ", row[i]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The table in Markdown, for docs/benchmarks.md. */
    public String markdown() {
        StringBuilder sb = new StringBuilder("| " + String.join(" | ", header()) + " |\n");
        sb.append("|").append(" --- |".repeat(header().length)).append('\n');
        for (String[] row : cells()) {
            sb.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return sb.toString();
    }

    /** Every result field plus samples/s, the ratio and the gemm share. */
    public void writeCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder(Result.HEADER + ",samples_per_s_median,samples_per_s_min,"
                + "samples_per_s_max,myelin_over_engine,gemm_share\n");
        for (Result r : rows) {
            sb.append(r.toCsv())
                    .append(',')
                    .append(num(r.hasFigures() ? r.samplesPerSecond() : Double.NaN))
                    .append(',')
                    .append(num(r.hasFigures() ? r.samplesPerSecondMin() : Double.NaN))
                    .append(',')
                    .append(num(r.hasFigures() ? r.samplesPerSecondMax() : Double.NaN))
                    .append(',')
                    .append(num(ratio(r)))
                    .append(',')
                    .append(num(gemmShare(r)))
                    .append('\n');
        }
        Files.writeString(file, sb.toString());
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    /**
     * Grouped bars: samples/s (log scale) per workload, one series per engine; the spiking workloads are left out, so
     * a run of those only writes no chart.
     */
    public void writeChart(Path png, String title) throws IOException {
        List<String> workloads = new ArrayList<>();
        List<String> engines = new ArrayList<>();
        for (Result r : rows) {
            if (r.workload().startsWith("spiking")) {
                continue;
            }
            if (!workloads.contains(r.workload())) {
                workloads.add(r.workload());
            }
            if (!engines.contains(r.engine())) {
                engines.add(r.engine());
            }
        }
        if (workloads.isEmpty()) {
            return; // a run of the spiking workloads only: nothing to chart (XChart fails on an empty category axis)
        }
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(1400)
                .height(700)
                .title(title)
                .xAxisTitle("workload")
                .yAxisTitle("samples/s (median; log scale)")
                .build();
        chart.getStyler().setYAxisLogarithmic(true);
        // Bars start at the axis minimum; XChart refuses a logarithmic bar chart without one.
        double min = rows.stream()
                .filter(r -> !r.workload().startsWith("spiking") && r.hasFigures())
                .mapToDouble(Result::samplesPerSecond)
                .min()
                .orElse(1);
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(20);
        for (String e : engines) {
            List<Double> y = new ArrayList<>();
            for (String w : workloads) {
                Result r = find(w, e);
                // XChart draws no bar for a null value (an engine that did not run or was refused).
                y.add(r == null ? null : r.samplesPerSecond());
            }
            chart.addSeries(e.equals(ROOFLINE) ? "gemm roofline (bound)" : e, workloads, y);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * One line per target: met or missed, and by how much. A verdict from rows measured while the machine was busy
     * is marked as such, and a gemm share above 100% (the gemms alone slower than the whole step: the roofline run
     * was disturbed) is reported as invalid rather than met.
     */
    public List<String> targets() {
        List<String> out = new ArrayList<>();
        for (Target t : TARGETS) {
            Result peer = find(t.workload(), t.peer());
            Result m = find(t.workload(), MYELIN);
            if (peer == null || m == null) {
                continue;
            }
            double ratio = ratio(peer);
            out.add(String.format(
                    Locale.ROOT,
                    "%s %s: Myelin %.2fx %s (target >= %.1fx)%s%s",
                    t.workload(),
                    ratio >= t.min() ? "MET" : "MISSED",
                    ratio,
                    t.peer(),
                    t.min(),
                    ratio >= t.min()
                            ? ""
                            : String.format(Locale.ROOT, " - short by %.0f%%", 100 * (1 - ratio / t.min())),
                    busyNote(m, peer)));
        }
        for (Map.Entry<String, Double> t : new java.util.TreeMap<>(REAL_TIME_TARGETS).entrySet()) {
            Result s = find(t.getKey(), MYELIN);
            if (s != null && Double.isFinite(s.extra())) {
                out.add(String.format(
                        Locale.ROOT,
                        "%s %s: Myelin %.3g simulated s per wall s (target >= %.0f)%s",
                        t.getKey(),
                        s.extra() >= t.getValue() ? "MET" : "MISSED",
                        s.extra(),
                        t.getValue(),
                        busyNote(s)));
            }
        }
        for (Result api : rows) {
            Result m = find(api.workload(), MYELIN);
            if (!api.engine().equals(MYELIN_API) || !api.hasFigures() || m == null) {
                continue;
            }
            double slower = api.msMedian() / m.msMedian() - 1;
            out.add(String.format(
                    Locale.ROOT,
                    "%s %s: the library API is %.0f%% %s than %s (target: at most %.0f%% slower)%s",
                    api.workload(),
                    slower <= API_TOLERANCE ? "MET" : "MISSED",
                    100 * Math.abs(slower),
                    slower >= 0 ? "slower" : "faster",
                    MYELIN,
                    100 * API_TOLERANCE,
                    busyNote(m, api)));
        }
        Result m = find(SHARE_WORKLOAD, MYELIN);
        Result g = find(SHARE_WORKLOAD, ROOFLINE);
        if (m != null && g != null) {
            double share = gemmShare(m);
            String verdict = share > 1 ? "INVALID" : share >= GEMM_SHARE_TARGET ? "MET" : "MISSED";
            out.add(String.format(
                    Locale.ROOT,
                    "%s %s: gemm share %.0f%% (target >= %.0f%%)%s%s",
                    SHARE_WORKLOAD,
                    verdict,
                    100 * share,
                    100 * GEMM_SHARE_TARGET,
                    share > 1 ? " - the gemms alone took longer than the step: the roofline run was disturbed" : "",
                    busyNote(m, g)));
        }
        return out;
    }

    private static String busyNote(Result... rows) {
        for (Result r : rows) {
            if (r.busyWindows() > 0) {
                return " [measured while the machine was busy: not a valid verdict]";
            }
        }
        return "";
    }

    public boolean anyTargetMissed() {
        return targets().stream().anyMatch(s -> s.contains("MISSED") || s.contains("INVALID"));
    }
}
