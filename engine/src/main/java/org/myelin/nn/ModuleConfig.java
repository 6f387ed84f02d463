package org.myelin.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * A read-only view of one module's config map (see {@link Module#config()}) that knows where it sits in the
 * whole config, so every missing or invalid field is reported with its dotted path
 * ({@code layers.2.momentum}). Factories registered with {@link Modules#register} read their fields here.
 *
 * <p>Numbers may arrive as any {@link Number} (a JSON parser gives Integer, Long or Double); integer fields
 * accept a whole-valued double. Data types are written {@code "float32"} or {@code "float64"}.
 */
public final class ModuleConfig {

    /** The config key holding a module's data type. */
    public static final String DATA_TYPE = "dataType";

    private final Map<String, Object> map;
    private final String path;
    /** Elements that factories may still allocate, shared by a whole config tree (see {@link #reserve}). */
    private final long[] budget;

    ModuleConfig(Map<String, Object> map, String path) {
        this(map, path, new long[] {Long.MAX_VALUE});
    }

    private ModuleConfig(Map<String, Object> map, String path, long[] budget) {
        this.map = map;
        this.path = path;
        this.budget = budget;
    }

    /**
     * Takes {@code rows * cols} elements from the config tree's allocation budget before a factory allocates an
     * array of that many: a config read from a damaged or hostile file cannot make the engine allocate more
     * than its caller allowed ({@link Modules#fromConfig(Map, long, long)}). Factories call it for every
     * parameter and buffer they create.
     *
     * @throws IllegalArgumentException naming the field path when the budget is exceeded
     */
    public void reserve(String what, long... shape) {
        long n = 1;
        for (long d : shape) {
            n = d > 0 && n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
        }
        if (n > budget[0]) {
            throw invalid("'" + (path.isEmpty() ? "config" : path) + "': " + what + " " + Arrays.toString(shape)
                    + " would need " + (n == Long.MAX_VALUE ? "more than " + Long.MAX_VALUE : String.valueOf(n))
                    + " elements, more than the " + budget[0] + " still allowed");
        }
        budget[0] -= n;
    }

    /** The dotted path of this module in the whole config, {@code ""} at the root. */
    public String path() {
        return path;
    }

    /** The dotted path of field {@code key} of this module. */
    public String at(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The raw map. */
    public Map<String, Object> map() {
        return map;
    }

    /** The module type ({@code "type"} entry). */
    public String type() {
        return string("type");
    }

    /** Whether the field is present (and not null). */
    public boolean has(String key) {
        return map.get(key) != null;
    }

    /** Rejects any field not in {@code allowed} (catches misspelt hyper-parameters that would silently default). */
    public void allowOnly(String... allowed) {
        Set<String> ok = new LinkedHashSet<>(Arrays.asList(allowed));
        for (String key : map.keySet()) {
            if (!ok.contains(key)) {
                throw invalid("unknown field '" + at(key) + "' for module type '" + map.get("type")
                        + "'; expected fields " + ok);
            }
        }
    }

    /** A required integer field {@code > 0}. */
    public long positiveLong(String key) {
        Object v = require(key, "a positive integer");
        // Exact: a huge JSON integer (a BigInteger) is refused rather than wrapped to a small size.
        java.util.OptionalLong n = org.myelin.io.Json.exactLong(v);
        if (n.isEmpty() || n.getAsLong() <= 0) {
            throw invalid("'" + at(key) + "' must be a positive integer, was " + show(v));
        }
        return n.getAsLong();
    }

    /**
     * An optional pair of integers {@code >= min} (height, width), written as one number for both or as a list of
     * two; {@code fallback} when absent.
     */
    public int[] intPair(String key, int[] fallback, int min) {
        Object v = map.get(key);
        if (v == null) {
            return fallback.clone();
        }
        List<?> list = v instanceof List<?> l ? l : List.of(v);
        if (list.size() != 2 && !(v instanceof Number)) {
            throw invalid("'" + at(key) + "' must be an integer >= " + min + " or a list of two, was " + show(v));
        }
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            Object e = list.get(Math.min(i, list.size() - 1));
            java.util.OptionalLong n = org.myelin.io.Json.exactLong(e); // exact: a huge integer is refused, not wrapped
            if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > Integer.MAX_VALUE) {
                throw invalid("'" + at(key) + "' must be an integer >= " + min + " or a list of two, was " + show(v));
            }
            out[i] = (int) n.getAsLong();
        }
        return out;
    }

    /** A required finite number. */
    public double number(String key) {
        Object v = require(key, "a number");
        return toNumber(key, v);
    }

    /** An optional finite number, {@code fallback} when absent. */
    public double number(String key, double fallback) {
        Object v = map.get(key);
        return v == null ? fallback : toNumber(key, v);
    }

    /** An optional boolean, {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Boolean)) {
            throw invalid("'" + at(key) + "' must be true or false, was " + show(v));
        }
        return (Boolean) v;
    }

    /** A required non-empty string. */
    public String string(String key) {
        Object v = require(key, "a string");
        if (!(v instanceof String) || ((String) v).isEmpty()) {
            throw invalid("'" + at(key) + "' must be a non-empty string, was " + show(v));
        }
        return (String) v;
    }

    /** An optional string, {@code fallback} when absent. */
    public String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    /** The required {@value #DATA_TYPE} field: {@code "float32"} or {@code "float64"}. */
    public DataType dataType() {
        String s = string(DATA_TYPE);
        try {
            return parseDataType(s);
        } catch (IllegalArgumentException e) {
            throw invalid("'" + at(DATA_TYPE) + "' must be \"float32\" or \"float64\", was " + show(s));
        }
    }

    /** An optional initialiser name (see {@link Inits#byName}), {@code fallback} when absent. */
    public Init init(String key, Init fallback) {
        if (!has(key)) {
            return fallback;
        }
        String s = string(key);
        try {
            return Inits.byName(s);
        } catch (IllegalArgumentException e) {
            throw invalid("'" + at(key) + "': " + e.getMessage());
        }
    }

    /** A required list of module configs, each viewed at path {@code key.i}. */
    public List<ModuleConfig> modules(String key) {
        Object v = require(key, "a list of module configs");
        if (!(v instanceof List)) {
            throw invalid("'" + at(key) + "' must be a list of module configs, was " + show(v));
        }
        List<?> list = (List<?>) v;
        List<ModuleConfig> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            ModuleConfig child = of(list.get(i), at(key + "." + i));
            out.add(new ModuleConfig(child.map, child.path, budget));
        }
        return out;
    }

    /** An exception for this config, marked so that {@link Modules#fromConfig} passes it on unchanged. */
    public org.myelin.ConfigurationException invalid(String message) {
        return new ConfigException("Modules.fromConfig: " + message);
    }

    /** {@link #of(Object, String)} with an allocation budget of {@code maxElements} for the whole tree. */
    static ModuleConfig of(Object value, String path, long maxElements) {
        ModuleConfig c = of(value, path);
        return new ModuleConfig(c.map, c.path, new long[] {maxElements});
    }

    @SuppressWarnings("unchecked")
    static ModuleConfig of(Object value, String path) {
        if (!(value instanceof Map)) {
            throw new ConfigException("Modules.fromConfig: '" + (path.isEmpty() ? "config" : path)
                    + "' must be a module config (a map with a \"type\"), was " + show(value));
        }
        for (Object k : ((Map<?, ?>) value).keySet()) {
            if (!(k instanceof String)) {
                throw new ConfigException("Modules.fromConfig: '" + (path.isEmpty() ? "config" : path)
                        + "' has a non-string key " + show(k));
            }
        }
        return new ModuleConfig((Map<String, Object>) value, path);
    }

    /** {@code "float32"} for FLOAT, {@code "float64"} for DOUBLE. */
    public static String dataTypeName(DataType type) {
        switch (type) {
            case FLOAT:
                return "float32";
            case DOUBLE:
                return "float64";
            default:
                throw new IllegalArgumentException("data type must be FLOAT (float32) or DOUBLE (float64), was " + type);
        }
    }

    /** Parses {@code "float32"} / {@code "float64"} (also ND4J's {@code "FLOAT"} / {@code "DOUBLE"}). */
    public static DataType parseDataType(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "float32":
            case "float":
                return DataType.FLOAT;
            case "float64":
            case "double":
                return DataType.DOUBLE;
            default:
                throw new IllegalArgumentException("data type must be \"float32\" or \"float64\", was \"" + name + "\"");
        }
    }

    /** Rejects any data type other than FLOAT and DOUBLE, naming the module. */
    static DataType requireFloatType(String owner, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            throw new IllegalArgumentException(owner + ": data type must be FLOAT (float32) or DOUBLE (float64), was "
                    + type);
        }
        return type;
    }

    private Object require(String key, String expected) {
        Object v = map.get(key);
        if (v == null) {
            throw invalid("'" + at(key) + "' is missing; expected " + expected);
        }
        return v;
    }

    private double toNumber(String key, Object v) {
        if (!(v instanceof Number) || !Double.isFinite(((Number) v).doubleValue())) {
            throw invalid("'" + at(key) + "' must be a finite number, was " + show(v));
        }
        return ((Number) v).doubleValue();
    }

    private static String show(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return org.myelin.io.Text.quote((String) v, 80);
        }
        return org.myelin.io.Text.shorten(v instanceof Number ? v.toString() : v + " (" + v.getClass().getSimpleName()
                + ")", 80);
    }

    /** An invalid-config error that already carries its path. */
    static final class ConfigException extends org.myelin.ConfigurationException {
        private static final long serialVersionUID = 1L;

        ConfigException(String message) {
            super("", message); // the message already starts with the path; path() does not split it out
        }
    }
}
