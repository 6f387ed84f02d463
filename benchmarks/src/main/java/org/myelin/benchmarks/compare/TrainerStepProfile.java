package org.myelin.benchmarks.compare;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.myelin.Profiler;
import org.myelin.benchmarks.harness.Timing;
import org.myelin.benchmarks.harness.Workload;
import org.myelin.data.Dataset;
import org.myelin.kernel.Kernels;
import org.myelin.train.Trainer;

/**
 * Where a training step (or an inference pass) of an MLP workload goes, measured inside it: the trainer runs exactly as
 * {@link MyelinWorker} runs it for {@code scripts/bench} (same model, data, optimiser, one epoch of
 * {@link MyelinWorker#trainerSteps} steps per {@code fit()} call), with the engine's {@link Profiler} on, and each
 * phase's self time (its scope's wall time less the scopes nested in it) per step is the median over the timed
 * calls. The rows add up to the measured step: the last row but one is the measured step less the sum of the phase
 * medians (the Java code between the timed phases and the noise of medians), the last the median wall time of a step
 * ({@code fit()} call / steps, as the benchmark divides it). A second table sums the rows by kind (gemm, native
 * passes, other ND4J calls, workspace, batch gathering, Java).
 *
 * <p>For an inference workload the timed call is the worker's: one forward pass under no-grad in a workspace.
 *
 * <p>Wall time, because the gemms run on {@code OMP_NUM_THREADS} threads; on a shared machine quote the load average
 * printed in the header. A diagnostic for docs/benchmarks.md, not a benchmark of record.
 */
final class TrainerStepProfile {
    /** Rows that are calls into ND4J other than the gemms (the "ND4J calls" kind of the summary). */
    private static final List<String> ND4J_CALLS = List.of(
            "bias gradient dz.sum(0)",
            "bias gradient column sums",
            "bias gradient reshape",
            "autograd gradient accumulation",
            "autograd dup of a shared gradient",
            "accuracy (Evaluation.correct)",
            "loss value item()",
            "loss gradient",
            "result arrays");

    private static final String JAVA = "Java (trainer, modules, ops, autograd, optimiser shells)";

    private TrainerStepProfile() {}

