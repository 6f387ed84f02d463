package org.myelin.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.myelin.io.Json;

/**
 * A training job, as read from a JSON config (all keys optional; defaults train the MNIST MLP):
 *
 * <pre>{@code
 * {
 *   "data":     {"source": "mnist", "dir": null, "limit": 0, "validation_fraction": 0.0, "standardize": false},
 *   "model":    {"architecture": "mlp", "hidden": [512, 256], "activation": "relu", "init": "he_normal",
 *                "dropout": 0.0, "batch_norm": false, "data_type": "float32"},
 *   "loss":     "softmax_cross_entropy",
 *   "optimizer": {"type": "adam", "learning_rate": 0.001},
 *   "schedule": {"type": "cosine", "minimum": 0.0},
 *   "regularization": {"l2": 0.0, "l1": 0.0, "clip_norm": 0.0, "clip_value": 0.0, "max_norm": 0.0},
 *   "training": {"epochs": 6, "batch_size": 128, "seed": 42, "early_stopping_patience": 0,
 *                "checkpoint_every_epochs": 1, "checkpoint_every_steps": 0, "resume": true,
 *                "on_divergence": "stop", "divergence_retries": null, "divergence_rate_factor": 0.5},
 *   "output":   "runs/mnist"
 * }
 * }</pre>
 *
 * Models: {@code architecture} {@code mlp} (the keys above), {@code cnn} (the small CNN of
 * {@link org.myelin.nn.Models#smallCnn}), {@code lenet} ({@link org.myelin.nn.Models#lenet5}), or a
 * {@code layers} list of module configs built as a {@code Sequential}, e.g.
 * {@code "layers": [{"type": "conv2d", "in": 1, "out": 8, "kernel": 3}, {"type": "activation", "activation": "relu"},
 * {"type": "max_pool2d", "kernel": 2}, {"type": "flatten"}, {"type": "dense", "in": 1352, "out": 10}]} (layers with
 * parameters take {@code data_type} unless they name their own {@code dataType}). MNIST is loaded as images
 * {@code [N, 1, 28, 28]} when the model's first layer is convolutional or pooling ({@code data.images} overrides),
 * flattened to {@code [N, 784]} otherwise.
 *
 * Data sources: {@code mnist} (from {@code dir}, or fetched into the cache), {@code csv} ({@code train},
 * {@code test} files, {@code label_column}, {@code classes}: 0 for regression), {@code synthetic}
 * ({@code name}: xor, or, and, not, spirals, moons, line; {@code samples}, {@code noise}, {@code test_fraction}).
 * The schedule defaults to cosine annealing from the optimiser's rate to 0 over the whole run ({@code
 * {"type": "constant"}} keeps the rate fixed); a cosine schedule's period defaults to the run's total steps.
 * {@code on_divergence} is {@code stop}, {@code skip} or {@code rollback} (see {@link DivergencePolicy});
 * {@code divergence_retries} defaults to 10 skipped batches in a row or 5 rollbacks. Unknown keys and invalid
 * values are errors
 * naming their path ({@code optimizer.learning_rate: must be > 0, was -0.1}).
 */
public record JobConfig(Map<String, Object> data, Map<String, Object> model, String loss,
        Map<String, Object> optimizer, Map<String, Object> schedule, Map<String, Object> regularization,
        Map<String, Object> training, String output) {

    /** The largest config file read, in bytes: a config is a few hundred bytes, so 1 MB leaves ample room. */
    public static final int MAX_FILE_BYTES = 1 << 20;

    /**
     * Reads a config file: at most {@link #MAX_FILE_BYTES} bytes of UTF-8 text holding exactly one JSON object
     * with unique keys (see {@link Json}); errors say it is the config file ({@code config file x.json does not
     * exist}).
     */
    public static Map<String, Object> readFile(Path file) throws IOException {
        return Json.readFile("config file", file, MAX_FILE_BYTES);
    }

    /** Splits a raw config into its sections, rejecting unknown top-level keys. */
    public static JobConfig of(Map<String, Object> raw) {
        ConfigReader r = new ConfigReader("", raw);
        JobConfig c = new JobConfig(r.object("data").rest(), r.object("model").rest(),
                r.string("loss", "softmax_cross_entropy"), r.object("optimizer").rest(),
                r.has("schedule") ? r.object("schedule").rest() : Map.of("type", "cosine"), r.object("regularization").rest(),
                r.object("training").rest(), r.string("output", "runs/mnist"));
        r.finish();
        return c;
    }

    /**
     * Sets {@code section.key = value} in a raw config (command-line and environment overrides), creating the
     * section if needed.
     */
    @SuppressWarnings("unchecked")
    public static void put(Map<String, Object> raw, String path, Object value) {
        String[] parts = path.split("\\.");
        Map<String, Object> m = raw;
        for (int i = 0; i < parts.length - 1; i++) {
            Object o = m.get(parts[i]);
            if (!(o instanceof Map)) {
                o = new LinkedHashMap<String, Object>();
                m.put(parts[i], o);
            }
            m = (Map<String, Object>) o;
        }
        m.put(parts[parts.length - 1], value);
    }

    /** Hidden sizes of the default model. */
    public static final List<Integer> DEFAULT_HIDDEN = List.of(512, 256);
}
