package org.myelin.onnx;

import java.util.Arrays;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code Conv(X, W, B)} on images {@code [batch, C, H, W]} as a {@link Conv2d}: W {@code [M, C, kh, kw]}
 * (2-d, {@code group = 1}), optional B {@code [M]}, strides, dilations and pads (see {@link Windows} for the
 * bounds). Pads equal on both sides become Myelin's padding; unequal pads are read as Myelin's "same" padding
 * where they are exactly its split for stride 1 (the smaller half first), as is {@code auto_pad = SAME_UPPER};
 * {@code VALID} is no padding. Other asymmetric pads and {@code SAME_LOWER} are refused.
 */
final class ConvImporter implements NodeImporter {
    @Override
    public String opType() {
        return "Conv";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireRank4();
        ctx.requireInputs(2, 3);
        ctx.allowAttributes("auto_pad", "dilations", "group", "kernel_shape", "pads", "strides");
        if (ctx.intAttribute("group", 1) != 1) {
            throw ctx.unsupported("group = " + ctx.intAttribute("group", 1) + "; supported: group = 1 (no grouped or"
                    + " depthwise convolution)");
        }
        String autoPad = Windows.autoPad(ctx, "NOTSET", "VALID", "SAME_UPPER");
        INDArray w = ctx.constant(1, "W (the weight)");
        if (w.rank() != 4) {
            throw ctx.unsupported("W (the weight) has shape " + Arrays.toString(w.shape())
                    + "; supported: [M, C, kh, kw] (a 2-d convolution)");
        }
        int[] kernel = {
            Windows.bounded(ctx, "W's kernel height", w.size(2), 1),
            Windows.bounded(ctx, "W's kernel width", w.size(3), 1)
        };
        long[] declared = ctx.intsAttribute("kernel_shape", 2, new long[] {kernel[0], kernel[1]});
        if (declared[0] != kernel[0] || declared[1] != kernel[1]) {
            throw ctx.unsupported(
                    "kernel_shape " + Arrays.toString(declared) + " differs from W's " + Arrays.toString(kernel));
        }
        int[] stride = Windows.pair(ctx, "strides", 1, 1);
        int[] dilation = Windows.pair(ctx, "dilations", 1, 1);
        long in = w.size(1);
        long out = w.size(0);
        ctx.requireFeatures(in, "W " + Arrays.toString(w.shape()));
        int[] pads = Windows.pads(ctx, kernel, dilation);
        boolean same = autoPad.equals("SAME_UPPER");
        int[] padding = {0, 0};
        if (autoPad.equals("NOTSET")) {
            if (pads[0] == pads[2] && pads[1] == pads[3]) {
                padding = new int[] {pads[0], pads[1]};
            } else if (stride[0] == 1
                    && stride[1] == 1
                    && isSameSplit(pads[0], pads[2], kernel[0], dilation[0])
                    && isSameSplit(pads[1], pads[3], kernel[1], dilation[1])) {
                same = true;
            } else {
                throw ctx.unsupported("pads " + Arrays.toString(pads) + " (top, left, bottom, right); supported:"
                        + " equal pads on both sides, or stride 1 with 'same' pads (the smaller half first)");
            }
        }
        INDArray b = ctx.hasInput(2) ? ctx.constant(2, "B (the bias)") : null;
        if (b != null) {
            ctx.requireShape(b, "B (the bias)", out);
        }
        Conv2d conv = new Conv2d(
                in,
                out,
                kernel,
                stride,
                padding,
                same,
                dilation,
                b != null,
                ctx.dataType(),
                Conv2d.DEFAULT_WEIGHT_INIT,
                Dense.DEFAULT_BIAS_INIT,
                ctx.layerIndex());
        conv.weight().value().assign(w);
        if (b != null) {
            conv.bias().value().assign(b);
        }
        ctx.setShape(4, out);
        ctx.add(conv);
    }

    /** Whether {@code before, after} is Myelin's "same" split of the total {@code d (k - 1)} at stride 1. */
    private static boolean isSameSplit(int before, int after, int k, int d) {
        int total = d * (k - 1);
        return before == total / 2 && after == total - total / 2;
    }
}
