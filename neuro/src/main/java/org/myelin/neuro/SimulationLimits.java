package org.myelin.neuro;

import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import org.myelin.MemoryLimit;
import org.myelin.Settings;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The bounds every {@code simulate} scenario checks from its settings before it allocates anything, so that a short
 * command line cannot make the engine claim gigabytes or run for hours:
 *
 * <ul>
 *   <li>at most {@link #MAX_STEPS} time steps (duration / dt) per simulated run;</li>
 *   <li>at most {@link #MAX_WEIGHTS} weights (neurons x inputs) in the network's weight matrix;</li>
 *   <li>the memory the run's arrays will hold at once (traces, weights, recorded spikes), estimated from the
 *       settings, within the engine's memory limit ({@link MemoryLimit#parameterBytes()}, raised with
 *       {@code -Dmyelin.maxParameterBytes=SIZE});</li>
 *   <li>at most {@link #MAX_WORK} units of work, one unit about a nanosecond: a neuron or sample advanced by one
 *       step, with {@link #RK4_COST} units per Hodgkin-Huxley step, {@link #STEP_COST} per step of a network
 *       (tuning, network) and {@link #ND4J_STEP_COST} more for each population and projection of it that steps by
 *       ND4J calls, {@link #TRACE_STEP_COST} per step of the traced lif neuron and {@link #PLOT_POINT_COST} per
 *       plotted spike.</li>
 * </ul>
 *
 * Each refusal is an {@link IllegalArgumentException} of one line: the scenario, the quantity with its value, the
 * bound and what to change.
 */
final class SimulationLimits {
    /** Time steps of one simulated run. */
    static final long MAX_STEPS = 100_000_000L;

    /** Weights of the network's dense [inputs, neurons] matrix (8 bytes each, held twice). */
    static final long MAX_WEIGHTS = 100_000_000L;

    /** Units of work of one run (about a nanosecond each: a run of the limit takes minutes, not hours). */
    static final double MAX_WORK = 1e11;

    /**
     * Work of one RK4 step of a Hodgkin-Huxley neuron with its CSV cell and plot point (9.4 us measured per step in
     * {@code simulate hh}, of which 0.35 us the two dozen exponentials and most of the rest formatting the CSV).
     */
    static final double RK4_COST = 10_000;

    /**
     * Work of one evaluation of a PSC filter at a sample for one spike in {@code simulate synapse}'s convolution
     * (a power and an exponential over ND4J arrays: 200 ns measured).
     */
    static final double FILTER_COST = 200;

    /** Fixed work of one step of a network whose populations step in native passes (~1 us measured). */
    static final double STEP_COST = 2000;

    /**
     * Fixed work of one step of each population or projection that steps by ND4J calls instead of a native pass:
     * every population with {@code MYELIN_KERNELS=nd4j}, a projection whose weights are not dense row-major or whose
     * post-synaptic population is on that path, a population of the caller's own. A dozen ND4J calls: a LIF
     * population of one neuron measured 480-860 us per step, a Poisson one 70-250 us.
     */
    static final double ND4J_STEP_COST = 1_000_000;

    /** Work per neuron of a population stepped by ND4J calls (a dozen passes: 17-35 ns per LIF neuron measured). */
    static final double ND4J_NEURON_COST = 40;

    /** Work of one step of a single traced LIF neuron (its step, a read back of its state, its CSV row and plot). */
    static final double TRACE_STEP_COST = 60_000;

    /** Work of one spike drawn as a marker in a plot. */
    static final double PLOT_POINT_COST = 20_000;

    private SimulationLimits() {}

    /**
     * The number of steps {@code round(duration / dt)}, refused when it is not in {@code 1..MAX_STEPS}
     * ({@code unit}: the time unit for the message).
     */
    static long steps(String where, double duration, double dt) {
        double steps = duration / dt;
        if (!(steps <= MAX_STEPS)) {
            throw new IllegalArgumentException(
                    where + ": duration / dt = " + sci(steps) + " time steps, expected at most " + sci(MAX_STEPS)
                            + " (duration " + duration + ", dt " + dt + "); lower duration or raise dt");
        }
        long n = Math.round(steps);
        if (n < 1) {
            throw new IllegalArgumentException(where + ": duration / dt = " + sci(steps)
                    + " time steps, expected at least 1 (duration " + duration + ", dt " + dt
                    + "); raise duration or lower dt");
        }
        return n;
    }

    /**
     * The work of one step beyond a native step's for {@code parts} populations and projections stepped by ND4J
     * calls holding {@code neurons} neurons: {@link #ND4J_STEP_COST} each and {@link #ND4J_NEURON_COST} per neuron.
     */
    static double nd4jStepWork(int parts, double neurons) {
        return parts * ND4J_STEP_COST + neurons * ND4J_NEURON_COST;
    }

    /**
     * {@link #nd4jStepWork}'s terms for a message, {@code " + 1000000 x parts + 40 x neurons (ND4J path)"} with the
     * given texts for parts and neurons, or "" when {@code parts} is 0.
     */
    static String nd4jStepTerms(int parts, String partsText, String neuronsText) {
        return parts == 0
                ? ""
                : " + " + (long) ND4J_STEP_COST + " x " + partsText + " + " + (long) ND4J_NEURON_COST + " x "
                        + neuronsText + " (ND4J path)";
    }

    /** The work of one traced LIF step for a message: {@code "60000"}, or with the ND4J path's terms in brackets. */
    static String traceStepTerms(int nd4jParts) {
        return nd4jParts == 0
                ? String.valueOf((long) TRACE_STEP_COST)
                : "(" + (long) TRACE_STEP_COST + nd4jStepTerms(nd4jParts, "1", "1") + ")";
    }

    /** Refuses {@code units} of work beyond {@link #MAX_WORK}; {@code what} says how they were counted. */
    static void work(String where, String what, double units, String advice) {
        if (!(units <= MAX_WORK)) {
            throw new IllegalArgumentException(where + ": " + what + " = " + sci(units)
                    + " units of work (about a nanosecond each), expected at most " + sci(MAX_WORK) + "; " + advice);
        }
    }

    /** Refuses arrays of about {@code bytes} in all beyond the memory limit; {@code what} names them. */
    static void memory(String where, String what, double bytes, String advice) {
        long limit = MemoryLimit.parameterBytes();
        if (!(bytes <= limit)) {
            String source = System.getProperty(Settings.MAX_PARAMETER_BYTES) != null
                    ? "-D" + Settings.MAX_PARAMETER_BYTES
                    : "1/" + MemoryLimit.COPIES + " of the memory for arrays (-Xmx) or of the physical memory";
            throw new IllegalArgumentException(where + ": " + what + " need about " + sci(bytes)
                    + " bytes, expected at most the memory limit of " + sci(limit) + " bytes (" + source + "); "
                    + advice + ", or raise the limit with -D" + Settings.MAX_PARAMETER_BYTES
                    + "=SIZE (for scripts/myelin in MYELIN_JAVA_OPTS) on a machine with the memory for it");
        }
    }

    /** Refuses more than {@link #MAX_WEIGHTS} weights. */
    static void weights(String where, long inputs, long neurons) {
        double weights = (double) inputs * neurons;
        if (weights > MAX_WEIGHTS) {
            throw new IllegalArgumentException(where + ": neurons x inputs = " + sci(weights)
                    + " weights, expected at most " + sci(MAX_WEIGHTS) + " (" + sci(8.0 * MAX_WEIGHTS)
                    + " bytes); lower neurons or inputs");
        }
    }

    /**
     * Refuses an array holding NaN or an infinity: {@code what + ", entry i was v"} for the first such entry in
     * row-major order, or {@code what + ", row r, column c was v"} for a matrix (one native scan; only a failing
     * array is searched, a chunk at a time, so a large matrix is not copied to the Java heap whole and one beyond
     * an int's length is searched too).
     */
    static void requireFiniteEntries(String what, INDArray values) {
        // Integer and boolean entries are always finite (inputs such as a perceptron's may be INT).
        if (!values.dataType().isFPType()) {
            return;
        }
        // An empty array has no entry to refuse (its isNaN().any() reduction is null in ND4J: a NullPointerException).
        if (values.isEmpty()) {
            return;
        }
        if (!values.isNaN().any() && !values.isInfinite().any()) {
            return;
        }
        INDArray flat = values.reshape(values.length());
        long length = flat.length();
        for (long start = 0; start < length; start += FINITE_SCAN_CHUNK) {
            long end = Math.min(length, start + FINITE_SCAN_CHUNK);
            double[] v = flat.get(NDArrayIndex.interval(start, end)).toDoubleVector();
            for (int k = 0; k < v.length; k++) {
                if (!Double.isFinite(v[k])) {
                    long i = start + k;
                    throw new IllegalArgumentException(
                            values.rank() == 2
                                    ? what + ", row " + i / values.columns() + ", column " + i % values.columns()
                                            + " was " + v[k]
                                    : what + ", entry " + i + " was " + v[k]);
                }
            }
        }
        // isNaN/isInfinite said there was one, so the scan finds it; this only keeps the compiler content.
        throw new IllegalArgumentException(what + ", an entry was not finite");
    }

    /** {@link #requireFiniteEntries(String, INDArray)} for a Java array: {@code what + ", entry i was v"}. */
    static void requireFiniteEntries(String what, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(what + ", entry " + i + " was " + values[i]);
            }
        }
    }

    /**
     * A model's input function evaluated at {@code t}, refused when not finite: {@code what + " at t = " + t + " " +
     * unit + " was " + value + ", expected a finite value"} (a NaN input otherwise surfaces later as a divergence of
     * the step or as an internal population's error).
     */
    static double finiteInput(String what, DoubleUnaryOperator input, double t, String unit) {
        double x = input.applyAsDouble(t);
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException(
                    what + " at t = " + t + " " + unit + " was " + x + ", expected a finite value");
        }
        return x;
    }

    /** Entries {@link #requireFiniteEntries} copies to the Java heap at a time (8 MB). */
    private static final long FINITE_SCAN_CHUNK = 1 << 20;

    /** The most neurons of a population ({@link Population#size()} is an int; probes keep Java arrays of it). */
    static final long MAX_POPULATION = Integer.MAX_VALUE - 8;

    /**
     * {@code size} as an int, refused beyond {@link #MAX_POPULATION} so that a long length (an INDArray's) never
     * wraps in the cast to {@link Population#size()}.
     */
    static int populationSize(String where, long size) {
        if (size > MAX_POPULATION) {
            throw new IllegalArgumentException(where + ": " + size + " neurons, expected at most " + MAX_POPULATION
                    + " (a population's size is an int)");
        }
        return (int) size;
    }

    /** The longest Java array. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * The capacity of a full array of {@code length} grown by doubling: {@code 2 length} in long arithmetic, capped
     * at {@link #MAX_ARRAY} ({@code 2 * length} in int wraps negative from 2^30, and Arrays.copyOf then throws
     * NegativeArraySizeException).
     */
    static int doubledCapacity(int length) {
        return (int) Math.min(2L * length, MAX_ARRAY);
    }

    /** An upper estimate of a Poisson count of mean {@code mean}: mean + 6 standard deviations + 10. */
    static double poissonHigh(double mean) {
        return mean + 6 * Math.sqrt(mean) + 10;
    }

    /** {@code 2.0e13}: two significant digits. */
    static String sci(double x) {
        return String.format(Locale.ROOT, "%.1e", x)
                .replace("e+0", "e")
                .replace("e+", "e")
                .replace("e-0", "e-");
    }
}
