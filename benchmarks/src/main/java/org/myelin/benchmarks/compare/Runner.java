package org.myelin.benchmarks.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.myelin.Blas;
import org.myelin.benchmarks.harness.MachineLoad;
import org.myelin.benchmarks.harness.Result;
import org.myelin.benchmarks.harness.Workload;

/**
 * The end-to-end side-by-side run ({@code scripts/bench}): every engine on every workload, each in its own JVM
 * with the same thread settings, then one table, a CSV, a PNG chart, the machine and versions.
 *
 * <p>Options: {@code --mode full|quick|tiny}, {@code --out DIR} (default {@code out/bench/<timestamp>}),
 * {@code --threads N} (2), {@code --workloads a,b} and {@code --engines a,b} (default: all), {@code --pytorch-classpath
 * CP} (the PyTorch worker's classpath; without it PyTorch is skipped), {@code --breakdown auto|always|never}
 * (the per-phase breakdown of Myelin's step when a target is missed), {@code --strict} (exit 2 when any row ran
 * while the machine was busy), {@code --wait-policy ENGINE=passive|active|default,...} (override an engine's OpenMP
 * wait policy, {@link #defaultWaitPolicy}, to measure the alternative).
 */
public final class Runner {
    public static final List<String> ENGINES = List.of(
            "myelin-native",
            Report.MYELIN_API,
            "myelin-nd4j",
            "myelin-openblas",
            "myelin-mkl",
            "myelin-blas-threads",
            "dl4j",
            "pytorch",
            "gemm",
            "gemm-openblas",
            "gemm-mkl",
            "brian2-cython",
            "brian2-cpp");
    /** The Brian2 peer of the spiking workloads (run with the Python that imports brian2; see its docstring). */
    static final Path BRIAN2_SCRIPT = Path.of("benchmarks", "src", "main", "python", "brian2_spiking.py");

    private static final java.util.regex.Pattern MEAN_RATE = java.util.regex.Pattern.compile("mean rate ([0-9.]+) Hz");
    private static final String PYTORCH_MAIN = "org.myelin.benchmarks.pytorch.PytorchWorker";
    /** Values of {@code --wait-policy}: OMP_WAIT_POLICY set to PASSIVE or ACTIVE, or left unset (the runtime's own). */
    static final List<String> WAIT_POLICIES = List.of("passive", "active", "default");

    /**
     * Each engine's best OpenMP setting. ND4J's OpenMP threads spin between its many small ops and fight the BLAS
     * for the cores unless they sleep (PASSIVE), and MKL's then need {@code KMP_BLOCKTIME=200} to stay awake
     * between gemms; libtorch's intra-op threads are the opposite: under PASSIVE they sleep after every op and
     * PyTorch ran 1.6-1.9x slower, so it gets its runtime's default. Measured side by side, see docs/benchmarks.md.
     */
    static String defaultWaitPolicy(String engine) {
        // Brian2's devices run one thread without OpenMP here: nothing to set, its runtime's default.
        return engine.equals("pytorch") || engine.startsWith("brian2") ? "default" : "passive";
    }

