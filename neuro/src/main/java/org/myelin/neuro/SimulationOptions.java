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
import org.myelin.config.Min;
import org.myelin.config.Suggestions;
import org.myelin.io.Text;

/**
 * Binds the {@code key=value} strings of {@code myelin simulate SCENARIO} to the scenario's options record
 * ({@link ScenarioOptions}): keys are the record's components in snake_case, each value is parsed by its component's
 * type ({@code Double}: a finite decimal, {@code Integer}/{@code Long}: a whole number, {@code List<Double>}:
 * comma-separated decimals), and absent keys take the record's defaults. Errors name the scenario and the setting
 * ({@code simulate lif: unknown setting 'vin'; did you mean v_in?}) and quote the value as typed.
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
                    throw invalid(where, "unknown setting '" + e.getKey() + "'" + Suggestions.hint(e.getKey(), keys));
                }
                args[i] = parse(where, keys.get(i), components[i], e.getValue());
            }
        }
        return construct(where, type, args, given);
    }

    /** The options of {@code type} with their default values, as {@code key=value} strings, in declaration order. */
    static Map<String, String> defaults(Class<? extends Record> type) {
        Record d = construct("defaults", type, new Object[type.getRecordComponents().length], null);
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

    /**
     * The record built from {@code args}; a value its range checks refuse is named with the text given for it, when
     * there is one ({@code setting 'dt' must be > 0, was '0'}, not {@code was 0.0}).
     */
    private static <R extends Record> R construct(
            String where, Class<R> type, Object[] args, Map<String, String> given) {
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
                // Thrown by the record's range checks with the setting's key.
                String problem = c.problem();
                String typed = given == null ? null : given.get(c.path());
                if (typed != null) {
                    problem = problem.replaceFirst(", was [^,]*$", ", was '" + Text.shorten(typed, 40) + "'");
                }
                throw invalid(where, "setting '" + c.path() + "' " + problem);
            }
            throw new IllegalStateException(where + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getSimpleName() + " cannot be built: " + e, e);
        }
    }

    private static Object parse(String where, String key, RecordComponent component, String raw) {
        Type type = component.getGenericType();
        String text = raw == null ? "" : raw.trim();
        if (type == Double.class) {
            return decimal(text)
                    .orElseThrow(() -> invalid(
                            where,
                            "setting '" + key + "' must be a finite number, was '" + Text.shorten(raw, 40) + "'"));
        }
        if (type == Integer.class || type == Long.class) {
            // The range the record takes ({@link Min}: points >= 2), not only the type's: points=2.5 and points=1
            // are refused with the same words.
            Min min = component.getAnnotation(Min.class);
            long lo = min != null ? min.value() : type == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
            long hi = type == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
            Long n = text.matches("[+-]?\\d+") ? parseLong(text) : null;
            if (n == null || n < lo || n > hi) {
                throw invalid(
                        where,
                        "setting '" + key + "' must be a whole number in " + lo + ".." + hi + ", was '"
                                + Text.shorten(raw, 40) + "'");
            }
            return type == Integer.class ? (Object) n.intValue() : (Object) n;
        }
        if (type instanceof ParameterizedType p && p.getRawType() == List.class) {
            if (text.isEmpty()) {
                throw invalid(where, "setting '" + key + "' must list at least one number, was '" + raw + "'");
            }
            List<Double> out = new ArrayList<>();
            String[] parts = text.split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i].trim();
                if (part.isEmpty()) {
                    // 1,,2 and 1,2, were read as 1,2: a slip in a list is refused, not skipped.
                    throw invalid(
                            where,
                            "setting '" + key + "' must be a comma-separated list of numbers, item " + (i + 1) + " of '"
                                    + Text.shorten(raw, 40) + "' is empty");
                }
                out.add(decimal(part)
                        .orElseThrow(() -> invalid(
                                where,
                                "setting '" + key + "' must be a comma-separated list of numbers, was '"
                                        + Text.shorten(raw, 40) + "'")));
            }
            return out;
        }
        throw new IllegalStateException(where + ": setting '" + key + "' has unsupported type " + type);
    }

    /** {@code text} (decimal digits with an optional sign) as a long, or null beyond a long's range. */
    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
    }

    /**
     * A refused setting: an {@link IllegalArgumentException} (as {@link Simulations#run} has always thrown),
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
