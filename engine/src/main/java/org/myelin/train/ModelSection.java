package org.myelin.train;

import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.config.ConfigBinder;
import org.myelin.config.Min;

/**
 * The {@code model} section of a job: {@code architecture} {@code mlp} (default; {@code hidden} sizes, the hidden
 * {@code activation}, the weight {@code init}, {@code dropout} and {@code batch_norm}), {@code cnn} (the small CNN
 * of {@link org.myelin.nn.Models#smallCnn}), {@code lenet} ({@link org.myelin.nn.Models#lenet5}), or {@code layers}
 * (the default when a {@code layers} list is given): a list of module configs built as a {@code Sequential}, e.g.
 * {@code "layers": [{"type": "conv2d", "in": 1, "out": 8, "kernel": 3}, {"type": "activation", "activation":
 * "relu"}, {"type": "max_pool2d", "kernel": 2}, {"type": "flatten"}, {"type": "dense", "in": 1352, "out": 10}]}.
 * {@code data_type} ({@code float32} or {@code float64}) applies to every layer with parameters that does not name
 * its own.
 */
public record ModelSection(String architecture, @Min(1) List<Integer> hidden, String activation, String init, Double dropout,
        Boolean batchNorm, String dataType, List<Object> layers) {

    /** The keys of the MLP architecture only. */
    static final List<String> MLP_KEYS = List.of("hidden", "activation", "init", "dropout", "batch_norm");

    public ModelSection {
        architecture = architecture == null ? (layers == null ? "mlp" : "layers") : architecture;
        hidden = hidden == null ? JobConfig.DEFAULT_HIDDEN : List.copyOf(hidden);
        activation = activation == null ? "relu" : activation;
        init = init == null ? "he_normal" : init;
        dropout = dropout == null ? 0.0 : dropout;
        if (!(dropout >= 0 && dropout < 1)) {
            throw new ConfigurationException("dropout", "must be in [0, 1), was " + dropout);
        }
        batchNorm = batchNorm != null && batchNorm;
        dataType = dataType == null ? "float32" : dataType;
        if (layers != null && layers.isEmpty()) {
            throw new ConfigurationException("layers", "must be a non-empty list, was []");
        }
    }

    /** Binds the {@code model} section at {@code path}. */
    public static ModelSection bind(String path, Map<String, ?> raw) {
        ModelSection m = ConfigBinder.bind(path, raw, ModelSection.class);
        if (m.layers() != null) {
            // The layer configs exactly as read (numbers as the JSON reader typed them), for the module factories.
            m = new ModelSection(m.architecture(), m.hidden(), m.activation(), m.init(), m.dropout(), m.batchNorm(),
                    m.dataType(), new java.util.ArrayList<>((List<?>) raw.get("layers")));
        }
        if (!m.architecture().equals("mlp") && raw != null) {
            // The MLP's keys mean nothing to the other architectures: refused rather than ignored.
            for (String key : MLP_KEYS) {
                if (raw.containsKey(key)) {
                    throw new ConfigurationException(path + "." + key, "unknown key for architecture \""
                            + m.architecture() + "\" (it belongs to \"mlp\")");
                }
            }
        }
        return m;
    }
}
