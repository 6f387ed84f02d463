package org.myelin.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The common {@code main} of every engine's worker JVM: parse the arguments, check gradients against Myelin's
 * exchange files (a peer whose gradients disagree is refused, not timed), check a short training trajectory
 * against a float64 run ({@link Trajectory}; a drift is flagged in the result and on stderr, the step is still
 * timed, since a peer's optimiser is not ours to fix), time the step, write the result.
 *
 * <p>Arguments: {@code --engine NAME --workload NAME [--mode full|quick|tiny] [--exchange DIR] [--result FILE]
 * [--env FILE]}. Exit status 0 when timed, 3 when refused, 1 on errors.
 */
public final class WorkerMain {

    /** What an engine supplies to the common worker. */
    public interface Engine {
        /**
         * Loads the exchange's weights and batch, computes this engine's batch-mean gradients and returns their
         * worst error against the exchange's ({@link Exchange#worstError}); NaN when the engine is the reference.
         */
        double gradientError(Workload w, Exchange ex) throws Exception;

        /**
         * Trains the workload's MLP from the exchange's weights for {@code steps} float32 steps on the batch
         * {@code x} (rows, in) with {@code labels}, with the optimiser the engine is timed with, and returns its
         * parameters as {@code {w0, b0, w1, b1, ...}} in the exchange's layout ({@link Trajectory}); null when the
         * engine has no such check.
         */
        default java.util.List<float[]> trainedParameters(
                Workload w, Exchange ex, NpyFloats.Array x, int[] labels, int steps) throws Exception {
            return null;
        }

        /** Where this engine's Adam adds eps (the float64 run of the trajectory check follows it). */
        default Trajectory.AdamForm adamForm() {
            return Trajectory.AdamForm.TORCH;
        }

        /** Builds the model and data for {@code w} (weights from the exchange where given) and returns one call's work. */
        Timing.Step prepare(Workload w, Exchange ex) throws Exception;

        /** Steps per call of the prepared step. */
        default int stepsPerCall() {
            return 1;
        }

        /** Extra figure for the result (e.g. GFLOP/s), computed from the median seconds per step. */
        default double extra(Workload w, double secondsPerStep) {
            return Double.NaN;
        }

        /** A remark for the result's note after the mode (e.g. a spiking network's mean rate), or null. */
        default String note(Workload w) {
            return null;
        }

        /** Versions and settings to record, e.g. {@code libtorch=2.7.1}. */
        Map<String, String> environment();
    }

    /** Parsed {@code --key value} arguments. */
    public record Args(
            String engine,
            Workload workload,
            Timing.Settings settings,
            String mode,
            Path exchange,
            Path result,
            Path env) {
        public static Args parse(String[] argv) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i < argv.length; i++) {
                if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("expected --key value pairs, got '" + argv[i] + "'");
                }
                m.put(argv[i].substring(2), argv[++i]);
            }
            String mode = m.getOrDefault("mode", "full");
            Timing.Settings s = switch (mode) {
                case "full" -> Timing.Settings.full();
                case "quick" -> Timing.Settings.quick();
                case "tiny" -> Timing.Settings.tiny();
                default -> throw new IllegalArgumentException("--mode must be full, quick or tiny, was " + mode);
            };
            if (!m.containsKey("engine") || !m.containsKey("workload")) {
                throw new IllegalArgumentException("--engine and --workload are required, got " + m.keySet());
            }
            return new Args(
                    m.get("engine"),
                    Workload.byName(m.get("workload")),
                    s,
                    mode,
                    path(m, "exchange"),
                    path(m, "result"),
                    path(m, "env"));
        }

        private static Path path(Map<String, String> m, String key) {
            return m.containsKey(key) ? Path.of(m.get(key)) : null;
        }
    }

    private WorkerMain() {}

    /** Runs the worker and returns its exit status (the caller's {@code main} passes it to {@code System.exit}). */
    public static int run(String[] argv, Engine engine) {
        Args a;
        try {
            a = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("worker: " + e.getMessage());
            return 1;
        }
        Workload w = a.workload();
        Exchange ex = a.exchange() == null ? null : new Exchange(a.exchange());
        try {
            writeEnvironment(a, engine);
            double error = Double.NaN;
            if (ex != null) {
                error = engine.gradientError(w, ex);
                if (!(error <= Exchange.TOLERANCE) && !Double.isNaN(error)) {
                    String note = String.format(
                            Locale.ROOT,
                            "gradients disagree with Myelin's: relative error %.3g" + " > %.0e; not timed",
                            error,
                            Exchange.TOLERANCE);
                    report(a, Result.without(w, a.engine(), error, "refused", note));
                    return 3;
                }
            }
            double trajectory = Double.NaN;
            String note = a.mode();
            if (ex != null && w.kind() == Workload.Kind.TRAIN) {
                java.util.List<float[]> p = engine.trainedParameters(
                        w, ex, Trajectory.features(ex), Trajectory.labels(ex), Trajectory.STEPS);
                if (p != null) {
                    trajectory = Trajectory.distance(p, Trajectory.reference(w, ex, engine.adamForm()));
                    if (!(trajectory <= Trajectory.TOLERANCE)) {
                        note += String.format(
                                Locale.ROOT,
                                "; trajectory drifts: %d %s steps end %.2g from the float64" + " run (%s form) > %.0e",
                                Trajectory.STEPS,
                                w.optimizer(),
                                trajectory,
                                engine.adamForm(),
                                Trajectory.TOLERANCE);
                        System.err.println("WARNING " + a.engine() + " " + w.name() + ": " + note);
                    }
                }
            }
            Timing.Step step = engine.prepare(w, ex);
            Timing.Measurement m = Timing.measure(a.settings(), step);
            double secondsPerStep = m.medianSecondsPerCall() / engine.stepsPerCall();
            String remark = engine.note(w);
            if (remark != null) {
                note += "; " + remark;
            }
            report(
                    a,
                    Result.of(
                            w,
                            a.engine(),
                            m,
                            engine.stepsPerCall(),
                            error,
                            trajectory,
                            engine.extra(w, secondsPerStep),
                            note));
            return 0;
        } catch (Exception | Error e) {
            e.printStackTrace();
            try {
                report(a, Result.without(w, a.engine(), Double.NaN, "failed", e.toString()));
            } catch (IOException io) {
                io.printStackTrace();
            }
            return 1;
        }
    }

    private static void report(Args a, Result r) throws IOException {
        System.out.println(Result.HEADER);
        System.out.println(r.toCsv());
        if (a.result() != null) {
            r.write(a.result());
        }
    }

    private static void writeEnvironment(Args a, Engine engine) throws IOException {
        if (a.env() == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        engine.environment()
                .forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        sb.append("java=")
                .append(System.getProperty("java.vm.name"))
                .append(' ')
                .append(System.getProperty("java.version"))
                .append('\n');
        for (String var :
                new String[] {"OMP_WAIT_POLICY", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"}) {
            sb.append("env.").append(var).append('=').append(System.getenv(var)).append('\n');
        }
        Files.writeString(a.env(), sb.toString());
    }
}
