package org.myelin.config;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.myelin.ConfigurationException;

/**
 * Binds a polymorphic section whose keys come from two records: the keys every kind shares (a schedule's
 * {@code learning_rate} and {@code warmup_steps}, a data source's {@code limit} ...) and the keys of the kind
 * chosen by its {@code "type"} or {@code "source"}. Each key is written once, in one of the two records; an unknown
 * key is refused with the closest key of either.
 */
public final class SharedKeys {
    private SharedKeys() {}

    /** The two bound records. */
    public record Bound<C, K>(C common, K kind) {}

    /**
     * Binds the keys of {@code raw} that are components of {@code common} to it and the others to {@code kind},
     * skipping {@code discriminator} (the key that chose the kind).
     */
    public static <C extends Record, K extends Record> Bound<C, K> bind(
            String path, Map<String, ?> raw, String discriminator, Class<C> common, Class<K> kind) {
        Map<String, Object> shared = new LinkedHashMap<>();
        Map<String, Object> own = new LinkedHashMap<>();
        TreeSet<String> commonKeys = keys(common);
        TreeSet<String> all = new TreeSet<>(commonKeys);
        all.addAll(keys(kind));
        for (Map.Entry<String, ?> e : (raw == null ? Map.<String, Object>of() : raw).entrySet()) {
            if (e.getKey().equals(discriminator)) {
                continue;
            }
            if (!all.contains(e.getKey())) {
                throw new ConfigurationException(
                        path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
                        "unknown key" + Suggestions.hint(e.getKey(), all));
            }
            (commonKeys.contains(e.getKey()) ? shared : own).put(e.getKey(), e.getValue());
        }
        return new Bound<>(ConfigBinder.bind(path, shared, common), ConfigBinder.bind(path, own, kind));
    }

    /** The snake_case keys of a record's components. */
    public static TreeSet<String> keys(Class<? extends Record> type) {
        TreeSet<String> keys = new TreeSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            keys.add(ConfigBinder.key(c.getName()));
        }
        return keys;
    }
}
