package org.myelin.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.io.Text;

/**
 * Binds a parsed JSON object (see {@link org.myelin.io.Json}) to a typed config record with Jackson: keys are
 * snake_case ({@code learning_rate} binds the record component {@code learningRate}), every key must belong to the
 * record, nothing is coerced (a string is not a number, {@code 2.5} is not an integer, an integer beyond the
 * component's range is refused rather than wrapped). Every failure becomes one {@link ConfigurationException}
 * naming the full path: {@code optimizer.learning_rat: unknown key; did you mean learning_rate?},
 * {@code training.epochs: must be an integer, was "six"}.
 *
 * <p>Records check their ranges in their compact constructors with {@link Require}, which throws with the
 * component's key; the binder puts the record's path in front of it.
 */
public final class ConfigBinder {
    private static final ObjectMapper MAPPER = mapper();

    private ConfigBinder() {}

    private static ObjectMapper mapper() {
        JsonMapper m = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // No scalar coercion at all: "0.1" is not a number, 1 is not a string or a boolean.
        for (LogicalType t :
                List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean, LogicalType.Textual)) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        // Integers are also floats: 1 is a fine learning rate.
        m.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Integer, CoercionAction.TryConvert);
        return m;
    }

    /**
     * Binds {@code raw} (a map, or {@code null} for an absent section, which binds as an empty object) to
     * {@code type}.
     *
     * @param path the dotted path of {@code raw} in the whole config ({@code ""} at the top), for messages
     * @throws ConfigurationException naming the offending key's full path
     */
    public static <T> T bind(String path, Map<String, ?> raw, Class<T> type) {
        Map<String, ?> object = raw == null ? Map.of() : raw;
        requireDepth(path, object);
        // Unknown keys first: Jackson builds a record before it reports unknown keys, so a misspelt required key
        // would otherwise read as "missing" instead of "did you mean ...".
        checkKeys(path, object, type);
        JsonNode node = MAPPER.valueToTree(object);
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw translate(path, e);
        }
    }

    /**
     * The deepest nesting of objects and lists a config may have: a JSON file cannot pass 64
     * ({@link org.myelin.io.Json#MAX_NESTING_DEPTH}); a map built in Java can, and 5,000 sequentials nested in each
     * other overflowed the stack inside Jackson (a StackOverflowError).
     */
    public static final int MAX_DEPTH = 256;

    /** Refuses {@code raw} nested deeper than {@link #MAX_DEPTH}, walking it without recursion. */
    private static void requireDepth(String path, Map<String, ?> raw) {
        java.util.ArrayDeque<Object> values = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
        values.push(raw);
        depths.push(1);
        while (!values.isEmpty()) {
            Object v = values.pop();
            int depth = depths.pop();
            if (!(v instanceof Map<?, ?>) && !(v instanceof java.util.Collection<?>)) {
                continue;
            }
            if (depth > MAX_DEPTH) {
                throw new ConfigurationException(
                        path, "nested deeper than " + MAX_DEPTH + " levels of objects and lists");
            }
            for (Object child : v instanceof Map<?, ?> m ? m.values() : (java.util.Collection<?>) v) {
                if (child instanceof Map<?, ?> || child instanceof java.util.Collection<?>) {
                    values.push(child);
                    depths.push(depth + 1);
                }
            }
        }
    }

    /** Rejects keys that are not components of the record {@code type}, recursing into nested records and lists. */
    private static void checkKeys(String path, Map<String, ?> raw, Class<?> type) {
        if (!type.isRecord()) {
            return;
        }
        Map<String, java.lang.reflect.RecordComponent> components = new java.util.TreeMap<>();
        for (java.lang.reflect.RecordComponent c : type.getRecordComponents()) {
            components.put(key(c.getName()), c);
        }
        for (Map.Entry<String, ?> e : raw.entrySet()) {
            if (e.getKey() == null) { // a NullPointerException from the TreeMap of keys
                throw new ConfigurationException(path, "has a null key; expected one of " + components.keySet());
            }
            String at = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            java.lang.reflect.RecordComponent c = components.get(e.getKey());
            if (c == null) {
                throw new ConfigurationException(at, "unknown key" + Suggestions.hint(e.getKey(), components.keySet()));
            }
            checkWhole(at, e.getValue(), c);
            checkNested(at, e.getValue(), c.getType(), c.getGenericType());
        }
    }

    /**
     * Whole-number components (and lists of them) checked exactly against their type's range and their {@link Min},
     * so that the message carries the range the key accepts rather than Jackson's view of a Java type.
     */
    private static void checkWhole(String at, Object value, java.lang.reflect.RecordComponent c) {
        Min min = c.getAnnotation(Min.class);
        if (value instanceof List<?> list
                && c.getGenericType() instanceof java.lang.reflect.ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> element
                && isWhole(element)) {
            for (int i = 0; i < list.size(); i++) {
                java.util.OptionalLong exact = org.myelin.io.Json.exactLong(list.get(i));
                if (min != null && exact.isPresent() && exact.getAsLong() < min.value()) {
                    // "an integer" says what each element of the list must be.
                    throw new ConfigurationException(
                            at + "[" + i + "]", "must be an integer >= " + min.value() + ", was " + exact.getAsLong());
                }
                if (list.get(i) != null) {
                    Require.whole(
                            at + "[" + i + "]",
                            list.get(i),
                            min == null ? lowest(element) : min.value(),
                            highest(element));
                }
            }
        } else if (value != null && isWhole(c.getType())) {
            Require.whole(at, value, min == null ? lowest(c.getType()) : min.value(), highest(c.getType()));
        }
    }

    private static boolean isWhole(Class<?> t) {
        return t == int.class || t == Integer.class || t == long.class || t == Long.class;
    }

    private static long lowest(Class<?> t) {
        return t == int.class || t == Integer.class ? Integer.MIN_VALUE : Long.MIN_VALUE;
    }

    private static long highest(Class<?> t) {
        return t == int.class || t == Integer.class ? Integer.MAX_VALUE : Long.MAX_VALUE;
    }

    @SuppressWarnings("unchecked")
    private static void checkNested(String at, Object value, Class<?> type, java.lang.reflect.Type generic) {
        if (value instanceof Map<?, ?> m && type.isRecord()) {
            checkKeys(at, (Map<String, ?>) m, type);
        } else if (value instanceof List<?> list
                && generic instanceof java.lang.reflect.ParameterizedType p
                && p.getActualTypeArguments()[0] instanceof Class<?> element
                && element.isRecord()) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof Map<?, ?> m) {
                    checkKeys(at + "[" + i + "]", (Map<String, ?>) m, element);
                }
            }
        }
    }

    /** The snake_case JSON key of a record component or bean property name ({@code learningRate -> learning_rate}). */
    public static String key(String javaName) {
        return ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE).translate(javaName);
    }

    private static ConfigurationException translate(String path, Exception e) {
        if (e instanceof ConfigurationException c) {
            return c;
        }
        String at = e instanceof JsonMappingException m ? join(path, m.getPath()) : path;
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = new ArrayList<>();
            u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            known.sort(null);
            return new ConfigurationException(at, "unknown key" + Suggestions.hint(u.getPropertyName(), known));
        }
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause();
            if (cause instanceof org.myelin.InvalidSettingException s) {
                // A hyper-parameter check keyed by the component's config key; the message names its owner.
                return new ConfigurationException(join(at, s.key()), s.getMessage());
            }
            if (cause instanceof ConfigurationException c) {
                // Thrown by a record's compact constructor with the component's key; the record sits at 'at'.
                return c.at(join(at, c.path()));
            }
            return new ConfigurationException(
                    at,
                    cause == null
                            ? v.getOriginalMessage()
                            : cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
        if (e instanceof InvalidFormatException f) {
            return new ConfigurationException(
                    at, "must be " + expected(f.getTargetType()) + ", was " + show(f.getValue()));
        }
        if (e instanceof MismatchedInputException m) {
            return new ConfigurationException(at, "must be " + expected(m.getTargetType()) + ", was " + shownToken(m));
        }
        if (e instanceof InputCoercionException c) {
            return new ConfigurationException(
                    at, "must be " + expected(c.getTargetType()) + ", was " + Text.shorten(safeText(c), 40));
        }
        String message = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
        return new ConfigurationException(at, Text.shorten(String.valueOf(message), 200));
    }

    private static String safeText(InputCoercionException c) {
        try {
            return c.getProcessor() == null
                    ? "a number out of range"
                    : c.getProcessor().getText();
        } catch (java.io.IOException io) {
            return "";
        }
    }

    private static String shownToken(MismatchedInputException m) {
        try {
            com.fasterxml.jackson.core.JsonParser p =
                    m.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser q ? q : null;
            if (p != null && p.currentToken() != null) {
                return switch (p.currentToken()) {
                    case END_OBJECT -> "missing (it has no default)";
                    case START_OBJECT -> "an object";
                    case START_ARRAY -> "a list";
                    case VALUE_NULL -> "null";
                    case VALUE_STRING -> Text.quote(p.getText(), 80);
                    default -> Text.shorten(p.getText(), 80);
                };
            }
        } catch (java.io.IOException ignored) {
            // fall through to the generic description
        }
        return "a value of another type";
    }

    private static String expected(Class<?> t) {
        if (t == null) {
            return "a value of another type";
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class) {
            // Ranges are checked before Jackson binds (checkWhole, with the key's own minimum): what reaches here
            // is a value of another kind, such as 1.0 or 1e0, which the old "in -2147483648..2147483647" misstated.
            return "an integer written in digits (no fraction or exponent)";
        }
        if (t == double.class || t == Double.class || t == float.class || t == Float.class) {
            return "a number";
        }
        if (t == boolean.class || t == Boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(t) || t.isArray()) {
            return "a list";
        }
        if (t.isEnum()) {
            List<String> names = new ArrayList<>();
            for (Object c : t.getEnumConstants()) {
                names.add(c.toString());
            }
            return "one of " + names;
        }
        return "an object";
    }

    private static String show(Object v) {
        return v instanceof String s ? Text.quote(s, 80) : Text.shorten(String.valueOf(v), 80);
    }

    /** {@code base.key[3].inner} from Jackson's reference path. */
    private static String join(String base, List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder(base);
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    private static String join(String base, String key) {
        return base.isEmpty() ? key : key.isEmpty() ? base : base + "." + key;
    }
}
