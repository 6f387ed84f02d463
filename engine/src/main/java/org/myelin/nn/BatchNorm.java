package org.myelin.nn;

import java.util.Map;
import org.myelin.MemoryLimit;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.config.Require;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Batch normalisation layer (MIT 6.390 §6.8.3, Duke slides; see docs/notes.md):
 * {@code Y = G (.) (X - mu) / sqrt(sigma^2 + eps) + B}, per feature, with learnable gain G (parameter {@code "gain"},
 * initialised to 1) and shift B (parameter {@code "shift"}, initialised to 0).
 *
 * <p>Training mode normalises with the batch mean and biased batch variance (divided by the batch size, as in
 * MIT 6.390), through {@link org.myelin.ops.BatchNormOp}, and then updates the buffers in place:
 * <pre>
 *   runningMean     = (1 - momentum) runningMean     + momentum mu
 *   runningVariance = (1 - momentum) runningVariance + momentum sigma^2 B/(B - 1)
 * </pre>
 * The running variance takes the <em>unbiased</em> batch variance (PyTorch's convention), since it estimates
 * the population variance used at evaluation time. Evaluation mode normalises with the running statistics
 * (buffers {@code "runningMean"}, initialised to 0, and {@code "runningVariance"}, initialised to 1) and
 * leaves them unchanged. {@code momentum} is the weight of the new batch, as in PyTorch (default 0.1).
 *
 * <p>Images {@code [N, n, H, W]} are normalised per channel (n channels), with statistics over the N H W values
 * of each channel (Ioffe and Szegedy 2015, 3.2); B above is then N H W.
 *
 * <p>Shapes: X {@code [B, n]} with {@code B >= 2} in training mode, or {@code [N, n, H, W]}; G, B, running
 * statistics {@code [n]}; Y like X.
 */
public final class BatchNorm extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "batch_norm";

    public static final double DEFAULT_EPS = 1e-5;
    public static final double DEFAULT_MOMENTUM = 0.1;

    private final long n;
    private final double eps;
    private final double momentum;
    private final DataType type;
    private final Tensor gain;
    private final Tensor shift;
    private final INDArray runningMean;
    private final INDArray runningVariance;

    /** A layer over {@code n} features with the default eps and momentum. */
    public BatchNorm(long n, DataType type) {
        this(n, DEFAULT_EPS, DEFAULT_MOMENTUM, type);
    }

    /**
     * @param n        number of features, {@code > 0}
     * @param eps      added to the variance, {@code > 0}
     * @param momentum weight of each new batch in the running statistics, in [0, 1]
     * @param type     FLOAT or DOUBLE
     */
    public BatchNorm(long n, double eps, double momentum, DataType type) {
        if (n <= 0) {
            throw new IllegalArgumentException("BatchNorm: number of features must be > 0, was " + n);
        }
        this.n = n;
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(describe() + ": eps must be > 0, was " + eps);
        }
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(describe() + ": momentum must be in [0, 1], was " + momentum);
        }
        this.eps = eps;
        this.momentum = momentum;
        this.type = ModuleConfig.requireFloatType(describe(), type);
        // Gain, shift, running mean and running variance.
        ModuleConfig.requireWithinMemoryLimit(
                describe(), MemoryLimit.saturatedProduct(4, n), type, "parameters and buffers");
        this.gain = registerParameter("gain", Nd4j.ones(type, n));
        this.shift = registerParameter("shift", Nd4j.zeros(type, n));
        this.runningMean = registerBuffer("runningMean", Nd4j.zeros(type, n));
        this.runningVariance = registerBuffer("runningVariance", Nd4j.ones(type, n));
    }

    /**
     * Shapes: {@code [B, n] -> [B, n]} or {@code [N, n, H, W] -> [N, n, H, W]}; in training mode updates the running
     * statistics (see the class doc).
     */
    @Override
    public Tensor forward(Tensor input) {
        requireGivenInput(describe(), input);
        long[] s = input.shape();
        if (s.length == 4) {
            requireImageInput(describe(), input, n, type);
        } else {
            requireBatchInput(describe(), input, n, type);
        }
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        if (!isTraining()) {
            return Autograd.apply(
                    new org.myelin.ops.BatchNormOp(eps, runningMean, runningVariance), input, gain, shift);
        }
        long b = s.length == 4 ? s[0] * s[2] * s[3] : s[0]; // values per statistic
        if (b < 2) {
            throw new IllegalArgumentException(describe() + ": training mode needs a batch of at least 2 samples"
                    + " to estimate the variance, was " + b + " (use eval() for single samples)");
        }
        org.myelin.ops.BatchNormOp op = new org.myelin.ops.BatchNormOp(eps);
        Tensor y = Autograd.apply(op, input, gain, shift);
        INDArray mean = op.batchMean().reshape(n);
        INDArray unbiased = op.batchVariance().reshape(n).mul((double) b / (b - 1));
        runningMean.muli(1 - momentum).addi(mean.mul(momentum));
        runningVariance.muli(1 - momentum).addi(unbiased.muli(momentum));
        return y;
    }

    /** {@code {"type":"batch_norm","n":..,"eps":..,"momentum":..,"dataType":..}}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(TYPE, new Config(n, eps, momentum, ModuleConfig.dataTypeName(type)));
    }

    /**
     * The config of a batch-norm layer: features (or channels) {@code n} and {@code data_type} required; {@code eps}
     * ({@code > 0}) and {@code momentum} (in [0, 1]) optional.
     */
    public record Config(Number n, Double eps, Double momentum, String dataType) {
        public Config {
            n = ConfigValues.positive("n", n);
            eps = Require.positive("eps", eps == null ? DEFAULT_EPS : eps);
            momentum = Require.range("momentum", momentum == null ? DEFAULT_MOMENTUM : momentum, 0, 1, true);
            dataType = ConfigValues.dataType("data_type", dataType);
        }
    }

    static BatchNorm fromConfig(Config c, LayerBuild build) {
        long n = c.n().longValue();
        build.reserve("gain, shift, running mean and variance", 4, n);
        return new BatchNorm(n, c.eps(), c.momentum(), ConfigValues.parse(c.dataType()));
    }

    /** The gain G {@code [n]}. */
    public Tensor gain() {
        return gain;
    }

    /** The shift B {@code [n]}. */
    public Tensor shift() {
        return shift;
    }

    /** The running mean {@code [n]}; the buffer itself, updated in place in training mode. */
    public INDArray runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance {@code [n]}; the buffer itself, updated in place in training mode. */
    public INDArray runningVariance() {
        return runningVariance;
    }

    public long features() {
        return n;
    }

    public double eps() {
        return eps;
    }

    public double momentum() {
        return momentum;
    }

    public DataType dataType() {
        return type;
    }

    private String describe() {
        return "BatchNorm[" + n + "]";
    }

    @Override
    public String toString() {
        return describe();
    }
}