    /**
     * Profiles {@code w} over {@code reps} timed calls ({@code fit()}, or a forward pass for inference) after as many
     * untimed ones, and prints it; {@code api}: the calls of the {@code myelin-api} row instead of
     * {@code myelin-native}'s (a new {@code Trainer} per {@code fit()}, a forward pass outside any workspace).
     */
    static void run(Workload w, int reps, boolean api) throws Exception {
        if (!Profiler.ENABLED) {
            throw new IllegalStateException("StepProfile " + w.name() + ": the engine's profiler is off; start the JVM"
                    + " with -Dmyelin.profile=true");
        }
        if (reps < 1) {
            throw new IllegalArgumentException("StepProfile: reps must be >= 1, was " + reps);
        }
        int steps;
        Timing.Step call;
        if (w.kind() == Workload.Kind.INFER) {
            steps = 1; // one forward pass under no-grad in a workspace, as the worker times it
            call = api
                    ? MyelinWorker.libraryInference(MyelinWorker.model(w), w)
                    : MyelinWorker.inference(MyelinWorker.model(w), w);
        } else {
            steps = MyelinWorker.trainerSteps(w);
            Dataset data = MyelinWorker.trainingData(w, steps);
            if (api) {
                call = MyelinWorker.libraryFit(MyelinWorker.model(w), w, data);
            } else {
                Trainer trainer = MyelinWorker.newTrainer(MyelinWorker.model(w), w);
                call = () -> trainer.fit(data, null);
            }
        }
        for (int i = 0; i < Math.max(5, reps); i++) {
            call.run(); // JIT and the step workspace's first loop
        }
        Map<String, double[][]> rows = new LinkedHashMap<>(); // label -> [self, total, self CPU][rep], ms per step
        Map<String, Long> calls = new LinkedHashMap<>();
        double[] stepMs = new double[reps];
        double[] stepCpuMs = new double[reps];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int r = 0; r < reps; r++) {
            Profiler.start();
            long cpu = threads.getCurrentThreadCpuTime();
            long started = System.nanoTime();
            call.run();
            stepMs[r] = (System.nanoTime() - started) / 1e6 / steps;
            stepCpuMs[r] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6 / steps;
            Profiler.stop();
            for (Profiler.Phase p : Profiler.snapshot()) {
                double[][] row = rows.computeIfAbsent(p.label(), k -> new double[3][reps]);
                row[0][r] = p.selfNanos() / 1e6 / steps;
                row[1][r] = p.totalNanos() / 1e6 / steps;
                row[2][r] = p.selfCpuNanos() / 1e6 / steps;
                calls.put(p.label(), p.calls());
            }
        }
        print(w, api ? MyelinWorker.API : "myelin-native", reps, steps, rows, calls, stepMs, stepCpuMs);
    }

    private static void print(
            Workload w,
            String engine,
            int reps,
            int steps,
            Map<String, double[][]> rows,
            Map<String, Long> calls,
            double[] stepMs,
            double[] stepCpuMs) {
        boolean cpu = Profiler.CPU_TIME;
        double step = median(stepMs);
        double stepMean = mean(stepMs);
        System.out.printf(
                Locale.ROOT,
                "%s (as %s), batch %d, %s, kernels %s, %d %s, wall time%s, OMP_NUM_THREADS=%s, load average %.2f on %d"
                        + " CPUs%n%n",
                w.name(),
                engine,
                w.batch(),
                w.kind() == Workload.Kind.INFER ? "inference" : w.optimizer(),
                Kernels.describe(),
                reps,
                w.kind() == Workload.Kind.INFER ? "forward passes" : "fit() calls of " + steps + " steps",
                cpu ? " and the training thread's CPU time" : "",
                System.getenv("OMP_NUM_THREADS"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(
                Locale.ROOT,
                "| phase | calls per step | ms per step (self, median) | share | mean | incl. nested (median) |%s%n"
                        + "| --- | ---: | ---: | ---: | ---: | ---: |%s%n",
                cpu ? " thread CPU ms (self, median) |" : "",
                cpu ? " ---: |" : "");
        Map<String, double[]> byKind = new LinkedHashMap<>(); // kind -> {median, mean, CPU}
        double[] sum = new double[3];
        for (Map.Entry<String, double[][]> e : rows.entrySet()) {
            String label = e.getKey();
            double[][] row = e.getValue();
            double[] v = {median(row[0]), mean(row[0]), median(row[2])};
            double total = median(row[1]);
            double[] k = byKind.computeIfAbsent(kind(label), x -> new double[3]);
            for (int i = 0; i < 3; i++) {
                sum[i] += v[i];
                k[i] += v[i];
            }
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %s | %.3f | %.1f%% | %.3f | %s |%s%n",
                    label,
                    perStep(calls.get(label), steps),
                    v[0],
                    100 * v[0] / step,
                    v[1],
                    total - v[0] > 0.0005 ? String.format(Locale.ROOT, "%.3f", total) : "",
                    cpu ? String.format(Locale.ROOT, " %.3f |", v[2]) : "");
        }
        double[] other = {step - sum[0], stepMean - sum[1], median(stepCpuMs) - sum[2]};
        double[] java = byKind.computeIfAbsent(JAVA, x -> new double[3]);
        for (int i = 0; i < 3; i++) {
            java[i] += other[i];
        }
        System.out.printf(
                Locale.ROOT,
                "| Java/other between phases | | %.3f | %.1f%% | %.3f | |%s%n",
                other[0],
                100 * other[0] / step,
                other[1],
                cpu ? String.format(Locale.ROOT, " %.3f |", other[2]) : "");
        System.out.printf(
                Locale.ROOT,
                "| **step (measured)** | | **%.3f** | 100%% | **%.3f** | |%s%n%n",
                step,
                stepMean,
                cpu ? String.format(Locale.ROOT, " **%.3f** |", median(stepCpuMs)) : "");
        System.out.printf(
                Locale.ROOT,
                "| kind | ms per step (median) | share | mean |%s%n| --- | ---: | ---: | ---: |%s%n",
                cpu ? " thread CPU ms |" : "",
                cpu ? " ---: |" : "");
        byKind.forEach((k, v) -> System.out.printf(
                Locale.ROOT,
                "| %s | %.3f | %.1f%% | %.3f |%s%n",
                k,
                v[0],
                100 * v[0] / step,
                v[1],
                cpu ? String.format(Locale.ROOT, " %.3f |", v[2]) : ""));
        System.out.printf(
                Locale.ROOT,
                "| **step (measured)** | **%.3f** | 100%% | **%.3f** |%s%n",
                step,
                stepMean,
                cpu ? String.format(Locale.ROOT, " **%.3f** |", median(stepCpuMs)) : "");
        System.out.printf(
                Locale.ROOT,
                "%nMedians of %d calls do not add up to the median step on a loaded machine (each phase is preempted in"
                        + " other calls); the \"Java/other\" row takes up the difference. The means add up exactly.%n",
                reps);
    }

    /** The summary kind of a phase row. */
    static String kind(String label) {
        if (label.startsWith("gemm ")) {
            return "gemm";
        }
        if (label.startsWith("batch gathering") || label.startsWith("native row gather")) {
            return "batch gathering";
        }
        if (label.startsWith("native ")) {
            return "native passes";
        }
        if (ND4J_CALLS.stream().anyMatch(label::startsWith)) {
            return "ND4J calls (bias sums, reshape, accumulation, accuracy, loss gradient, allocation)";
        }
        if (label.startsWith("workspace ")) {
            return "workspace open/close";
        }
        return JAVA;
    }

    private static String perStep(Long calls, int steps) {
        if (calls == null) {
            return "";
        }
        double c = (double) calls / steps;
        return c == Math.rint(c) ? Long.toString((long) c) : String.format(Locale.ROOT, "%.2f", c);
    }

    static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }

    /** The median, zeros included (a phase that did not run in a call counts 0 ms there). */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
