package org.myelin.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.myelin.ConfigurationException;

/**
 * The named components of one kind (optimisers, schedules, activations, initialisers, losses, data sources,
 * layers): each name with its factory and one line of help, in registration order. It gives the names for help
 * texts and the one error for a name it does not know ({@code optimizer.type: unknown optimizer 'adma'; did you
 * mean adam?}). Names are lower-case and looked up case-insensitively.
 *
 * @param <F> the factory type (a functional interface of the component kind)
 */
public final class Registry<F> {
    /** One registered component. */
    public record Entry<F>(String name, String help, F factory) {}

    private final String kind;
    private final Map<String, Entry<F>> entries = new LinkedHashMap<>();

    /** @param kind what the components are, singular, for messages ({@code "optimizer"}) */
    public Registry(String kind) {
        this.kind = kind;
    }

    /**
     * Adds a component.
     *
     * @throws IllegalArgumentException for a name that is not lower-case {@code [a-z0-9_]+} or is already taken
     */
    public synchronized Registry<F> register(String name, String help, F factory) {
        if (name == null || !name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException(kind + " name must match [a-z0-9_]+, was " + name);
        }
        if (entries.containsKey(name)) {
            throw new IllegalArgumentException(kind + " '" + name + "' is already registered");
        }
        entries.put(name, new Entry<>(name, help, factory));
        return this;
    }

    /** The factory registered as {@code name}; errors name the path of the key that held the name. */
    public F get(String path, String name) {
        return entry(path, name).factory();
    }

    /** The entry registered as {@code name}; errors name the path of the key that held the name. */
    public synchronized Entry<F> entry(String path, String name) {
        Entry<F> e = name == null ? null : entries.get(name.toLowerCase(Locale.ROOT));
        if (e == null) {
            throw new ConfigurationException(
                    path,
                    (name == null ? kind + " missing" : "unknown " + kind + " '" + name + "'")
                            + Suggestions.hint(name == null ? "" : name, names()));
        }
        return e;
    }

    /** Whether {@code name} is registered (case-insensitively). */
    public synchronized boolean contains(String name) {
        return name != null && entries.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /** The names, in registration order. */
    public synchronized List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** All entries, in registration order. */
    public synchronized List<Entry<F>> entries() {
        return List.copyOf(entries.values());
    }

    /** What the components are ({@code "optimizer"}). */
    public String kind() {
        return kind;
    }

    /** One line per component, {@code "  name   help"}, aligned: for command-line help and docs. */
    public synchronized String help() {
        int width = entries.keySet().stream().mapToInt(String::length).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (Entry<F> e : entries.values()) {
            lines.add(String.format(Locale.ROOT, "  %-" + width + "s  %s", e.name(), e.help()));
        }
        return String.join("\n", lines);
    }
}
