package org.myelin.nn;

import java.util.Map;
import org.myelin.MemoryLimit;
import org.myelin.autodiff.Tensor;
import org.myelin.config.Require;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layer normalisation layer (MIT 6.390 §6.8.3; see docs/notes.md): each sample is standardised over its own n features,
 * {@code Y = G (.) (X - mu_row) / sqrt(sigma_row^2 + eps) + B}, with learnable gain G (parameter
 * {@code "gain"}, initialised to 1) and shift B (parameter {@code "shift"}, initialised to 0). It uses no
 * batch statistics, so training and evaluation mode compute the same thing.
 *
 * <p>Shapes: X {@code [B, n]}, G and B {@code [n]}, Y {@code [B, n]}.
 */
public final class LayerNorm extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "layer_norm";

    public static final double DEFAULT_EPS = 1e-5;

    private final long n;
    private final double eps;
    private final DataType type;
    private final Tensor gain;
    private final Tensor shift;

    /** A layer over {@code n} features with the default eps. */
    public LayerNorm(long n, DataType type) {
        this(n, DEFAULT_EPS, type);
    }

    /**
     * @param n   number of features, {@code > 0}
     * @param eps added to the variance, {@code > 0}
     */
    public LayerNorm(long n, double eps, DataType type) {
        if (n <= 0) {
            throw new IllegalArgumentException("LayerNorm: number of features must be > 0, was " + n);
        }
        this.n = n;
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(describe() + ": eps must be > 0, was " + eps);
        }
        this.eps = eps;
        this.type = ModuleConfig.requireFloatType(describe(), type);
        ModuleConfig.requireWithinMemoryLimit(describe(), MemoryLimit.saturatedProduct(2, n), type, "parameters");
        this.gain = registerParameter("gain", Nd4j.ones(type, n));
        this.shift = registerParameter("shift", Nd4j.zeros(type, n));
    }

    /** Shapes: {@code [B, n] -> [B, n]}. */
    @Override
    public Tensor forward(Tensor input) {
        requireBatchInput(describe(), input, n, type);
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        return Ops.layerNorm(input, gain, shift, eps);
    }

    /** {@code {"type":"layer_norm","n":..,"eps":..,"dataType":..}}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(TYPE, new Config(n, eps, ModuleConfig.dataTypeName(type)));
    }

    /** The config of a layer-norm layer: features {@code n} and {@code data_type} required, {@code eps} optional. */
    public record Config(Number n, Double eps, String dataType) {
        public Config {
            n = ConfigValues.positive("n", n);
            eps = Require.positive("eps", eps == null ? DEFAULT_EPS : eps);
            dataType = ConfigValues.dataType("data_type", dataType);
        }
    }

    static LayerNorm fromConfig(Config c, LayerBuild build) {
        long n = c.n().longValue();
        build.reserve("gain and shift", 2, n);
        return new LayerNorm(n, c.eps(), ConfigValues.parse(c.dataType()));
    }

    /** The gain G {@code [n]}. */
    public Tensor gain() {
        return gain;
    }

    /** The shift B {@code [n]}. */
    public Tensor shift() {
        return shift;
    }

    public long features() {
        return n;
    }

    public double eps() {
        return eps;
    }

    public DataType dataType() {
        return type;
    }

    private String describe() {
        return "LayerNorm[" + n + "]";
    }

    @Override
    public String toString() {
        return describe();
    }
}