    record Options(
            String mode,
            Path out,
            int threads,
            List<Workload> workloads,
            List<String> engines,
            String pytorchClasspath,
            String breakdown,
            boolean strict,
            Map<String, String> waitPolicies,
            int rounds) {
        /**
         * The wait policy of {@code engine}: its entry, or for the breakdown's phase runs ({@code myelin-forward},
         * ..., not in {@link #ENGINES}) Myelin's.
         */
        String waitPolicy(String engine) {
            return waitPolicies.getOrDefault(
                    engine, waitPolicies.getOrDefault(Report.MYELIN, defaultWaitPolicy(engine)));
        }

        static Options parse(String[] argv) {
            Map<String, String> m = new LinkedHashMap<>();
            boolean strict = false;
            for (int i = 0; i < argv.length; i++) {
                switch (argv[i]) {
                    case "--quick" -> m.put("mode", "quick");
                    case "--tiny" -> m.put("mode", "tiny");
                    case "--strict" -> strict = true;
                    default -> {
                        if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
                            throw new IllegalArgumentException("unexpected argument '" + argv[i] + "'");
                        }
                        m.put(argv[i].substring(2), argv[++i]);
                    }
                }
            }
            String mode = m.getOrDefault("mode", "full");
            if (!List.of("full", "quick", "tiny").contains(mode)) {
                throw new IllegalArgumentException("--mode must be full, quick or tiny, was " + mode);
            }
            Path out = Path.of(m.getOrDefault(
                    "out", "out/bench/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
            int threads = wholeNumber("--threads", m.getOrDefault("threads", "2"), 1, 4096);
            List<Workload> workloads = m.containsKey("workloads")
                    ? Arrays.stream(m.get("workloads").split(","))
                            .map(String::trim)
                            .map(Workload::byName)
                            .toList()
                    : mode.equals("tiny")
                            ? List.of(
                                    Workload.tiny("adam"),
                                    Workload.tiny("sgd"),
                                    Workload.tiny(null),
                                    Workload.byName("spiking-10k"))
                            : Workload.all();
            List<String> engines = m.containsKey("engines")
                    ? Arrays.stream(m.get("engines").split(","))
                            .map(String::trim)
                            .toList()
                    : ENGINES;
            for (String e : engines) {
                if (!ENGINES.contains(e)) {
                    throw new IllegalArgumentException("unknown engine '" + e + "', expected one of " + ENGINES);
                }
            }
            String breakdown = m.getOrDefault("breakdown", "auto");
            if (!List.of("auto", "always", "never").contains(breakdown)) {
                throw new IllegalArgumentException("--breakdown must be auto, always or never, was " + breakdown);
            }
            Map<String, String> policies = new LinkedHashMap<>();
            for (String e : ENGINES) {
                policies.put(e, defaultWaitPolicy(e));
            }
            if (m.containsKey("wait-policy")) {
                for (String kv : m.get("wait-policy").split(",")) {
                    String[] p = kv.trim().split("=", 2);
                    if (p.length != 2 || !ENGINES.contains(p[0]) || !WAIT_POLICIES.contains(p[1])) {
                        throw new IllegalArgumentException("--wait-policy takes ENGINE=POLICY pairs, ENGINE one of "
                                + ENGINES + ", POLICY one of " + WAIT_POLICIES + "; was '" + kv + "'");
                    }
                    policies.put(p[0], p[1]);
                }
            }
            int rounds = wholeNumber("--rounds", m.getOrDefault("rounds", "1"), 1, 99);
            return new Options(
                    mode,
                    out,
                    threads,
                    workloads,
                    engines,
                    m.get("pytorch-classpath"),
                    breakdown,
                    strict,
                    policies,
                    rounds);
        }
    }

    private static int wholeNumber(String option, String value, int min, int max) {
        int v;
        try {
            v = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            v = Integer.MIN_VALUE;
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    option + " must be a whole number from " + min + " to " + max + ", was '" + value + "'");
        }
        return v;
    }

    private final Options options;
    private final String nd4jClasspath = System.getProperty("java.class.path");
    private final String javaBinary =
            Path.of(System.getProperty("java.home"), "bin", "java").toString();
    /** Myelin's (native) mean output rate per spiking workload, which the Brian2 rows must match before timing. */
    private final Map<String, Double> myelinRates = new LinkedHashMap<>();
    /** The Python interpreter that imports brian2 ("" when none does), found on first use. */
    private String brian2Python;

    Runner(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.exit(new Runner(o).run());
    }

