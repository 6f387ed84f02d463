package org.myelin.nn;

import java.util.List;
import java.util.Map;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Op;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Conv2dGeometry;

/**
 * A 2-d pooling layer over NCHW images: {@code max} ({@link org.myelin.ops.MaxPool2d}: the gradient goes to the
 * first arg-max of each window in row-major order) or {@code avg} ({@link org.myelin.ops.AvgPool2d}: mean of the
 * cells inside the image). No parameters.
 *
 * <p>With padding, average pooling divides by the number of cells inside the image, as PyTorch's
 * {@code AvgPool2d(count_include_pad=False)}; PyTorch's default ({@code True}) divides by {@code kh kw} and so gives
 * values of smaller magnitude in windows that overlap the padding.
 *
 * <p>Shapes: {@code [N, C, H, W] -> [N, C, outH, outW]}, {@code outH = floor((H + 2 ph - kh) / sh) + 1}; the stride
 * defaults to the window size (non-overlapping windows, as LeNet's and most CNNs' pooling). Inputs whose output
 * would have a side below 1 are refused before any work, with the layer's name and both shapes.
 */
public final class Pool2d extends Module {

    /** Config {@code "type"} of max pooling. */
    public static final String MAX = "max_pool2d";
    /** Config {@code "type"} of average pooling. */
    public static final String AVG = "avg_pool2d";

    private final boolean max;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;

    /**
     * @param max     max pooling ({@code true}) or average pooling
     * @param kernel  {@code {kh, kw}}, each {@code >= 1}
     * @param stride  {@code {sh, sw}}, each {@code >= 1}
     * @param padding {@code {ph, pw}}, each {@code >= 0} and at most half the window
     */
    public Pool2d(boolean max, int[] kernel, int[] stride, int[] padding) {
        this.max = max;
        this.kernel = pair(max, "kernel", kernel);
        this.stride = pair(max, "stride", stride);
        this.padding = pair(max, "padding", padding);
        newOp(); // validates the settings now rather than at the first forward pass
    }

    /** A copy of {@code v}, refused unless it holds two values (the ranges are the op's checks). */
    private static int[] pair(boolean max, String what, int[] v) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException((max ? "MaxPool2d" : "AvgPool2d") + ": " + what
                    + " must be two integers {height, width}, was " + java.util.Arrays.toString(v));
        }
        return v.clone();
    }

    /** Max pooling with a {@code k x k} window and stride {@code k}. */
    public static Pool2d max(int k) {
        return new Pool2d(true, new int[] {k, k}, new int[] {k, k}, new int[] {0, 0});
    }

    /** Average pooling with a {@code k x k} window and stride {@code k}. */
    public static Pool2d avg(int k) {
        return new Pool2d(false, new int[] {k, k}, new int[] {k, k}, new int[] {0, 0});
    }

    private Op newOp() {
        return max
                ? new org.myelin.ops.MaxPool2d(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1])
                : new org.myelin.ops.AvgPool2d(kernel[0], kernel[1], stride[0], stride[1], padding[0], padding[1]);
    }

    @Override
    public Tensor forward(Tensor input) {
        requireImageInput(describe(), input, 0, null);
        outputShape(input.shape()); // refuses a window that does not fit, naming the layer
        // A prediction with this layer as the model (no Sequential around it) is sized as a Sequential's is.
        requirePredictionFitsOutsideWorkspace(input);
        return Autograd.apply(newOp(), input);
    }

    /** {@code {"type":"max_pool2d" or "avg_pool2d","kernel":[kh,kw],"stride":[..],"padding":[..]}}. */
    @Override
    public Map<String, Object> config() {
        return Modules.describe(
                max ? MAX : AVG,
                new Config(
                        List.of(kernel[0], kernel[1]), List.of(stride[0], stride[1]), List.of(padding[0], padding[1])));
    }

    /**
     * The config of a pooling layer: {@code kernel} required, {@code stride} (default: the kernel) and
     * {@code padding} (default 0) optional; each an integer for both sides or a list of two (height, width).
     */
    public record Config(Object kernel, Object stride, Object padding) {
        public Config {
            kernel = ConfigValues.pair("kernel", kernel, null, 1);
            stride = ConfigValues.pair("stride", stride, ints(kernel), 1);
            padding = ConfigValues.pair("padding", padding, List.of(0, 0), 0);
        }

        int[] sides(Object pair) {
            List<Integer> p = ints(pair);
            return new int[] {p.get(0), p.get(1)};
        }

        @SuppressWarnings("unchecked")
        private static List<Integer> ints(Object pair) {
            return (List<Integer>) pair;
        }
    }

    static Pool2d max(Config c, LayerBuild build) {
        return new Pool2d(true, c.sides(c.kernel()), c.sides(c.stride()), c.sides(c.padding()));
    }

    static Pool2d avg(Config c, LayerBuild build) {
        return new Pool2d(false, c.sides(c.kernel()), c.sides(c.stride()), c.sides(c.padding()));
    }

    /**
     * The output shape for an input {@code [N, C, H, W]}, without computing anything.
     *
     * @throws IllegalArgumentException as {@link #forward} would for a window that does not fit
     */
    public long[] outputShape(long[] inputShape) {
        Conv2dGeometry g = Conv2dGeometry.of(
                describe(),
                inputShape,
                kernel[0],
                kernel[1],
                stride[0],
                stride[1],
                padding[0],
                padding[1],
                1,
                1,
                false);
        return new long[] {inputShape[0], inputShape[1], g.outHeight(), g.outWidth()};
    }

    public boolean isMax() {
        return max;
    }

    private String describe() {
        return (max ? "MaxPool2d[" : "AvgPool2d[") + kernel[0] + "x" + kernel[1]
                + (stride[0] != kernel[0] || stride[1] != kernel[1] ? ", stride " + stride[0] + "x" + stride[1] : "")
                + (padding[0] != 0 || padding[1] != 0 ? ", pad " + padding[0] + "x" + padding[1] : "") + "]";
    }

    @Override
    public String toString() {
        return describe();
    }
}
