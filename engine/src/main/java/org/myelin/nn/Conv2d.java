package org.myelin.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.myelin.MemoryLimit;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Conv2dGeometry;
import org.myelin.kernel.Convolutions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A 2-d convolution layer in NCHW (LeCun et al. 1998): {@code Y = conv(X, W) + b} by {@link org.myelin.ops.Conv2dOp}
 * (cross-correlation; stride, zero padding or "same" padding, dilation).
 *
 * <p>Shapes: X {@code [N, in, H, W]}, parameter {@code weight} W {@code [out, in, kh, kw]}, parameter {@code bias}
 * b {@code [out]} (absent when built without bias), Y {@code [N, out, outH, outW]} (see {@link Conv2dGeometry}).
 *
 * <p>Initialisation: W from the weight initialiser with fan-in {@code in kh kw} and fan-out {@code out kh kw}
 * (He et al. 2015, Glorot and Bengio 2010 count a convolution's fan like this), default {@link Inits#heNormal()};
 * b from the bias initialiser (default zeros); W before b, from one stream seeded with the given seed.
 *
 * <p>Each forward pass checks its input before any work: rank 4, {@code in} channels, the layer's data type, and
 * a window that fits (an output side below 1 is refused with the layer's name and both shapes).
 */
public final class Conv2d extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "conv2d";
    /** The {@code padding} value asking for "same" padding. */
    static final String SAME = "same";
    /** Weight initialiser used unless another is given: He normal, for the ReLU networks convolutions feed. */
    public static final Init DEFAULT_WEIGHT_INIT = Inits.heNormal();

    private final long in;
    private final long out;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final boolean same;
    private final int[] dilation;
    private final DataType type;
    private final Init weightInit;
    private final Init biasInit;
    private final Tensor weight;
    private final Tensor bias;

    /**
     * @param in         input channels, {@code > 0}
     * @param out        output channels (filters), {@code > 0}
     * @param kernel     {@code {kh, kw}}, each {@code >= 1}
     * @param stride     {@code {sh, sw}}, each {@code >= 1}
     * @param padding    {@code {ph, pw}} zero rows / columns on each side, each {@code >= 0}; ignored when
     *                   {@code same}
     * @param same       "same" padding: output side {@code ceil(H / sh)}
     * @param dilation   {@code {dh, dw}}, each {@code >= 1}
     * @param bias       whether the layer has a bias
     * @param type       FLOAT or DOUBLE
     * @param weightInit initialiser of W (fans {@code in kh kw}, {@code out kh kw})
     * @param biasInit   initialiser of b
     * @param seed       seed of the initial values
     */
    public Conv2d(
            long in,
            long out,
            int[] kernel,
            int[] stride,
            int[] padding,
            boolean same,
            int[] dilation,
            boolean bias,
            DataType type,
            Init weightInit,
            Init biasInit,
            long seed) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Conv2d: channels must be > 0, was in = " + in + ", out = " + out);
        }
        this.kernel = pair("kernel", kernel, 1);
        this.stride = pair("stride", stride, 1);
        this.padding = same ? new int[] {0, 0} : pair("padding", padding, 0);
        this.dilation = pair("dilation", dilation, 1);
        ModuleConfig.requireCountable("Conv2d", "weight", out, in, this.kernel[0], this.kernel[1]);
        for (int i = 0; i < 2; i++) {
            // The window's extent must be an int: past it "same" padding wrapped negative and the refusal at the
            // first forward pass spoke of padding -1073741824 and an output of -2147483644 rows.
            long extent = (long) (this.kernel[i] - 1) * this.dilation[i] + 1;
            if (extent > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("Conv2d: the dilated " + (i == 0 ? "height" : "width")
                        + " of the window, (k - 1) d + 1, must be at most " + Integer.MAX_VALUE + ", was ("
                        + this.kernel[i] + " - 1) " + this.dilation[i] + " + 1 = " + extent);
            }
        }
        this.same = same;
        this.in = in;
        this.out = out;
        this.type = ModuleConfig.requireFloatType(describe(), type);
        if (weightInit == null || biasInit == null) {
            throw new IllegalArgumentException(describe() + ": initialisers must not be null");
        }
        this.weightInit = weightInit;
        this.biasInit = biasInit;
        long weights = MemoryLimit.saturatedProduct(
                MemoryLimit.saturatedProduct(out, in), (long) this.kernel[0] * this.kernel[1]);
        ModuleConfig.requireWithinMemoryLimit(
                describe(), MemoryLimit.saturatedSum(weights, bias ? out : 0), type, "parameters");
        this.weight = registerParameter("weight", Nd4j.create(type, out, in, this.kernel[0], this.kernel[1]));
        this.bias = bias ? registerParameter("bias", Nd4j.create(type, out)) : null;
        resetParameters(seed);
    }

    /** A builder: {@code Conv2d.builder(1, 32, 3).optSame(true).optSeed(7).build()}. */
    public static Builder builder(long in, long out, int kernelSize) {
        return new Builder(in, out, kernelSize);
    }

    private static int[] pair(String what, int[] v, int min) {
        if (v == null || v.length != 2 || v[0] < min || v[1] < min) {
            throw new IllegalArgumentException(
                    "Conv2d: " + what + " must be two integers >= " + min + ", was " + Arrays.toString(v));
        }
        return v.clone();
    }

    /** Draws fresh W (then b) from a stream seeded with {@code seed}, in place; clears the gradients. */
    public void resetParameters(long seed) {
        long area = (long) kernel[0] * kernel[1];
        Random rng = Seeds.newRandom(seed);
        try {
            weight.value().assign(weightInit.sample(type, weight.shape(), in * area, out * area, rng));
            if (bias != null) {
                bias.value().assign(biasInit.sample(type, bias.shape(), in * area, out * area, rng));
            }
        } finally {
            Seeds.close(rng);
        }
        zeroGrad();
    }

    /** Shapes: {@code [N, in, H, W] -> [N, out, outH, outW]}. */
    @Override
    public Tensor forward(Tensor input) {
        requireImageInput(describe(), input, in, type);
        Conv2dGeometry.of(
                describe(),
                input.shape(),
                kernel[0],
                kernel[1],
                stride[0],
                stride[1],
                padding[0],
                padding[1],
                dilation[0],
                dilation[1],
                same);
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        org.myelin.ops.Conv2dOp op = new org.myelin.ops.Conv2dOp(
                stride[0], stride[1], padding[0], padding[1], dilation[0], dilation[1], same, Convolutions.active());
        return bias == null ? Autograd.apply(op, input, weight) : Autograd.apply(op, input, weight, bias);
    }

    /**
     * The output shape for an input {@code [N, in, H, W]}, without computing anything.
     *
     * @throws IllegalArgumentException as {@link #forward} would
     */
    public long[] outputShape(long[] inputShape) {
        if (inputShape == null) {
            throw new IllegalArgumentException(describe() + ": the input shape must not be null");
        }
        if (inputShape.length != 4 || inputShape[1] != in) {
            throw new IllegalArgumentException(describe() + ": input has shape " + Arrays.toString(inputShape)
                    + ", expected [*, " + in + ", *, *] (N, C, H, W)");
        }
        Conv2dGeometry g = Conv2dGeometry.of(
                describe(),
                inputShape,
                kernel[0],
                kernel[1],
                stride[0],
                stride[1],
                padding[0],
                padding[1],
                dilation[0],
                dilation[1],
                same);
        return new long[] {inputShape[0], out, g.outHeight(), g.outWidth()};
    }

    /**
     * {@code {"type":"conv2d","in":..,"out":..,"kernel":[kh,kw],"stride":[..],"padding":[..] or "same",
     * "dilation":[..],"bias":..,"data_type":..,"weight_init":..,"bias_init":..}}.
     */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(
                TYPE,
                new Config(
                        in,
                        out,
                        List.of(kernel[0], kernel[1]),
                        List.of(stride[0], stride[1]),
                        same ? SAME : List.of(padding[0], padding[1]),
                        List.of(dilation[0], dilation[1]),
                        bias != null,
                        ModuleConfig.dataTypeName(type),
                        weightInit.name(),
                        biasInit.name()));
    }

    /**
     * The config of a convolution: channels {@code in}, {@code out}, {@code kernel} and {@code data_type} required;
     * {@code stride} and {@code dilation} (default 1), {@code padding} (default 0, or {@code "same"}), {@code bias}
     * (default true), {@code weight_init} and {@code bias_init} optional. Pairs are an integer for both sides or a
     * list of two (height, width).
     */
    public record Config(
            Number in,
            Number out,
            Object kernel,
            Object stride,
            Object padding,
            Object dilation,
            Boolean bias,
            String dataType,
            String weightInit,
            String biasInit) {
        public Config {
            in = ConfigValues.positive("in", in);
            out = ConfigValues.positive("out", out);
            kernel = ConfigValues.pair("kernel", kernel, null, 1);
            stride = ConfigValues.pair("stride", stride, List.of(1, 1), 1);
            padding = SAME.equals(padding) ? SAME : ConfigValues.pair("padding", padding, List.of(0, 0), 0);
            dilation = ConfigValues.pair("dilation", dilation, List.of(1, 1), 1);
            bias = bias == null || bias;
            dataType = ConfigValues.dataType("data_type", dataType);
            weightInit = ConfigValues.init("weight_init", weightInit, DEFAULT_WEIGHT_INIT);
            biasInit = ConfigValues.init("bias_init", biasInit, Dense.DEFAULT_BIAS_INIT);
        }

        @SuppressWarnings("unchecked")
        private static int[] sides(Object pair) {
            List<Integer> p = (List<Integer>) pair;
            return new int[] {p.get(0), p.get(1)};
        }
    }

    static Conv2d fromConfig(Config c, LayerBuild build) {
        long in = c.in().longValue();
        long out = c.out().longValue();
        int[] kernel = Config.sides(c.kernel());
        boolean same = SAME.equals(c.padding());
        build.reserve("weight", out, in, kernel[0], kernel[1]);
        if (c.bias()) {
            build.reserve("bias", out);
        }
        return new Conv2d(
                in,
                out,
                kernel,
                Config.sides(c.stride()),
                same ? new int[] {0, 0} : Config.sides(c.padding()),
                same,
                Config.sides(c.dilation()),
                c.bias(),
                ConfigValues.parse(c.dataType()),
                Inits.byName(c.weightInit()),
                Inits.byName(c.biasInit()),
                build.seed());
    }

    /** The weight W {@code [out, in, kh, kw]}. */
    public Tensor weight() {
        return weight;
    }

    /** The bias b {@code [out]}, or null. */
    public Tensor bias() {
        return bias;
    }

    public long in() {
        return in;
    }

    public long out() {
        return out;
    }

    public DataType dataType() {
        return type;
    }

    private String describe() {
        return "Conv2d[" + in + "->" + out + ", " + kernel[0] + "x" + kernel[1]
                + (stride[0] != 1 || stride[1] != 1 ? ", stride " + stride[0] + "x" + stride[1] : "")
                + (same ? ", same" : padding[0] != 0 || padding[1] != 0 ? ", pad " + padding[0] + "x" + padding[1] : "")
                + (dilation[0] != 1 || dilation[1] != 1 ? ", dilation " + dilation[0] + "x" + dilation[1] : "") + "]";
    }

    @Override
    public String toString() {
        return describe() + (bias == null ? " (no bias)" : "");
    }

    /** Optional settings of a {@link Conv2d} layer; defaults: stride 1, no padding, dilation 1, bias, FLOAT. */
    public static final class Builder {
        private final long in;
        private final long out;
        private int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private boolean same;
        private int[] dilation = {1, 1};
        private boolean bias = true;
        private DataType type = DataType.FLOAT;
        private Init weightInit = DEFAULT_WEIGHT_INIT;
        private Init biasInit = Dense.DEFAULT_BIAS_INIT;
        private long seed;

        private Builder(long in, long out, int kernelSize) {
            this.in = in;
            this.out = out;
            this.kernel = new int[] {kernelSize, kernelSize};
        }

        public Builder optKernel(int kh, int kw) {
            this.kernel = new int[] {kh, kw};
            return this;
        }

        public Builder optStride(int sh, int sw) {
            this.stride = new int[] {sh, sw};
            return this;
        }

        public Builder optPadding(int ph, int pw) {
            this.padding = new int[] {ph, pw};
            return this;
        }

        /** "Same" padding (output side {@code ceil(H / sh)}). */
        public Builder optSame(boolean on) {
            this.same = on;
            return this;
        }

        public Builder optDilation(int dh, int dw) {
            this.dilation = new int[] {dh, dw};
            return this;
        }

        public Builder optBias(boolean on) {
            this.bias = on;
            return this;
        }

        public Builder optDataType(DataType t) {
            this.type = t;
            return this;
        }

        public Builder optWeightInit(Init init) {
            this.weightInit = init;
            return this;
        }

        public Builder optBiasInit(Init init) {
            this.biasInit = init;
            return this;
        }

        public Builder optSeed(long s) {
            this.seed = s;
            return this;
        }

        public Conv2d build() {
            return new Conv2d(in, out, kernel, stride, padding, same, dilation, bias, type, weightInit, biasInit, seed);
        }
    }
}