    int run() throws IOException, InterruptedException {
        Path out = options.out();
        for (String d : List.of("raw", "logs", "env", "exchange")) {
            Files.createDirectories(out.resolve(d));
        }
        double loadBefore = MachineLoad.loadAverage();
        long started = System.nanoTime();
        say(
                "bench: %s mode, %d threads, output %s; load average %.2f",
                options.mode(), options.threads(), out, loadBefore);
        List<Result> results = new ArrayList<>();
        for (Workload w : options.workloads()) {
            // Rounds interleave the engines (A B C A B C ...) so that each one's median spans the same minutes of
            // this machine's drifting pace; a single round is one reading of a VM whose speed changes by up to 2x.
            // Later rounds rotate the order, so that no engine always runs right after the same neighbour (round
            // 1 keeps myelin-native first: it writes the exchange the others check against).
            Map<String, List<Result>> rounds = new LinkedHashMap<>();
            for (int round = 1; round <= options.rounds(); round++) {
                for (String engine : roundOrder(enginesFor(w), round)) {
                    rounds.computeIfAbsent(engine, e -> new ArrayList<>()).add(job(w, engine, round));
                }
            }
            rounds.values().forEach(r -> results.add(Result.medianOfRounds(r)));
        }
        Report report = new Report(results);
        String table = report.text();
        List<String> targets = report.targets();
        String breakdownText = "";
        Workload shareWorkload = options.workloads().stream()
                .filter(w -> w.name().equals(Report.SHARE_WORKLOAD))
                .findFirst()
                .orElse(options.workloads().stream()
                        .filter(w -> w.kind() == Workload.Kind.TRAIN)
                        .findFirst()
                        .orElse(null));
        boolean wantBreakdown =
                options.breakdown().equals("always") || options.breakdown().equals("auto") && report.anyTargetMissed();
        if (wantBreakdown && shareWorkload != null && options.engines().contains("myelin-native")) {
            List<Result> phases = new ArrayList<>(results);
            if (report.find(shareWorkload.name(), Report.ROOFLINE) == null) {
                phases.add(job(shareWorkload, Report.ROOFLINE));
            }
            for (String p : Breakdown.PHASES) {
                Result r = job(shareWorkload, p);
                phases.add(r);
                results.add(r);
            }
            Breakdown b = Breakdown.of(shareWorkload.name(), phases);
            breakdownText = b == null ? "Breakdown: a phase run failed, see logs/\n" : b.text(shareWorkload.name());
        }
        deleteExchange(out.resolve("exchange"));
        double minutes = (System.nanoTime() - started) / 6e10;
        double loadAfter = MachineLoad.loadAverage();
        String summary = String.format(
                Locale.ROOT,
                "%s mode, %d threads per engine, %s, OMP_WAIT_POLICY: %s;"
                        + " load average %.2f before, %.2f after; %.1f min%n",
                options.mode(),
                options.threads(),
                options.rounds() == 1 ? "one round" : options.rounds() + " interleaved rounds (medians)",
                waitPolicySummary(),
                loadBefore,
                loadAfter,
                minutes);
        String targetText =
                targets.isEmpty() ? "" : "Targets (docs/benchmarks.md):\n  " + String.join("\n  ", targets) + "\n";
        String all = summary + "\n" + table + "\n" + targetText + (breakdownText.isEmpty() ? "" : "\n" + breakdownText);
        System.out.println();
        System.out.print(all);
        Report full = new Report(results);
        Files.writeString(out.resolve("table.txt"), all);
        Files.writeString(
                out.resolve("table.md"),
                report.markdown() + "\n" + summary + "\n" + targetText
                        + (breakdownText.isEmpty() ? "" : "\n```\n" + breakdownText + "```\n"));
        full.writeCsv(out.resolve("results.csv"));
        report.writeChart(
                out.resolve("chart.png"),
                "Myelin vs peers, " + options.threads() + " threads, " + options.mode() + " mode");
        writeMachine(out.resolve("machine.txt"), loadBefore, loadAfter);
        writeVersions(out.resolve("versions.txt"));
        System.out.println("\nwritten: " + out.resolve("table.txt") + ", results.csv, table.md, chart.png, machine.txt,"
                + " versions.txt");
        for (Result r : results) {
            if (r.trajectoryError() > org.myelin.benchmarks.harness.Trajectory.TOLERANCE) {
                System.out.printf(
                        Locale.ROOT,
                        "WARNING: %s on %s drifts: after %d training steps its parameters are"
                                + " %.2g from the float64 run of its algorithm (float32 noise is ~1e-4); see its log.%n",
                        r.engine(),
                        r.workload(),
                        org.myelin.benchmarks.harness.Trajectory.STEPS,
                        r.trajectoryError());
            }
        }
        boolean busy = results.stream().anyMatch(r -> r.status().equals("busy"));
        if (busy) {
            System.out.println("WARNING: some windows ran while other processes used the CPUs (status 'busy');"
                    + " these figures are not final.");
        }
        return options.strict() && busy ? 2 : 0;
    }

