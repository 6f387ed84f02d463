package org.myelin.train;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.myelin.ConfigurationException;
import org.myelin.config.ConfigBinder;
import org.myelin.config.Registry;
import org.myelin.optim.Optimizers;
import org.myelin.optim.Schedules;

/**
 * The reference of every job-config key with its default, rendered from the config records and registries
 * themselves (docs/configuration.md holds the output; {@code ConfigDocsTest} fails when the two differ), so that
 * no default is written a second time in prose.
 */
public final class ConfigDocs {
    private ConfigDocs() {}

    /** The whole reference as Markdown. */
    public static String markdown() {
        StringBuilder b = new StringBuilder();
        section(b, "top level", JobConfig.Sections.class);
        section(b, "training", JobConfig.Training.class);
        section(b, "regularization", JobConfig.Regularization.class);
        section(b, "model", ModelSpec.class);
        section(b, "data (every source)", DataSources.Common.class);
        for (Registry.Entry<DataSources.Kind<?>> e : DataSources.REGISTRY.entries()) {
            section(
                    b,
                    "data, \"source\": \"" + e.name() + "\" (" + e.help() + ")",
                    e.factory().keys());
        }
        for (Registry.Entry<Optimizers.Kind<?>> e : Optimizers.REGISTRY.entries()) {
            section(
                    b,
                    "optimizer, \"type\": \"" + e.name() + "\" (" + e.help() + ")",
                    e.factory().hyper());
        }
        section(b, "schedule (every type)", Schedules.Common.class);
        for (Registry.Entry<Schedules.Kind<?>> e : Schedules.REGISTRY.entries()) {
            section(
                    b,
                    "schedule, \"type\": \"" + e.name() + "\" (" + e.help() + ")",
                    e.factory().keys());
        }
        b.append("### loss\n\n").append(names(LossFunction.REGISTRY));
        return b.toString();
    }

    private static String names(Registry<?> r) {
        StringBuilder b = new StringBuilder("| name | meaning |\n| --- | --- |\n");
        for (Registry.Entry<?> e : r.entries()) {
            b.append("| `").append(e.name()).append("` | ").append(e.help()).append(" |\n");
        }
        return b.append('\n').toString();
    }

    private static void section(StringBuilder b, String title, Class<? extends Record> type) {
        b.append("### ").append(title).append("\n\n");
        RecordComponent[] components = type.getRecordComponents();
        if (components.length == 0) {
            b.append("No keys of its own.\n\n");
            return;
        }
        Set<String> required = new TreeSet<>();
        Record defaults = defaults(type, required);
        b.append("| key | default |\n| --- | --- |\n");
        for (RecordComponent c : components) {
            String key = ConfigBinder.key(c.getName());
            b.append("| `")
                    .append(key)
                    .append("` | ")
                    .append(required.contains(key) ? "required" : show(value(c, defaults)))
                    .append(" |\n");
        }
        b.append('\n');
    }

    /** The record bound from an empty section; a required key gets a placeholder, and is listed in {@code required}. */
    private static Record defaults(Class<? extends Record> type, Set<String> required) {
        Map<String, Object> given = new LinkedHashMap<>();
        for (int tries = 0; tries <= type.getRecordComponents().length; tries++) {
            try {
                return ConfigBinder.bind("", given, type);
            } catch (ConfigurationException e) {
                RecordComponent c = component(type, e.path());
                if (c == null || required.contains(e.path())) {
                    throw new IllegalStateException(
                            "ConfigDocs: " + type.getSimpleName() + " has no defaults: " + e.getMessage(), e);
                }
                required.add(e.path());
                given.put(e.path(), placeholder(c.getType()));
            }
        }
        throw new IllegalStateException("ConfigDocs: " + type.getSimpleName() + " cannot be bound");
    }

    private static RecordComponent component(Class<? extends Record> type, String key) {
        for (RecordComponent c : type.getRecordComponents()) {
            if (ConfigBinder.key(c.getName()).equals(key)) {
                return c;
            }
        }
        return null;
    }

    private static Object placeholder(Class<?> t) {
        if (t == Long.class || t == Integer.class) {
            return 1;
        }
        if (t == Double.class) {
            return 0.5;
        }
        if (t == String.class) {
            return DataSources.SETS.names().get(0); // a valid name wherever a name is required
        }
        return List.of();
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("ConfigDocs: cannot read " + c.getName(), e);
        }
    }

    private static String show(Object v) {
        if (v == null) {
            return "none";
        }
        if (v instanceof String s) {
            return "`\"" + s + "\"`";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(String.valueOf(x)));
            return "`[" + String.join(", ", parts) + "]`";
        }
        return "`" + v + "`";
    }
}
