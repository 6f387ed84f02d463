package org.myelin.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lists of {@code src/main/cpp/myelin_kernel_table.h}, read from the classpath copy the build puts beside the
 * CUDA source, for the tests that check the Java mirrors of the table (NativeKernels' ids here, KernelActivation
 * and CudaLaunchedKernels in the engine).
 *
 * @param activations activation name to id ({@code MYELIN_ACTIVATIONS}), in table order
 * @param fromOutput names of the activations with a from-output derivative ({@code MYELIN_FROM_OUTPUT_ACTIVATIONS})
 * @param elementwiseKernels kernel base name (without {@code _f32}/{@code _f64}) to parameter count
 *     ({@code MYELIN_ELEMENTWISE_KERNELS})
 */
public record KernelTable(
        Map<String, Integer> activations, List<String> fromOutput, Map<String, Integer> elementwiseKernels) {

    /** Where the build copies the table (cuda-kernels pom, resources). */
    public static final String RESOURCE = "/org/myelin/kernels/cpp/myelin_kernel_table.h";

    private static final Pattern ENTRY = Pattern.compile("^\\s*X\\((\\w+)\\s*,\\s*(\\w+)\\s*(?:,\\s*(\\w+)\\s*)?\\)");

    /** Reads the table from {@link #RESOURCE}. */
    public static KernelTable load() {
        try (InputStream in = KernelTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("kernel table " + RESOURCE + " is not on the classpath");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("kernel table " + RESOURCE + " could not be read", e);
        }
    }

    /** Parses the three X-macro lists out of the header's text. */
    public static KernelTable parse(String header) {
        Map<String, Integer> activations = new LinkedHashMap<>();
        for (String[] entry : entries(header, "MYELIN_ACTIVATIONS", 3)) {
            put(activations, entry[0], integer(entry[1], entry[0]), "MYELIN_ACTIVATIONS");
        }
        List<String> fromOutput = new ArrayList<>();
        for (String[] entry : entries(header, "MYELIN_FROM_OUTPUT_ACTIVATIONS", 2)) {
            if (!activations.containsKey(entry[0])) {
                throw new IllegalStateException("MYELIN_FROM_OUTPUT_ACTIVATIONS: " + entry[0]
                        + " is not in MYELIN_ACTIVATIONS " + activations.keySet());
            }
            fromOutput.add(entry[0]);
        }
        Map<String, Integer> kernels = new LinkedHashMap<>();
        for (String[] entry : entries(header, "MYELIN_ELEMENTWISE_KERNELS", 2)) {
            put(kernels, entry[0], integer(entry[1], entry[0]), "MYELIN_ELEMENTWISE_KERNELS");
        }
        return new KernelTable(
                Collections.unmodifiableMap(activations),
                List.copyOf(fromOutput),
                Collections.unmodifiableMap(kernels));
    }

    /**
     * One message per disagreement between the table's activations and {@code mirror} (name to id, e.g. the
     * constants of {@link NativeKernels}); empty when they agree.
     */
    public List<String> activationDifferences(String mirrorName, Map<String, Integer> mirror) {
        List<String> differences = new ArrayList<>();
        activations.forEach((name, id) -> {
            Integer other = mirror.get(name);
            if (other == null) {
                differences.add(mirrorName + " has no " + name + " (table id " + id + ")");
            } else if (!other.equals(id)) {
                differences.add(mirrorName + "." + name + " is " + other + ", the table says " + id);
            }
        });
        mirror.forEach((name, id) -> {
            if (!activations.containsKey(name)) {
                differences.add(mirrorName + "." + name + " = " + id + " is not in the table");
            }
        });
        return differences;
    }

    /** The exported names of the elementwise kernels: each base name with {@code _f32} and {@code _f64}. */
    public List<String> elementwiseKernelNames() {
        List<String> names = new ArrayList<>();
        for (String base : elementwiseKernels.keySet()) {
            names.add(base + "_f32");
            names.add(base + "_f64");
        }
        return names;
    }

    private static List<String[]> entries(String header, String macro, int arity) {
        String start = "#define " + macro + "(X)";
        int at = header.indexOf(start);
        if (at < 0) {
            throw new IllegalStateException("kernel table: no '" + start + "' line");
        }
        String[] lines = header.substring(at).split("\n", -1);
        List<String[]> entries = new ArrayList<>();
        // The definition's continuation lines: every line up to the first one without a trailing backslash.
        for (int i = 1; i < lines.length && lines[i - 1].stripTrailing().endsWith("\\"); i++) {
            Matcher m = ENTRY.matcher(lines[i]);
            int groups = m.lookingAt() ? (m.group(3) == null ? 2 : 3) : 0;
            if (groups != arity) {
                throw new IllegalStateException(
                        macro + ": expected an entry X(" + arity + " arguments), got '" + lines[i].strip() + "'");
            }
            entries.add(new String[] {m.group(1), m.group(2)});
        }
        if (entries.isEmpty()) {
            throw new IllegalStateException(macro + ": expected at least one entry, got none");
        }
        return entries;
    }

    private static int integer(String text, String name) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("kernel table: " + name + " has '" + text + "', expected an integer");
        }
    }

    private static void put(Map<String, Integer> map, String name, int value, String macro) {
        Integer previous = map.put(name, value);
        if (previous != null) {
            throw new IllegalStateException(macro + ": " + name + " listed twice");
        }
    }
}