    /** The engines of round {@code round} (from 1): the list rotated left by {@code round - 1}. */
    static List<String> roundOrder(List<String> engines, int round) {
        List<String> order = new ArrayList<>(engines);
        if (!order.isEmpty()) {
            java.util.Collections.rotate(order, -((round - 1) % order.size()));
        }
        return order;
    }

    List<String> enginesFor(Workload w) {
        if (w.kind() == Workload.Kind.SPIKING) {
            // Myelin's rate is the reference the Brian2 rows check first: myelin-native runs first. The library-API
            // row is for the trainer and inference; a spiking network has no other way to be driven.
            List<String> e = new ArrayList<>(options.engines().stream()
                    .filter(n -> (n.startsWith("myelin") && !n.equals(Report.MYELIN_API)) || n.startsWith("brian2"))
                    .toList());
            if (e.remove("myelin-native")) {
                e.add(0, "myelin-native");
            }
            return e;
        }
        List<String> e = new ArrayList<>(options.engines());
        e.removeIf(n -> n.startsWith("brian2"));
        // Myelin writes the exchange every peer's gradients are checked against: it always runs first.
        e.remove("myelin-native");
        e.add(0, "myelin-native");
        return e;
    }

    /** Runs one engine on one workload in a fresh JVM and returns its result (a failed row when it has none). */
    Result job(Workload w, String engine) throws IOException, InterruptedException {
        return job(w, engine, 1);
    }

