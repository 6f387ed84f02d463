package org.myelin.neuro;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.config.ConfigBinder;
import org.myelin.config.Suggestions;
import org.myelin.io.Text;

/**
 * Binds the {@code key=value} strings of {@code myelin simulate SCENARIO} to the scenario's options record
 * ({@link ScenarioOptions}): keys are the record's components in snake_case, each value is parsed by its component's
 * type ({@code Double}: a finite decimal, {@code Integer}/{@code Long}: a whole number, {@code List<Double>}:
 * comma-separated decimals), and absent keys take the record's defaults. Errors name the scenario and the option
 * ({@code simulate lif: unknown option 'vin'; did you mean v_in?}).
 *
 * <p>Written here rather than bound by Jackson because the command line gives strings, which the config binder
 * rightly refuses to coerce into numbers.
 */
final class SimulationOptions {
    private SimulationOptions() {}

    /** The options record of {@code scenario} built from {@code given} (null: all defaults). */
    static <R extends Record> R bind(String scenario, Class<R> type, Map<String, String> given) {
        String where = "simulate " + scenario;
        RecordComponent[] components = type.getRecordComponents();
        List<String> keys = keys(type);
        Object[] args = new Object[components.length];
        if (given != null) {
            for (Map.Entry<String, String> e : given.entrySet()) {
                int i = keys.indexOf(e.getKey());
                if (i < 0) {
                    throw invalid(where, "unknown option '" + e.getKey() + "'" + Suggestions.hint(e.getKey(), keys));
                }
                args[i] = parse(where, keys.get(i), components[i].getGenericType(), e.getValue());
            }
        }
        return construct(where, type, args);
    }

    /** The options of {@code type} with their default values, as {@code key=value} strings, in declaration order. */
    static Map<String, String> defaults(Class<? extends Record> type) {
        Record d = construct("defaults", type, new Object[type.getRecordComponents().length]);
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(d);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(type.getSimpleName() + "." + c.getName() + " is not readable", e);
            }
            out.put(ConfigBinder.key(c.getName()), show(v));
        }
        return out;
    }

    private static List<String> keys(Class<? extends Record> type) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            keys.add(ConfigBinder.key(c.getName()));
        }
        return keys;
    }

    private static <R extends Record> R construct(String where, Class<R> type, Object[] args) {
        Class<?>[] types = new Class<?>[args.length];
        RecordComponent[] components = type.getRecordComponents();
        for (int i = 0; i < args.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            Constructor<R> c = type.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof ConfigurationException c) {
                // Thrown by the record's range checks with the option's key.
                throw invalid(where, "option '" + c.path() + "' " + c.problem());
            }
            throw new IllegalStateException(where + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getSimpleName() + " cannot be built: " + e, e);
        }
    }

    private static Object parse(String where, String key, Type type, String raw) {
        String text = raw == null ? "" : raw.trim();
        if (type == Double.class) {
            return decimal(text)
                    .orElseThrow(() -> invalid(
                            where,
                            "option '" + key + "' must be a finite number, was '" + Text.shorten(raw, 40) + "'"));
        }
        if (type == Integer.class || type == Long.class) {
            try {
                return type == Integer.class ? (Object) Integer.parseInt(text) : (Object) Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw invalid(
                        where,
                        "option '" + key + "' must be a whole number in "
                                + (type == Integer.class
                                        ? Integer.MIN_VALUE + ".." + Integer.MAX_VALUE
                                        : Long.MIN_VALUE + ".." + Long.MAX_VALUE)
                                + ", was '" + Text.shorten(raw, 40) + "'");
            }
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            List<Double> out = new ArrayList<>();
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add(decimal(part.trim())
                            .orElseThrow(() -> invalid(
                                    where,
                                    "option '" + key + "' must be a comma-separated list of numbers, was '" + raw
                                            + "'")));
                }
            }
            if (out.isEmpty()) {
                throw invalid(where, "option '" + key + "' must list at least one number, was '" + raw + "'");
            }
            return out;
        }
        throw new IllegalStateException(where + ": option '" + key + "' has unsupported type " + type);
    }

    /**
     * A refused option: an {@link IllegalArgumentException} (as {@link Simulations#run} has always thrown),
     * {@code "simulate SCENARIO: PROBLEM"}.
     */
    private static IllegalArgumentException invalid(String where, String problem) {
        return new IllegalArgumentException(where + ": " + problem);
    }

    private static java.util.Optional<Double> decimal(String text) {
        try {
            double x = Text.parseDecimal(text);
            return Double.isFinite(x) ? java.util.Optional.of(x) : java.util.Optional.empty();
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** {@code 0.0001}, not {@code 1.0E-4}; whole numbers without {@code .0}; lists comma-separated. */
    private static String show(Object v) {
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(show(x)));
            return String.join(",", parts);
        }
        if (v instanceof Double d) {
            String s = BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
            return s;
        }
        return String.valueOf(v);
    }
}
