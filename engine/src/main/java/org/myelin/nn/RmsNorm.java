package org.myelin.nn;

import java.util.Map;
import org.myelin.autodiff.Tensor;
import org.myelin.config.Require;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Root-mean-square layer normalisation (Zhang and Sennrich 2019, "Root Mean Square Layer Normalization", NeurIPS):
 * each sample is divided by the root mean square of its own n features, without centring and without a shift,
 * {@code Y = X / sqrt(mean(X^2 over the features) + eps) (.) G}, with a learnable gain G (parameter {@code "gain"},
 * initialised to 1). {@code eps} defaults to 1e-8, the value of the authors' reference implementation
 * (github.com/bzhangGo/rmsnorm); it only keeps an all-zero row finite.
 *
 * <p>Composed from existing ops (square, row mean, power -1/2, broadcasting products), so its gradient is theirs and
 * needs no op of its own; it uses no batch statistics, so training and evaluation mode compute the same thing.
 *
 * <p>Shapes: X {@code [B, n]}, G {@code [n]}, Y {@code [B, n]}.
 */
public final class RmsNorm extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "rms_norm";
    /** Added to the mean square: the reference implementation's 1e-8. */
    public static final double DEFAULT_EPS = 1e-8;

    private final long n;
    private final double eps;
    private final DataType type;
    private final Tensor gain;
    private final Tensor epsTensor;

    /**
     * @param n    number of features, {@code > 0}
     * @param eps  added to the mean square, {@code > 0}
     * @param type FLOAT or DOUBLE
     */
    public RmsNorm(long n, double eps, DataType type) {
        // The layer's own messages, as LayerNorm's (the Config's were a ConfigurationException naming only the key).
        if (n <= 0) {
            throw new IllegalArgumentException("RmsNorm: number of features must be > 0, was " + n);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("RmsNorm[" + n + "]: eps must be > 0, was " + eps);
        }
        Config c = new Config(n, eps, ModuleConfig.dataTypeName(ModuleConfig.requireFloatType("RmsNorm", type)));
        this.n = c.n().longValue();
        this.eps = c.eps();
        this.type = type;
        ModuleConfig.requireWithinMemoryLimit("RmsNorm[" + n + "]", n, type, "parameters");
        this.gain = registerParameter("gain", Nd4j.ones(type, n));
        this.epsTensor = Tensor.constant(Nd4j.scalar(type, eps));
    }

    /** Shapes: {@code [B, n] -> [B, n]}. */
    @Override
    public Tensor forward(Tensor input) {
        requireBatchInput("RmsNorm[" + n + "]", input, n, type);
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        Tensor meanSquare = Ops.mean(Ops.mul(input, input), 1); // [B, 1]
        Tensor inverseRms = Ops.pow(Ops.add(meanSquare, epsTensor), -0.5);
        return Ops.mul(Ops.mul(input, inverseRms), gain);
    }

    /** {@code {"type":"rms_norm","n":..,"eps":..,"data_type":..}}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(TYPE, new Config(n, eps, ModuleConfig.dataTypeName(type)));
    }

    /** The config of an RMS-norm layer: features {@code n} and {@code data_type} required, {@code eps} optional. */
    public record Config(Number n, Double eps, String dataType) {
        public Config {
            n = ConfigValues.positive("n", n);
            eps = Require.positive("eps", eps == null ? DEFAULT_EPS : eps);
            dataType = ConfigValues.dataType("data_type", dataType);
        }
    }

    static RmsNorm fromConfig(Config c, LayerBuild build) {
        build.reserve("gain", c.n().longValue());
        return new RmsNorm(c.n().longValue(), c.eps(), ConfigValues.parse(c.dataType()));
    }

    /** The gain G {@code [n]}. */
    public Tensor gain() {
        return gain;
    }

    public double eps() {
        return eps;
    }

    @Override
    public String toString() {
        return "RmsNorm[" + n + "]";
    }
}