    /** {@link #job(Workload, String)} as round {@code round} of {@code --rounds} (its own result and log files). */
    Result job(Workload w, String engine, int round) throws IOException, InterruptedException {
        String id = engine + "__" + w.name() + (round > 1 ? "__round" + round : "");
        Path result = options.out().resolve("raw").resolve(id + ".csv");
        Path log = options.out().resolve("logs").resolve(id + ".log");
        Path exchange = options.out().resolve("exchange").resolve(w.exchangeKey());
        List<String> cmd = new ArrayList<>(List.of(javaBinary, "-Xmx6g", "-Djava.awt.headless=true"));
        String mainClass;
        String classpath = nd4jClasspath;
        String t = Integer.toString(options.threads());
        if ("mkl".equals(Report.forcedBlas(engine)) && !Blas.mklAvailable()) {
            return Result.without(w, engine, Double.NaN, "skipped", "the MKL natives are not on the class path");
        }
        switch (engine) {
            case "dl4j" -> mainClass = Dl4jWorker.class.getName();
            case "gemm" -> mainClass = GemmRoofline.class.getName();
            case "gemm-openblas", "gemm-mkl" -> {
                // The same gemms on one BLAS instead of the one Blas.select() picks.
                mainClass = GemmRoofline.class.getName();
                cmd.add("-D" + Blas.PROPERTY + "=" + Report.forcedBlas(engine));
            }
            case "brian2-cython", "brian2-cpp" -> {
                return brian2(w, engine);
            }
            case "pytorch" -> {
                if (options.pytorchClasspath() == null) {
                    return Result.without(w, engine, Double.NaN, "skipped", "no --pytorch-classpath");
                }
                mainClass = PYTORCH_MAIN;
                classpath = options.pytorchClasspath();
                cmd.addAll(List.of(
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=" + t,
                        "-Dai.djl.pytorch.num_interop_threads=" + t,
                        "-DENGINE_CACHE_DIR=" + Path.of(System.getProperty("user.home"), ".cache", "myelin", "djl")));
            }
            default -> {
                mainClass = MyelinWorker.class.getName();
                cmd.add("-Dmyelin.kernels=" + (engine.equals("myelin-nd4j") ? "nd4j" : "auto"));
                if (Report.forcedBlas(engine) != null) {
                    cmd.add("-D" + Blas.PROPERTY + "=" + Report.forcedBlas(engine));
                }
                if (engine.equals("myelin-blas-threads")) {
                    cmd.add("-D" + org.myelin.kernel.GemmSplit.PROPERTY + "=off");
                }
            }
        }
        cmd.addAll(List.of(
                "-cp",
                classpath,
                mainClass,
                "--engine",
                engine,
                "--workload",
                w.name(),
                "--mode",
                options.mode(),
                "--result",
                result.toString(),
                "--env",
                options.out().resolve("env").resolve(engine + ".txt").toString()));
        if (!engine.equals("gemm") && w.kind() != Workload.Kind.SPIKING) {
            cmd.addAll(List.of("--exchange", exchange.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        applyEnvironment(pb.environment(), engine, t, options.waitPolicy(engine));
        Files.deleteIfExists(result);
        long start = System.nanoTime();
        Process p = pb.start();
        long limit = options.mode().equals("full") ? 600 : 180;
        Result r;
        if (!p.waitFor(limit, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            r = Result.without(w, engine, Double.NaN, "failed", "timed out after " + limit + " s");
        } else if (Files.exists(result)) {
            List<Result> rs = Result.readAll(result);
            r = rs.isEmpty() ? Result.without(w, engine, Double.NaN, "failed", "empty result") : rs.get(0);
        } else {
            r = Result.without(w, engine, Double.NaN, "failed", "exit " + p.exitValue() + ", see " + log);
        }
        say(
                "  %-14s %-14s %-8s %s  (%.1f s)",
                w.name(),
                engine,
                r.status(),
                r.hasFigures()
                        ? String.format(
                                Locale.ROOT,
                                "%.3g ms/step, %s samples/s",
                                r.msMedian(),
                                Report.count(r.samplesPerSecond()))
                        : r.note(),
                (System.nanoTime() - start) / 1e9);
        if (engine.equals(Report.MYELIN) && w.kind() == Workload.Kind.SPIKING && r.note() != null) {
            var m = MEAN_RATE.matcher(r.note());
            if (m.find()) {
                myelinRates.put(w.name(), Double.parseDouble(m.group(1)));
            }
        }
        return r;
    }

    /**
     * The environment of one worker: the thread counts, and the engine's OpenMP wait policy ({@link
     * #defaultWaitPolicy}). With "default" the variables the launcher exported ({@code scripts/native-env} sets
     * OMP_WAIT_POLICY and KMP_BLOCKTIME for the engine) are removed, so the runtime's own behaviour applies.
     */
    static void applyEnvironment(Map<String, String> env, String engine, String threads, String waitPolicy) {
        env.put("OMP_NUM_THREADS", threads);
        env.put("OPENBLAS_NUM_THREADS", threads);
        env.put("MKL_NUM_THREADS", threads);
        // OpenBLAS names the kernel set it picked ("Core: SkylakeX") on stderr, into the log; see openblasCore().
        env.put("OPENBLAS_VERBOSE", "2");
        if (waitPolicy.equals("default")) {
            env.remove("OMP_WAIT_POLICY");
            env.remove("KMP_BLOCKTIME");
            return;
        }
        env.put("OMP_WAIT_POLICY", waitPolicy.toUpperCase(Locale.ROOT));
        // Where the ND4J-based workers run on MKL (Blas.select(), Intel CPUs), its threads stay awake between gemms.
        env.putIfAbsent("KMP_BLOCKTIME", "200");
    }

    /** The wait policies of the engines of this run, e.g. {@code myelin-native PASSIVE, pytorch default}. */
    private String waitPolicySummary() {
        return options.engines().stream()
                .map(e -> e + " "
                        + (options.waitPolicies().get(e).equals("default")
                                ? "default"
                                : options.waitPolicies().get(e).toUpperCase(Locale.ROOT)))
                .collect(Collectors.joining(", "));
    }

    /**
     * A Brian2 row of a spiking workload: its worker ({@link #BRIAN2_SCRIPT}) builds the same network, compares its
     * mean rate with Myelin's (within 5%, else the row is refused) and times Brian2's run loop. Skipped, with the
     * reason, where no Python imports brian2.
     */
    private Result brian2(Workload w, String engine) throws IOException, InterruptedException {
        if (w.kind() != Workload.Kind.SPIKING) {
            return Result.without(w, engine, Double.NaN, "skipped", "Brian2 runs the spiking workloads only");
        }
        String python = brian2Python();
        if (python.isEmpty()) {
            Result r = Result.without(
                    w,
                    engine,
                    Double.NaN,
                    "skipped",
                    "Brian2 not installed: no python3 imports brian2 (apt-get install python3-brian)");
            say("  %-14s %-14s skipped  %s", w.name(), engine, r.note());
            return r;
        }
        boolean tiny = options.mode().equals("tiny");
        double seconds = tiny ? 0.2 : options.mode().equals("quick") ? 1.0 : w.dt() < 1e-3 ? 2.0 : 5.0;
        String id = engine + "__" + w.name();
        Path result = options.out().resolve("raw").resolve(id + ".csv");
        Path log = options.out().resolve("logs").resolve(id + ".log");
        List<String> cmd = new ArrayList<>(List.of(
                python,
                BRIAN2_SCRIPT.toString(),
                "--device",
                engine.equals("brian2-cpp") ? "cpp_standalone" : "runtime",
                "--engine",
                engine,
                "--workload",
                w.name(),
                "--dt",
                Double.toString(w.dt()),
                "--duration",
                Double.toString(seconds),
                "--neurons",
                tiny ? "100" : "10000",
                "--inputs",
                tiny ? "50" : "1000",
                "--result",
                result.toString(),
                "--build-dir",
                options.out()
                        .resolve("brian2-build")
                        .resolve(id)
                        .toAbsolutePath()
                        .toString()));
        Double rate = myelinRates.get(w.name());
        if (rate != null) {
            cmd.addAll(List.of("--reference-rate", Double.toString(rate)));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        // One thread: Brian2's devices run single-threaded by default, as Myelin's spiking kernels do.
        applyEnvironment(pb.environment(), engine, "1", options.waitPolicies().get(engine));
        Files.deleteIfExists(result);
        long start = System.nanoTime();
        Process p = pb.start();
        Result r;
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            r = Result.without(w, engine, Double.NaN, "failed", "timed out after 600 s");
        } else if (Files.exists(result)) {
            List<Result> rs = Result.readAll(result);
            r = rs.isEmpty() ? Result.without(w, engine, Double.NaN, "failed", "empty result") : rs.get(0);
        } else {
            r = Result.without(w, engine, Double.NaN, "failed", "exit " + p.exitValue() + ", see " + log);
        }
        say(
                "  %-14s %-14s %-8s %s  (%.1f s)",
                w.name(),
                engine,
                r.status(),
                r.hasFigures()
                        ? String.format(
                                Locale.ROOT,
                                "%.3g ms/step, %.3g simulated s per wall s; %s",
                                r.msMedian(),
                                r.extra(),
                                r.note())
                        : r.note(),
                (System.nanoTime() - start) / 1e9);
        return r;
    }

    /** The first of python3, /usr/bin/python3 that imports brian2 (Debian's package installs for the system one). */
    private String brian2Python() throws InterruptedException {
        if (brian2Python == null) {
            brian2Python = "";
            for (String candidate : List.of("python3", "/usr/bin/python3")) {
                try {
                    Process p = new ProcessBuilder(candidate, "-c", "import brian2")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
                    if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        brian2Python = candidate;
                        break;
                    }
                } catch (IOException e) {
                    // not installed: try the next
                }
            }
        }
        return brian2Python;
    }

    /** The exchange files (tens of MB for the deep net) are only needed while the workers run. */
    private static void deleteExchange(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }

    private void writeMachine(Path file, double loadBefore, double loadAfter) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("date=").append(LocalDateTime.now()).append('\n');
        sb.append("cpu.model=").append(cpuModel()).append('\n');
        sb.append("cpu.count=")
                .append(Runtime.getRuntime().availableProcessors())
                .append('\n');
        sb.append("memory=").append(memTotal()).append('\n');
        sb.append("os=")
                .append(System.getProperty("os.name"))
                .append(' ')
                .append(System.getProperty("os.version"))
                .append(' ')
                .append(System.getProperty("os.arch"))
                .append('\n');
        sb.append(String.format(Locale.ROOT, "loadavg.before=%.2f%nloadavg.after=%.2f%n", loadBefore, loadAfter));
        sb.append("threads.per.engine=").append(options.threads()).append('\n');
        for (String e : options.engines()) {
            Map<String, String> env = new LinkedHashMap<>(System.getenv());
            applyEnvironment(
                    env,
                    e,
                    Integer.toString(options.threads()),
                    options.waitPolicies().get(e));
            sb.append("env.")
                    .append(e)
                    .append(".OMP_WAIT_POLICY=")
                    .append(env.getOrDefault("OMP_WAIT_POLICY", "(unset)"))
                    .append(" KMP_BLOCKTIME=")
                    .append(env.getOrDefault("KMP_BLOCKTIME", "(unset)"))
                    .append('\n');
        }
        sb.append("env.OMP_NUM_THREADS=")
                .append(options.threads())
                .append("\nenv.OPENBLAS_NUM_THREADS=")
                .append(options.threads())
                .append("\nenv.MKL_NUM_THREADS=")
                .append(options.threads())
                .append("\npytorch.props=-Dai.djl.pytorch.num_threads=")
                .append(options.threads())
                .append(" -Dai.djl.pytorch.num_interop_threads=")
                .append(options.threads())
                .append(" -Dai.djl.offline=true\n");
        sb.append("env.OPENBLAS_CORETYPE=")
                .append(System.getenv("OPENBLAS_CORETYPE"))
                .append('\n');
        sb.append("openblas.core=").append(openblasCore()).append('\n');
        sb.append("mode=").append(options.mode()).append('\n');
        Files.writeString(file, sb.toString());
    }

    /**
     * The kernel set OpenBLAS chose in the ND4J-based workers ({@code OPENBLAS_VERBOSE=2} makes it print
     * {@code Core: <name>}): it autodetects, or takes {@code OPENBLAS_CORETYPE} from the environment, which the
     * runner passes on to every worker.
     */
    private String openblasCore() throws IOException {
        try (var logs = Files.list(options.out().resolve("logs"))) {
            for (Path log : logs.sorted().toList()) {
                if (log.getFileName().toString().startsWith("pytorch")) {
                    continue;
                }
                for (String line : Files.readAllLines(log)) {
                    if (line.startsWith("Core: ")) {
                        return line.substring("Core: ".length()).trim();
                    }
                }
            }
        }
        return "unknown";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The environment files the workers wrote, one section per engine. */
    private void writeVersions(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (var files = Files.list(options.out().resolve("env"))) {
            for (Path f : files.sorted().toList()) {
                sb.append('[')
                        .append(f.getFileName().toString().replace(".txt", ""))
                        .append("]\n")
                        .append(Files.readString(f))
                        .append('\n');
            }
        }
        Files.writeString(file, sb.toString());
    }
}
