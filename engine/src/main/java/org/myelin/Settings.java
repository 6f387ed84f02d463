package org.myelin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.myelin.data.Mnist;
import org.myelin.kernel.GemmSplit;
import org.myelin.kernel.KernelSplit;
import org.myelin.kernel.Kernels;

/**
 * The {@code myelin.*} system properties and the thread-count environment variables, read strictly: a value
 * that is not what the setting takes is an error naming the setting, the allowed values and the value, never
 * silently replaced by a default; an unknown {@code myelin.*} property (a typo) gets a warning.
 */
public final class Settings {
    /** The most bytes of parameters a model may have (see {@link MemoryLimit}); a size such as {@code 8g}. */
    public static final String MAX_PARAMETER_BYTES = "myelin.maxParameterBytes";
    /** The native-memory growth (MB) after which the trainer asks for a garbage collection; 0 turns it off. */
    public static final String NATIVE_GC_THRESHOLD_MB = "myelin.nativeGcThresholdMb";
    /** Every {@code myelin.*} property the engine reads. */
    public static final Set<String> KNOWN = Set.of(
            Blas.PROPERTY,
            Kernels.PROPERTY,
            KernelSplit.PROPERTY,
            GemmSplit.PROPERTY,
            MAX_PARAMETER_BYTES,
            NATIVE_GC_THRESHOLD_MB,
            Mnist.MIRRORS_PROPERTY,
            Profiler.PROPERTY);
    /** Thread counts read by OpenMP, MKL and OpenBLAS when their natives load. */
    public static final List<String> THREAD_VARIABLES =
            List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS");
    /** The most threads accepted in a thread-count variable. */
    public static final int MAX_THREADS = 4096;

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([kmgt]?)b?");

    private Settings() {}

    /**
     * Checks every setting the command line depends on before anything loads: the values of the known
     * {@code myelin.*} properties, of {@link #THREAD_VARIABLES}, of {@code MYELIN_KERNELS}, of
     * {@value Mnist#MIRRORS_ENV} and of {@code MYELIN_KERNEL_SPLIT_ELEMENTS} (the library alone
     * only warns about a bad one, {@link Kernels}).
     *
     * @return warnings (unknown {@code myelin.*} properties), one line each
     * @throws IllegalArgumentException for a value the setting does not take, naming it and the allowed values
     */
    public static List<String> check(Properties properties, Map<String, String> environment) {
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            if (name.startsWith("myelin.") && !KNOWN.contains(name)) {
                warnings.add("unknown system property -D" + name + " is ignored; known: " + new TreeSet<>(KNOWN));
            }
        }
        String gc = properties.getProperty(NATIVE_GC_THRESHOLD_MB);
        if (gc != null) {
            wholeNumber(NATIVE_GC_THRESHOLD_MB, gc, 0, Long.MAX_VALUE >> 20);
        }
        String max = properties.getProperty(MAX_PARAMETER_BYTES);
        if (max != null) {
            bytes(MAX_PARAMETER_BYTES, max);
        }
        String kernels = properties.getProperty(Kernels.PROPERTY);
        if (kernels != null && !Set.of("auto", "nd4j").contains(kernels.trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(
                    "-D" + Kernels.PROPERTY + " must be auto or nd4j, was '" + kernels + "'");
        }
        String kernelsVariable = environment.get(Kernels.ENVIRONMENT);
        if (kernels == null // the property wins, as in Kernels; empty means auto there
                && kernelsVariable != null
                && !Set.of("auto", "nd4j", "").contains(kernelsVariable.trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(Kernels.ENVIRONMENT + " must be auto or nd4j, was '"
                    + org.myelin.io.Text.shorten(kernelsVariable, 40) + "'");
        }
        String profile = properties.getProperty(Profiler.PROPERTY);
        if (profile != null
                && !Set.of("true", "cpu", "false").contains(profile.trim().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("-D" + Profiler.PROPERTY + " must be true, cpu or false, was '"
                    + org.myelin.io.Text.shorten(profile, 40) + "'");
        }
        String split = properties.getProperty(KernelSplit.PROPERTY);
        String splitVariable = environment.get(KernelSplit.ENVIRONMENT);
        if (split != null || splitVariable != null) {
            KernelSplit.decide(2, split, splitVariable); // the property wins over the variable, as in KernelSplit
        }
        GemmSplit.decide(properties.getProperty(GemmSplit.PROPERTY), false, false, 1, 1); // refuses a bad value
        Mnist.checkSources(properties, environment);
        for (String variable : THREAD_VARIABLES) {
            String v = environment.get(variable);
            if (v != null && !v.isBlank()) { // empty: as if unset, which is how the runtimes read it
                threads(variable, v);
            }
        }
        return warnings;
    }

    /** A thread count ({@code 4}, or OpenMP's list per nesting level {@code 4,2}) in 1..{@value #MAX_THREADS}. */
    static void threads(String variable, String value) {
        for (String part : value.split(",", -1)) {
            String p = part.trim();
            boolean ok = p.matches("\\d{1,9}") && Integer.parseInt(p) >= 1 && Integer.parseInt(p) <= MAX_THREADS;
            if (!ok) {
                throw new IllegalArgumentException(variable + " must be a whole number of threads in 1.." + MAX_THREADS
                        + " (or OpenMP's comma-separated list of them), was '" + org.myelin.io.Text.shorten(value, 40)
                        + "'");
            }
        }
    }

    /** A whole number in {@code min..max} for setting {@code name}. */
    public static long wholeNumber(String name, String value, long min, long max) {
        String v = value.trim();
        long n;
        try {
            n = v.matches("[+-]?\\d{1,19}") ? Long.parseLong(v) : Long.MIN_VALUE;
        } catch (NumberFormatException e) {
            n = Long.MIN_VALUE; // more than 19 digits' worth
        }
        if (n == Long.MIN_VALUE || n < min || n > max) {
            throw new IllegalArgumentException("-D" + name + " must be a whole number in " + min + ".." + max
                    + ", was '" + org.myelin.io.Text.shorten(value, 40) + "'");
        }
        return n;
    }

    /**
     * A size in bytes for setting {@code name}: a whole number, optionally followed by {@code k}, {@code m},
     * {@code g} or {@code t} (powers of 1024), e.g. {@code 8g}.
     */
    public static long bytes(String name, String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        long n = -1;
        if (m.matches()) {
            int shift = switch (m.group(2)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                case "t" -> 40;
                default -> 0;
            };
            try {
                long base = Long.parseLong(m.group(1));
                n = base > (Long.MAX_VALUE >> shift) ? -1 : base << shift;
            } catch (NumberFormatException e) {
                n = -1;
            }
        }
        if (n < 1) {
            throw new IllegalArgumentException("-D" + name + " must be a size of at least 1 byte (a whole number of"
                    + " bytes, or with k, m, g or t, e.g. 8g) up to " + Long.MAX_VALUE + " bytes, was '"
                    + org.myelin.io.Text.shorten(value, 40) + "'");
        }
        return n;
    }
}
