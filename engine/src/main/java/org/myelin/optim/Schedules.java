package org.myelin.optim;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds learning-rate schedules by name from JSON-compatible maps (the training config).
 *
 * <table>
 *   <caption>Names and keys ({@code learning_rate} defaults to the base rate passed in; other defaults in
 *   brackets)</caption>
 *   <tr><th>name</th><th>schedule</th><th>keys</th></tr>
 *   <tr><td>{@code constant}</td><td>{@link ConstantRate}</td><td>{@code learning_rate}</td></tr>
 *   <tr><td>{@code step}</td><td>{@link StepDecay}</td><td>{@code learning_rate}, {@code step_size} (required),
 *       {@code gamma} [0.1]</td></tr>
 *   <tr><td>{@code exponential}</td><td>{@link ExponentialDecay}</td><td>{@code learning_rate},
 *       {@code gamma} (required)</td></tr>
 *   <tr><td>{@code cosine}</td><td>{@link CosineAnnealing}</td><td>{@code learning_rate}, {@code minimum} [0],
 *       {@code period} (required)</td></tr>
 *   <tr><td>{@code inverse_time}</td><td>{@link InverseTimeDecay}</td><td>{@code learning_rate},
 *       {@code decay} [1]</td></tr>
 * </table>
 * Every schedule also takes {@code warmup_steps}: if present, the schedule is wrapped in a {@link LinearWarmup}
 * of that many steps.
 */
public final class Schedules {
    private Schedules() {
    }

    /** The names {@link #create} accepts. */
    public static final List<String> NAMES = List.of("constant", "step", "exponential", "cosine", "inverse_time");

    /** Builds the schedule {@code name}; {@code baseRate} is the rate when the map has no {@code learning_rate}. */
    public static LearningRateSchedule create(String name, Map<String, Object> hyper, double baseRate) {
        String type = name == null ? "null" : name.toLowerCase(Locale.ROOT);
        String owner = "schedule '" + type + "'";
        LearningRateSchedule s;
        HyperMap h;
        switch (type) {
            case "constant" -> {
                h = new HyperMap(owner, hyper, "type", "learning_rate", "warmup_steps");
                s = new ConstantRate(h.number("learning_rate", baseRate));
            }
            case "step" -> {
                h = new HyperMap(owner, hyper, "type", "learning_rate", "step_size", "gamma", "warmup_steps");
                s = new StepDecay(h.number("learning_rate", baseRate), required(owner, h, "step_size"),
                        h.number("gamma", 0.1));
            }
            case "exponential" -> {
                h = new HyperMap(owner, hyper, "type", "learning_rate", "gamma", "warmup_steps");
                if (!h.has("gamma")) {
                    throw new IllegalArgumentException(owner + ": hyper-parameter 'gamma' is required");
                }
                s = new ExponentialDecay(h.number("learning_rate", baseRate), h.number("gamma", Double.NaN));
            }
            case "cosine" -> {
                h = new HyperMap(owner, hyper, "type", "learning_rate", "minimum", "period", "warmup_steps");
                s = new CosineAnnealing(h.number("learning_rate", baseRate), h.number("minimum", 0),
                        required(owner, h, "period"));
            }
            case "inverse_time" -> {
                h = new HyperMap(owner, hyper, "type", "learning_rate", "decay", "warmup_steps");
                s = new InverseTimeDecay(h.number("learning_rate", baseRate), h.number("decay", 1));
            }
            default -> throw new IllegalArgumentException("Schedules: unknown schedule '" + name
                    + "', expected one of " + NAMES);
        }
        return h.has("warmup_steps") ? new LinearWarmup(h.integer("warmup_steps", 0), s) : s;
    }

    private static long required(String owner, HyperMap h, String key) {
        if (!h.has(key)) {
            throw new IllegalArgumentException(owner + ": hyper-parameter '" + key + "' is required");
        }
        return h.integer(key, 0);
    }
}
