package org.myelin;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An opt-in profiler of the training step: named, nested scopes placed where the work happens (each gemm, each native
 * pass, the remaining ND4J calls, each op's forward and backward, the optimiser, the trainer's phases) accumulate
 * wall time per phase, so a step's time is read phase by phase rather than by subtracting one benchmark from another.
 *
 * <p>Off unless the JVM starts with {@code -Dmyelin.profile=true} (wall time) or {@code -Dmyelin.profile=cpu} (wall
 * time and the recording thread's CPU time, which a machine shared with other processes disturbs less, at about a
 * microsecond per scope): {@link #ENABLED} is a {@code static final} read once, so when it is false the JIT removes
 * every hook and the step runs as without them. When on, only the thread
 * that called {@link #start()} records (the trainer is single-threaded); other threads and calls before
 * {@code start()} record nothing.
 *
 * <p>Each phase has a total time (from its scope's start to its end) and a self time (the total less the time of the
 * scopes nested in it), so the self times of all phases add up to the time covered by the outermost scopes, with no
 * part counted twice: a caller that also times the whole step gets the Java code between the timed phases as the
 * difference. Hooks allocate nothing once a phase is registered (a phase is found by the identity of its key, a
 * constant string or a class, and a number such as a shape); labels are built when {@link #snapshot()} is read.
 *
 * <p>Use: {@code try (Profiler.Scope s = Profiler.scope("optimiser step")) { ... }}.
 */
public final class Profiler {
    /**
     * The system property that turns the profiler on: {@code true} (wall time), {@code cpu} (wall and thread CPU
     * time) or {@code false} (off, the default).
     */
    public static final String PROPERTY = "myelin.profile";

    /** Whether the hooks record; fixed at class initialisation from {@link #PROPERTY}. */
    public static final boolean ENABLED = "true".equals(mode()) || "cpu".equals(mode());

    /** Whether the hooks also record the thread's CPU time ({@code -Dmyelin.profile=cpu}). */
    public static final boolean CPU_TIME = "cpu".equals(mode());

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** The phase of getting an array for a result ({@link org.myelin.autodiff.StepArrays}: kept from the last step in training). */
    public static final String ALLOCATION = "result arrays (StepArrays: new, or kept from the last step)";

    private static final int MAX_DEPTH = 64;
    private static final int MAX_PHASES = 4096;
    private static final long NO_DETAIL = Long.MIN_VALUE;
    private static final Scope SCOPE = new Scope();

    private static final Counter[] open = new Counter[MAX_DEPTH];
    private static final long[] startedAt = new long[MAX_DEPTH];
    private static final long[] nestedNanos = new long[MAX_DEPTH];
    private static final long[] startedAtCpu = new long[MAX_DEPTH];
    private static final long[] nestedCpuNanos = new long[MAX_DEPTH];
    private static final List<Counter> counters = new ArrayList<>();
    private static volatile Thread owner;
    private static int depth;

    private Profiler() {}

    private static String mode() {
        String v = System.getProperty(PROPERTY);
        return v == null ? "false" : v.trim().toLowerCase(Locale.ROOT);
    }

    /**
     * Makes the calling thread the recorded one and clears every phase (when {@link #ENABLED}; otherwise does
     * nothing). Scopes open at the time are forgotten.
     */
    public static synchronized void start() {
        if (!ENABLED) {
            return;
        }
        counters.clear();
        depth = 0;
        owner = Thread.currentThread();
    }

    /** Stops recording (the phases recorded so far stay readable through {@link #snapshot()}). */
    public static synchronized void stop() {
        owner = null;
        depth = 0;
    }

    /**
     * Stops recording on the calling thread until the returned pause closes: work that is not part of the measured
     * steps (the trainer's check of the data before its first step) would otherwise add calls to their phases. Its
     * time stays in the enclosing phase's self time.
     */
    public static Pause pause() {
        Thread t = Thread.currentThread();
        if (!ENABLED || owner != t) {
            return NO_PAUSE;
        }
        owner = null;
        return () -> owner = t;
    }

    /** A {@link #pause()}, ended by try-with-resources. */
    @FunctionalInterface
    public interface Pause extends AutoCloseable {
        @Override
        void close();
    }

    private static final Pause NO_PAUSE = () -> {};

    /** Whether the calling thread records now. */
    public static boolean recording() {
        return ENABLED && Thread.currentThread() == owner;
    }

    /** Opens the phase {@code name} (a constant string; its identity is the key). */
    public static Scope scope(String name) {
        if (ENABLED && Thread.currentThread() == owner) {
            begin(name, NO_DETAIL, Kind.PLAIN);
        }
        return SCOPE;
    }

    /** Opens the phase {@code name} of arrays shaped {@code [rows, cols]} (one phase per shape): "name [rows, cols]". */
    public static Scope scope(String name, long rows, long cols) {
        if (ENABLED && Thread.currentThread() == owner) {
            begin(name, pack(rows, cols, 0, false, false), Kind.SHAPE);
        }
        return SCOPE;
    }

    /**
     * Opens the phase {@code name} of arrays shaped like {@code array} (one phase per shape): "name [rows, cols]" for
     * a matrix, "name [length, 1]" otherwise. The shape is read only when recording.
     */
    public static Scope scope(String name, INDArray array) {
        if (ENABLED && Thread.currentThread() == owner) {
            boolean matrix = array.rank() == 2;
            begin(
                    name,
                    pack(matrix ? array.size(0) : array.length(), matrix ? array.size(1) : 1, 0, false, false),
                    Kind.SHAPE);
        }
        return SCOPE;
    }

    /** Opens the forward phase of an op of class {@code op} (one phase per class): "op forward SimpleName". */
    public static Scope opForward(Class<?> op) {
        if (ENABLED && Thread.currentThread() == owner) {
            begin(op, NO_DETAIL, Kind.OP_FORWARD);
        }
        return SCOPE;
    }

    /** Opens the backward phase of an op of class {@code op} (one phase per class): "op backward SimpleName". */
    public static Scope opBackward(Class<?> op) {
        if (ENABLED && Thread.currentThread() == owner) {
            begin(op, NO_DETAIL, Kind.OP_BACKWARD);
        }
        return SCOPE;
    }

    /**
     * Opens the phase of a gemm {@code op(A) op(B)} with result {@code [rows, cols]} and inner dimension {@code inner},
     * one phase per shape and transposition; in the dense layers' terms no transposition is the forward product
     * {@code X W}, a transposed B is {@code dX = dZ W^T}, a transposed A is {@code dW = X^T dZ}.
     */
    public static Scope gemm(long rows, long inner, long cols, boolean transA, boolean transB) {
        if (ENABLED && Thread.currentThread() == owner) {
            begin("gemm", pack(rows, inner, cols, transA, transB), Kind.GEMM);
        }
        return SCOPE;
    }

    /** The end of a scope; {@link Scope#close()} calls it. */
    private static void end() {
        if (!(ENABLED && Thread.currentThread() == owner) || depth == 0) {
            return;
        }
        long cpuNow = CPU_TIME ? THREADS.getCurrentThreadCpuTime() : 0L;
        long now = System.nanoTime();
        depth--;
        long total = now - startedAt[depth];
        long cpu = cpuNow - startedAtCpu[depth];
        Counter c = open[depth];
        c.calls++;
        c.totalNanos += total;
        c.selfNanos += total - nestedNanos[depth];
        c.totalCpuNanos += cpu;
        c.selfCpuNanos += cpu - nestedCpuNanos[depth];
        open[depth] = null;
        if (depth > 0) {
            nestedNanos[depth - 1] += total;
            nestedCpuNanos[depth - 1] += cpu;
        }
    }

    private static void begin(Object key, long detail, Kind kind) {
        if (depth == MAX_DEPTH) {
            throw new IllegalStateException("Profiler: scopes nested deeper than " + MAX_DEPTH
                    + "; a scope was opened without being closed (use try-with-resources)");
        }
        open[depth] = counter(key, detail, kind);
        nestedNanos[depth] = 0;
        nestedCpuNanos[depth] = 0;
        startedAt[depth] = System.nanoTime();
        startedAtCpu[depth] = CPU_TIME ? THREADS.getCurrentThreadCpuTime() : 0L;
        depth++;
    }

    private static Counter counter(Object key, long detail, Kind kind) {
        for (int i = counters.size() - 1; i >= 0; i--) {
            Counter c = counters.get(i);
            if (c.key == key && c.detail == detail && c.kind == kind) {
                return c;
            }
        }
        if (counters.size() == MAX_PHASES) {
            throw new IllegalStateException("Profiler: more than " + MAX_PHASES + " phases; a hook keys its phase by"
                    + " a value that changes every call");
        }
        Counter c = new Counter(key, detail, kind);
        counters.add(c);
        return c;
    }

    /** Three sizes (up to 2^20 - 1 each, larger ones saturate) and two flags in one key. */
    private static long pack(long a, long b, long c, boolean ta, boolean tb) {
        long max = (1L << 20) - 1;
        return (Math.min(a, max) << 42)
                | (Math.min(b, max) << 22)
                | (Math.min(c, max) << 2)
                | (ta ? 2 : 0)
                | (tb ? 1 : 0);
    }

    private static long unpack(long key, int field) {
        return switch (field) {
            case 0 -> (key >>> 42) & 0xFFFFF;
            case 1 -> (key >>> 22) & 0xFFFFF;
            default -> (key >>> 2) & 0xFFFFF;
        };
    }

    /**
     * The phases recorded since {@link #start()}, in the order each was first entered; empty when the profiler is
     * off or was never started.
     */
    public static synchronized List<Phase> snapshot() {
        List<Phase> out = new ArrayList<>(counters.size());
        for (Counter c : counters) {
            out.add(new Phase(c.label(), c.calls, c.selfNanos, c.totalNanos, c.selfCpuNanos, c.totalCpuNanos));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * A phase's counts since {@link #start()}: how often it ran, its self and total wall time, and its self and total
     * CPU time of the recording thread (ns; zero unless {@link #CPU_TIME}).
     */
    public record Phase(
            String label, long calls, long selfNanos, long totalNanos, long selfCpuNanos, long totalCpuNanos) {}

    /** An open phase, closed by try-with-resources; one shared instance, so opening one allocates nothing. */
    public static final class Scope implements AutoCloseable {
        private Scope() {}

        @Override
        public void close() {
            if (ENABLED) {
                end();
            }
        }
    }

    private enum Kind {
        PLAIN,
        SHAPE,
        OP_FORWARD,
        OP_BACKWARD,
        GEMM
    }

    private static final class Counter {
        final Object key;
        final long detail;
        final Kind kind;
        long calls;
        long selfNanos;
        long totalNanos;
        long selfCpuNanos;
        long totalCpuNanos;

        Counter(Object key, long detail, Kind kind) {
            this.key = key;
            this.detail = detail;
            this.kind = kind;
        }

        String label() {
            return switch (kind) {
                case PLAIN -> (String) key;
                case SHAPE -> key + " [" + unpack(detail, 0) + ", " + unpack(detail, 1) + "]";
                case OP_FORWARD -> "op forward " + ((Class<?>) key).getSimpleName();
                case OP_BACKWARD -> "op backward " + ((Class<?>) key).getSimpleName();
                case GEMM -> gemmLabel();
            };
        }

        private String gemmLabel() {
            long m = unpack(detail, 0);
            long k = unpack(detail, 1);
            long n = unpack(detail, 2);
            boolean ta = (detail & 2) != 0;
            boolean tb = (detail & 1) != 0;
            String a = ta ? "(" + k + "x" + m + ")^T" : m + "x" + k;
            String b = tb ? "(" + n + "x" + k + ")^T" : k + "x" + n;
            String role = ta && !tb ? "dW" : tb && !ta ? "dX" : !ta ? "forward" : "A^T B^T";
            return String.format(Locale.ROOT, "gemm %s %s * %s", role, a, b);
        }
    }
}
