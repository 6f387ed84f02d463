package org.myelin;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The most bytes of parameters a model may have, checked before a model file, a checkpoint or a job config
 * allocates anything: a small file (a zip of zeros, {@code "hidden": [1000000000]}) cannot make the engine claim
 * more memory than the machine has.
 *
 * <p>By default the limit is 1/{@value #COPIES} of the smaller of the memory for arrays (JavaCPP's
 * {@code maxBytes}, by default the Java heap's maximum, {@code -Xmx}) and the physical memory (of the container,
 * where there is one): training holds the parameters several times over (weights, gradients, two moments of Adam,
 * the temporaries of an update) besides the activations. {@code -Dmyelin.maxParameterBytes=SIZE} ({@code 8g},
 * {@code 500m}, bytes) sets it explicitly.
 */
public final class MemoryLimit {
    /** How many times over the memory must hold the parameters, by default. */
    public static final int COPIES = 8;

    private MemoryLimit() {}

    /** The limit in bytes: {@link Settings#MAX_PARAMETER_BYTES} when set, else {@link #derived}. */
    public static long parameterBytes() {
        String explicit = System.getProperty(Settings.MAX_PARAMETER_BYTES);
        if (explicit != null) {
            return Settings.bytes(Settings.MAX_PARAMETER_BYTES, explicit);
        }
        return derived(arrayMemory(), physicalMemory());
    }

    /** 1/{@value #COPIES} of the smaller of the two memory sizes (a size <= 0 counts as unknown). */
    static long derived(long arrayMemory, long physicalMemory) {
        long a = arrayMemory > 0 ? arrayMemory : Long.MAX_VALUE;
        long p = physicalMemory > 0 ? physicalMemory : Long.MAX_VALUE;
        return Math.min(a, p) / COPIES;
    }

    /** JavaCPP's limit on the memory of native arrays ({@code -Dorg.bytedeco.javacpp.maxBytes}, default -Xmx). */
    static long arrayMemory() {
        return org.bytedeco.javacpp.Pointer.maxBytes();
    }

    /**
     * The physical memory of the machine or container, or 0 when unknown. Read once: the operating system is asked
     * each time otherwise (~77 us in a container), and a spiking network's probe checks the limit at every step.
     */
    static long physicalMemory() {
        return PhysicalMemory.BYTES;
    }

    private static final class PhysicalMemory {
        static final long BYTES = read();

        private static long read() {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return os.getTotalMemorySize();
            }
            return 0;
        }
    }

    /**
     * Refuses parameters of {@code elements} elements of {@code bytesPerElement} bytes each beyond the limit:
     * an {@code IllegalArgumentException} starting with {@code what} that gives both sizes and how to raise the
     * limit. {@code elements} may be {@link Long#MAX_VALUE} for "more than a long can count".
     */
    public static void check(String what, long elements, int bytesPerElement) {
        check(what, elements, bytesPerElement, "parameters");
    }

    /**
     * {@link #check(String, long, int)} for elements that are not parameters: the message counts them as
     * {@code noun} ({@code "values"}).
     */
    public static void check(String what, long elements, int bytesPerElement, String noun) {
        long limit = parameterBytes();
        long bytes = elements > Long.MAX_VALUE / bytesPerElement ? Long.MAX_VALUE : elements * bytesPerElement;
        if (bytes <= limit) {
            return;
        }
        String source = System.getProperty(Settings.MAX_PARAMETER_BYTES) != null
                ? "-D" + Settings.MAX_PARAMETER_BYTES
                : "1/" + COPIES + " of the smaller of the memory for arrays, " + size(arrayMemory())
                        + " (-Xmx or -Dorg.bytedeco.javacpp.maxBytes), and the physical memory, "
                        + size(physicalMemory());
        throw new IllegalArgumentException(what + " needs " + (bytes == Long.MAX_VALUE ? "more than " : "")
                + size(bytes) + " for its "
                + (elements == Long.MAX_VALUE
                        ? "more than " + Long.MAX_VALUE
                        : String.format(Locale.ROOT, "%,d", elements))
                + " " + noun + ", more than the limit of " + size(limit)
                + " (" + source + "); to allow it, raise the limit with -D" + Settings.MAX_PARAMETER_BYTES
                + "=SIZE (e.g. 16g; for scripts/myelin in MYELIN_JAVA_OPTS) on a machine with the memory for it");
    }

    /** Bytes saturating at {@link Long#MAX_VALUE}: {@code a * b}. */
    public static long saturatedProduct(long a, long b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    /** {@code a + b} saturating at {@link Long#MAX_VALUE} (both >= 0). */
    public static long saturatedSum(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    /** {@code 1234567890} as {@code "1.15 GiB (1234567890 bytes)"}. */
    static String size(long bytes) {
        if (bytes <= 0) {
            return "unknown";
        }
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " bytes" : String.format(Locale.ROOT, "%.2f %s (%d bytes)", v, units[u], bytes);
    }
}
