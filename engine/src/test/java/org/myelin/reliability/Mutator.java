package org.myelin.reliability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded byte-level mutations of a valid file: bit flips, random and boundary bytes, boundary 32-bit integers
 * (both byte orders), truncation, insertion, deletion and duplication of ranges. Each mutated copy comes with
 * a description of what was done and the lowest and highest offsets it changed, so that a failure can be
 * reproduced from the test's seed and iteration.
 */
final class Mutator {
    private static final int[] BOUNDARY_INTS = {
        0, -1, 1, 0x7fffffff, 0x80000000, 0x7fff, 0xffff, 0x10000, 1 << 30, 255, 256
    };
    private static final byte[] BOUNDARY_BYTES = {
        0, -1, 0x7f, (byte) 0x80, 1, '\'', ',', '(', ')', '"', '\n', '9', '-', '.', 'e', '{', '}', '['
    };

    /** A mutated copy and where it differs from the original (for a data-only mutation, the byte range). */
    record Mutant(byte[] bytes, String description, int firstChanged, int lastChanged, boolean resized) {}

    private final SplittableRandom random;

    Mutator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One to three mutations applied in turn to a copy of {@code original}. */
    Mutant mutate(byte[] original) {
        byte[] b = original.clone();
        int n = 1 + random.nextInt(3);
        List<String> what = new ArrayList<>();
        int first = Integer.MAX_VALUE;
        int last = -1;
        boolean resized = false;
        for (int i = 0; i < n && b.length > 0; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(9)) {
                case 0 -> {
                    int bit = random.nextInt(8);
                    b[at] ^= (byte) (1 << bit);
                    what.add("flip bit " + bit + " at " + at);
                }
                case 1 -> {
                    b[at] = (byte) random.nextInt(256);
                    what.add("random byte at " + at);
                }
                case 2 -> {
                    b[at] = BOUNDARY_BYTES[random.nextInt(BOUNDARY_BYTES.length)];
                    what.add("boundary byte at " + at);
                }
                case 3 -> {
                    int v = BOUNDARY_INTS[random.nextInt(BOUNDARY_INTS.length)];
                    boolean big = random.nextBoolean();
                    for (int k = 0; k < 4 && at + k < b.length; k++) {
                        int shift = big ? 24 - 8 * k : 8 * k;
                        b[at + k] = (byte) (v >>> shift);
                    }
                    what.add("int " + v + (big ? " big" : " little") + "-endian at " + at);
                    last = Math.max(last, Math.min(b.length - 1, at + 3));
                }
                case 4 -> {
                    b = Arrays.copyOf(b, at);
                    what.add("truncate to " + at);
                    resized = true;
                }
                case 5 -> {
                    int len = 1 + random.nextInt(16);
                    byte[] ins = new byte[len];
                    random.nextBytes(ins);
                    b = splice(b, at, 0, ins);
                    what.add("insert " + len + " bytes at " + at);
                    resized = true;
                }
                case 6 -> {
                    int len = 1 + random.nextInt(Math.min(64, b.length - at));
                    b = splice(b, at, len, new byte[0]);
                    what.add("delete " + len + " bytes at " + at);
                    resized = true;
                }
                case 7 -> {
                    int len = 1 + random.nextInt(Math.min(64, b.length - at));
                    b = splice(b, at, 0, Arrays.copyOfRange(b, at, at + len));
                    what.add("duplicate " + len + " bytes at " + at);
                    resized = true;
                }
                default -> {
                    int len = 1 + random.nextInt(Math.min(8, b.length - at));
                    for (int k = 0; k < len; k++) {
                        b[at + k] = (byte) ('0' + random.nextInt(10));
                    }
                    what.add("digits over " + len + " bytes at " + at);
                    last = Math.max(last, at + len - 1);
                }
            }
            first = Math.min(first, at);
            last = Math.max(last, at);
        }
        return new Mutant(b, String.join(", ", what), first, last, resized);
    }

    private static final String[] HOSTILE_VALUES = {
        "0",
        "-1",
        "1",
        "2",
        "0.5",
        "-0.0",
        "1e308",
        "-1e308",
        "2147483647",
        "2147483648",
        "4294967296",
        "9223372036854775807",
        "99999999999999999999",
        "1e9",
        "100000",
        "null",
        "true",
        "\"\"",
        "\"..\"",
        "\"../../etc/passwd\"",
        "\"/abs\"",
        "\"float16\"",
        "[]",
        "[0]",
        "[-1]",
        "[1000000, 1000000]",
        "{}",
        "{\"type\": \"dense\"}",
        "\"x\"",
        // numbers that wrap when narrowed, overflow a double, or are too long to parse quickly
        "18446744073709551617",
        "4294967297",
        "4294967304",
        "-9223372036854775809",
        "1e400",
        "1" + "0".repeat(5000),
        "[".repeat(200) + "]".repeat(200)
    };
    private static final java.util.regex.Pattern JSON_VALUE =
            java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?|\"[^\"]*\"|true|false|null|\\[\\s*\\]");

    /**
     * Replaces one to three JSON values (numbers, strings, literals) of a JSON document with hostile ones:
     * boundary and huge numbers, wrong types, empty and path-like strings. Keeps the document parseable more
     * often than byte mutations do, so the checks behind the parser are exercised.
     */
    Mutant mutateJson(byte[] original) {
        String text = new String(original, java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = JSON_VALUE.matcher(text);
        List<int[]> spans = new ArrayList<>();
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        int n = 1 + random.nextInt(3);
        List<String> what = new ArrayList<>();
        StringBuilder b = new StringBuilder(text);
        java.util.TreeMap<Integer, int[]> chosen = new java.util.TreeMap<>();
        for (int i = 0; i < n && !spans.isEmpty(); i++) {
            int[] span = spans.get(random.nextInt(spans.size()));
            chosen.put(span[0], span);
        }
        int first = Integer.MAX_VALUE;
        for (int[] span : chosen.descendingMap().values()) {
            String value = HOSTILE_VALUES[random.nextInt(HOSTILE_VALUES.length)];
            what.add(text.substring(span[0], span[1]) + " -> " + value + " at " + span[0]);
            b.replace(span[0], span[1], value);
            first = Math.min(first, span[0]);
        }
        if (random.nextInt(8) == 0) {
            // Not one clean object: a duplicated first member, or content after the object.
            int brace = b.indexOf("{");
            int comma = brace < 0 ? -1 : b.indexOf(",", brace);
            if (random.nextBoolean() && comma > brace) {
                b.insert(comma + 1, b.substring(brace + 1, comma) + ",");
                what.add("first member duplicated");
                first = Math.min(first, brace);
            } else {
                b.append(random.nextBoolean() ? " {}" : " x");
                what.add("trailing content");
                first = Math.min(first, b.length() - 3);
            }
        }
        return new Mutant(
                b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                String.join(", ", what),
                first,
                b.length() - 1,
                true);
    }

    private static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }
}
