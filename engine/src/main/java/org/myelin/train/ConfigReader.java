package org.myelin.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.myelin.io.Json;

/**
 * Typed, path-aware access to one JSON object of a job config. Every error names the full path
 * ({@code optimizer.lr: must be > 0, was -0.1}); {@link #finish()} rejects keys nobody asked for, so a typo is
 * an error rather than a silently ignored setting.
 */
public final class ConfigReader {
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> used = new LinkedHashSet<>();

    public ConfigReader(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values == null ? Map.of() : values;
    }

    private String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    private Object raw(String key) {
        used.add(key);
        return values.get(key);
    }

    public ConfigException error(String key, String message) {
        return new ConfigException(at(key) + ": " + message);
    }

    public String string(String key, String fallback) {
        Object o = raw(key);
        if (o == null) {
            return fallback;
        }
        if (!(o instanceof String s)) {
            throw error(key, "must be a string, was " + o);
        }
        return s;
    }

    public boolean bool(String key, boolean fallback) {
        Object o = raw(key);
        if (o == null) {
            return fallback;
        }
        if (!(o instanceof Boolean b)) {
            throw error(key, "must be true or false, was " + o);
        }
        return b;
    }

    public double number(String key, double fallback) {
        Object o = raw(key);
        if (o == null) {
            return fallback;
        }
        if (!(o instanceof Number n)) {
            throw error(key, "must be a number, was " + quote(o));
        }
        return n.doubleValue();
    }

    /** A number that must satisfy {@code lo < v} (or {@code lo <= v} when {@code inclusive}). */
    public double positive(String key, double fallback, boolean allowZero) {
        double v = number(key, fallback);
        if (Double.isNaN(v) || (allowZero ? v < 0 : v <= 0) || Double.isInfinite(v)) {
            throw error(key, "must be " + (allowZero ? ">= 0" : "> 0") + ", was " + v);
        }
        return v;
    }

    /** A whole number in {@code min..Integer.MAX_VALUE}; a larger one is refused, never wrapped. */
    public int integer(String key, int fallback, int min) {
        Object o = raw(key);
        if (o == null) {
            return fallback;
        }
        return (int) whole(at(key), o, min, Integer.MAX_VALUE);
    }

    /** Any whole number that fits a long; a larger one is refused, never wrapped. */
    public long longValue(String key, long fallback) {
        Object o = raw(key);
        if (o == null) {
            return fallback;
        }
        return whole(at(key), o, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    public List<Integer> integers(String key, List<Integer> fallback, int min) {
        Object o = raw(key);
        if (o == null) {
            return fallback;
        }
        if (!(o instanceof List<?> l)) {
            throw error(key, "must be a list of integers, was " + quote(o));
        }
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            Object v = l.get(i);
            java.util.OptionalLong n = Json.exactLong(v);
            if (n.isEmpty() || n.getAsLong() < min) {
                throw new ConfigException(at(key) + "[" + i + "]: must be an integer >= " + min + ", was " + quote(v));
            }
            if (n.getAsLong() > Integer.MAX_VALUE) {
                throw new ConfigException(at(key) + "[" + i + "]: must be an integer in " + min + ".."
                        + Integer.MAX_VALUE + ", was " + quote(v));
            }
            out.add((int) n.getAsLong());
        }
        return out;
    }

    /**
     * The exact whole value of {@code o} in {@code min..max}: a number that is not whole, or one outside the range
     * (however large: JSON numbers arrive as BigInteger beyond a long), is an error naming the path and the range.
     */
    static long whole(String path, Object o, long min, long max) {
        java.util.OptionalLong n = Json.exactLong(o);
        boolean wholeButHuge = o instanceof java.math.BigInteger
                || (o instanceof Double d && Double.isFinite(d) && d == Math.rint(d));
        if (n.isEmpty() && !wholeButHuge) {
            throw new ConfigException(path + ": must be an integer, was " + quote(o));
        }
        if (n.isPresent() && n.getAsLong() < min) {
            throw new ConfigException(path + ": must be >= " + min + ", was " + n.getAsLong());
        }
        if (o instanceof Double d && Math.abs(d) > 0x1p53 && Math.abs(d) < 0x1p63 && d >= min && d <= max) {
            // In range, but a double this large stands for many integers: ask for the exact digits.
            throw new ConfigException(path + ": must be an integer written in digits (without a fraction or an"
                    + " exponent) when beyond 2^53, was " + quote(o));
        }
        if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > max) {
            throw new ConfigException(path + ": must be an integer in " + min + ".." + max + ", was " + quote(o));
        }
        return n.getAsLong();
    }

    /** A non-empty list of raw values (for example module configs), {@code null} when absent. */
    public List<Object> list(String key) {
        Object o = raw(key);
        if (o == null) {
            return null;
        }
        if (!(o instanceof List<?> l) || l.isEmpty()) {
            throw error(key, "must be a non-empty list, was " + quote(o));
        }
        return new ArrayList<>(l);
    }

    /** A nested object, empty when absent. */
    @SuppressWarnings("unchecked")
    public ConfigReader object(String key) {
        Object o = raw(key);
        if (o == null) {
            return new ConfigReader(at(key), new LinkedHashMap<>());
        }
        if (!(o instanceof Map)) {
            throw error(key, "must be an object, was " + quote(o));
        }
        return new ConfigReader(at(key), (Map<String, Object>) o);
    }

    /** The keys not read so far (everything else, as raw values), for pass-through settings. */
    public Map<String, Object> rest() {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.keySet().removeAll(used);
        used.addAll(values.keySet());
        return m;
    }

    /** Rejects keys that were never read. */
    public void finish() {
        for (String k : values.keySet()) {
            if (!used.contains(k)) {
                throw new ConfigException(at(k) + ": unknown key" + (used.isEmpty() ? "" : "; known keys here: " + used));
            }
        }
    }

    private static String quote(Object o) {
        return o instanceof String s ? org.myelin.io.Text.quote(s, 80) : org.myelin.io.Text.shorten(String.valueOf(o), 80);
    }

    /** An invalid job config; the message starts with the path of the offending key. */
    public static final class ConfigException extends org.myelin.ConfigurationException {
        private static final long serialVersionUID = 1L;

        public ConfigException(String message) {
            super("", message); // the message already starts with the path; path() does not split it out
        }
    }
}
