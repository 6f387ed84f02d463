package org.myelin.nn;

import java.util.List;
import java.util.OptionalLong;
import org.myelin.ConfigurationException;
import org.myelin.io.Json;
import org.myelin.io.Text;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Checks for the compact constructors of layer config records, for values JSON cannot type precisely enough for
 * Jackson alone: sizes (any JSON number that is exactly a whole number, so {@code 2.0} is a size and a huge integer is
 * refused, never wrapped), pairs written as one number or a list of two, data type and initialiser names. Each
 * throws a {@link ConfigurationException} naming the component's key; the binder puts the layer's path in front.
 */
final class ConfigValues {
    private ConfigValues() {}

    /** A required size {@code > 0}. */
    static Long positive(String key, Number v) {
        if (v == null) {
            throw new ConfigurationException(key, "missing; expected a positive integer");
        }
        OptionalLong n = Json.exactLong(v);
        if (n.isEmpty() || n.getAsLong() <= 0) {
            throw new ConfigurationException(key, "must be a positive integer, was " + v);
        }
        return n.getAsLong();
    }

    /**
     * A pair of integers {@code >= min} written as one number for both or a list of two; {@code fallback} when
     * absent.
     */
    static List<Integer> pair(String key, Object v, List<Integer> fallback, int min) {
        if (v == null) {
            if (fallback == null) {
                throw new ConfigurationException(key, "missing; expected an integer >= " + min + " or a list of two");
            }
            return fallback;
        }
        List<?> list = v instanceof List<?> l ? l : List.of(v);
        if (list.size() != 2 && !(v instanceof Number)) {
            throw new ConfigurationException(key, "must be an integer >= " + min + " or a list of two, was " + show(v));
        }
        Integer[] out = new Integer[2];
        for (int i = 0; i < 2; i++) {
            OptionalLong n = Json.exactLong(list.get(Math.min(i, list.size() - 1)));
            if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > Integer.MAX_VALUE) {
                throw new ConfigurationException(
                        key, "must be an integer >= " + min + " or a list of two, was " + show(v));
            }
            out[i] = (int) n.getAsLong();
        }
        return List.of(out);
    }

    /** A required data type name, {@code "float32"} or {@code "float64"}, returned in that spelling. */
    static String dataType(String key, String v) {
        if (v == null) {
            throw new ConfigurationException(key, "missing; expected \"float32\" or \"float64\"");
        }
        try {
            return ModuleConfig.dataTypeName(ModuleConfig.parseDataType(v));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(key, "must be \"float32\" or \"float64\", was " + show(v));
        }
    }

    /** An initialiser name ({@link Inits#byName}), {@code fallback} when absent; returned as the initialiser's name. */
    static String init(String key, String v, Init fallback) {
        if (v == null) {
            return fallback.name();
        }
        return Inits.byName(key, v).name();
    }

    static DataType parse(String dataType) {
        return ModuleConfig.parseDataType(dataType);
    }

    static String show(Object v) {
        return v instanceof String s ? Text.quote(s, 80) : Text.shorten(String.valueOf(v), 80);
    }
}
