package org.myelin.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One engine's figures for one workload, as a worker hands them to the runner (one CSV line) and as the report
 * prints them. Times are per training/inference step of {@code batch} samples.
 *
 * @param status     {@code ok}, {@code busy} (some windows ran while other processes used the CPUs),
 *                   {@code refused} (gradients disagreed; not timed) or {@code failed}
 * @param gradError  worst relative gradient error against Myelin's (NaN where not checked)
 * @param trajectoryError distance of the engine's parameters after {@link Trajectory#STEPS} float32 training steps
 *                   from a float64 run of the same algorithm ({@link Trajectory}; NaN where not checked)
 * @param extra      engine-specific figure: GFLOP/s for the gemm roofline, NaN otherwise
 */
public record Result(
        String workload,
        String engine,
        int batch,
        double msMedian,
        double msMin,
        double msMax,
        int windows,
        int busyWindows,
        int busyDiscarded,
        double otherCoresMax,
        double loadAverageMax,
        double gradError,
        double trajectoryError,
        double extra,
        String status,
        String note) {

    public static final String HEADER = "workload,engine,batch,ms_median,ms_min,ms_max,windows,busy_windows,"
            + "busy_discarded,other_cores_max,loadavg_max,grad_error,trajectory_error,extra,status,note";

    /** A result from a measurement of calls of {@code stepsPerCall} steps. */
    public static Result of(
            Workload w,
            String engine,
            Timing.Measurement m,
            int stepsPerCall,
            double gradError,
            double trajectoryError,
            double extra,
            String note) {
        double k = 1e3 / stepsPerCall;
        String status = m.busyWindows() > 0 ? "busy" : "ok";
        return new Result(
                w.name(),
                engine,
                w.batch(),
                m.medianSecondsPerCall() * k,
                m.minSecondsPerCall() * k,
                m.maxSecondsPerCall() * k,
                m.windows().size(),
                m.busyWindows(),
                m.busyDiscarded(),
                m.maxOtherCores(),
                m.maxLoadAverage(),
                gradError,
                trajectoryError,
                extra,
                status,
                note);
    }

    /** A row without figures: the worker refused or failed. */
    public static Result without(Workload w, String engine, double gradError, String status, String note) {
        return new Result(
                w.name(),
                engine,
                w.batch(),
                Double.NaN,
                Double.NaN,
                Double.NaN,
                0,
                0,
                0,
                Double.NaN,
                Double.NaN,
                gradError,
                Double.NaN,
                Double.NaN,
                status,
                note);
    }

    /**
     * One row from the same engine's rows of several rounds (the runner's {@code --rounds}): the round with the median
     * step time (the lower middle one of an even count) keeps its figures and checks, the fastest and slowest
     * windows become those of all rounds, and the note lists each round's median. Rounds without figures count only
     * when no round has any.
     */
    public static Result medianOfRounds(List<Result> rounds) {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("medianOfRounds needs at least one round");
        }
        List<Result> timed =
                new ArrayList<>(rounds.stream().filter(Result::hasFigures).toList());
        if (rounds.size() == 1 || timed.isEmpty()) {
            return rounds.get(0);
        }
        timed.sort(java.util.Comparator.comparingDouble(Result::msMedian));
        Result m = timed.get((timed.size() - 1) / 2);
        StringBuilder note =
                new StringBuilder("median of ").append(timed.size()).append(" rounds (");
        for (int i = 0; i < rounds.size(); i++) {
            Result r = rounds.get(i);
            note.append(i == 0 ? "" : "; ")
                    .append(r.hasFigures() ? String.format(Locale.ROOT, "%.3g ms", r.msMedian()) : r.status());
        }
        note.append(")");
        if (m.note() != null && !m.note().isEmpty()) {
            note.append("; ").append(m.note());
        }
        boolean anyBusy = timed.stream().anyMatch(r -> r.status().equals("busy"));
        return new Result(
                m.workload(),
                m.engine(),
                m.batch(),
                m.msMedian(),
                timed.stream().mapToDouble(Result::msMin).min().orElse(Double.NaN),
                timed.stream().mapToDouble(Result::msMax).max().orElse(Double.NaN),
                timed.stream().mapToInt(Result::windows).sum(),
                timed.stream().mapToInt(Result::busyWindows).sum(),
                timed.stream().mapToInt(Result::busyDiscarded).sum(),
                maxOf(timed, Result::otherCoresMax),
                maxOf(timed, Result::loadAverageMax),
                m.gradError(),
                maxOf(timed, Result::trajectoryError),
                m.extra(),
                anyBusy ? "busy" : m.status(),
                note.toString());
    }

    /** The largest finite value of a field over the rounds, NaN when none is finite. */
    private static double maxOf(List<Result> rounds, java.util.function.ToDoubleFunction<Result> field) {
        return rounds.stream().mapToDouble(field).filter(Double::isFinite).max().orElse(Double.NaN);
    }

    public boolean hasFigures() {
        return Double.isFinite(msMedian);
    }

    /** Samples per second at the median (and at the fastest and slowest window) step time. */
    public double samplesPerSecond() {
        return batch * 1e3 / msMedian;
    }

    public double samplesPerSecondMin() {
        return batch * 1e3 / msMax;
    }

    public double samplesPerSecondMax() {
        return batch * 1e3 / msMin;
    }

    public String toCsv() {
        return String.join(
                ",",
                workload,
                engine,
                Integer.toString(batch),
                num(msMedian),
                num(msMin),
                num(msMax),
                Integer.toString(windows),
                Integer.toString(busyWindows),
                Integer.toString(busyDiscarded),
                num(otherCoresMax),
                num(loadAverageMax),
                num(gradError),
                num(trajectoryError),
                num(extra),
                status,
                note == null ? "" : note.replace(',', ';').replace('\n', ' '));
    }

    public static Result parse(String line) {
        String[] f = line.split(",", -1);
        if (f.length != 16) {
            throw new IllegalArgumentException("result line has " + f.length + " fields, expected 16: " + line);
        }
        return new Result(
                f[0],
                f[1],
                Integer.parseInt(f[2]),
                parseNum(f[3]),
                parseNum(f[4]),
                parseNum(f[5]),
                Integer.parseInt(f[6]),
                Integer.parseInt(f[7]),
                Integer.parseInt(f[8]),
                parseNum(f[9]),
                parseNum(f[10]),
                parseNum(f[11]),
                parseNum(f[12]),
                parseNum(f[13]),
                f[14],
                f[15]);
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, HEADER + "\n" + toCsv() + "\n");
    }

    public static List<Result> readAll(Path file) throws IOException {
        List<Result> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank() && !line.equals(HEADER)) {
                out.add(parse(line));
            }
        }
        return out;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static double parseNum(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }
}
