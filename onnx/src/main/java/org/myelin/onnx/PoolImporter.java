package org.myelin.onnx;

import java.util.Arrays;
import org.myelin.nn.Pool2d;

/**
 * ONNX {@code MaxPool} and {@code AveragePool} on images {@code [batch, C, H, W]} as a {@link Pool2d}: 2-d
 * kernel_shape, strides (default 1), pads equal on both sides (Myelin allows at most half the window),
 * {@code ceil_mode = 0}, dilations 1, auto_pad NOTSET or VALID; MaxPool with {@code storage_order = 0} and
 * without its Indices output, AveragePool with {@code count_include_pad = 0} (Myelin averages the cells inside the
 * image). ONNX's MaxPool pads with -infinity, so its maxima are Myelin's (the maxima of the cells inside the image).
 */
final class PoolImporter implements NodeImporter {

    private final boolean max;

    private PoolImporter(boolean max) {
        this.max = max;
    }

    static PoolImporter max() {
        return new PoolImporter(true);
    }

    static PoolImporter average() {
        return new PoolImporter(false);
    }

    @Override
    public String opType() {
        return max ? "MaxPool" : "AveragePool";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireRank4();
        ctx.requireInputs(1, 1);
        if (max) {
            ctx.allowAttributes(
                    "auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides");
            if (ctx.intAttribute("storage_order", 0) != 0) {
                throw ctx.unsupported("storage_order = " + ctx.intAttribute("storage_order", 0)
                        + "; supported: storage_order = 0 (row-major)");
            }
        } else {
            ctx.allowAttributes(
                    "auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape", "pads", "strides");
            if (ctx.intAttribute("count_include_pad", 0) != 0) {
                throw ctx.unsupported("count_include_pad = " + ctx.intAttribute("count_include_pad", 0)
                        + "; supported: count_include_pad = 0 (the mean of the cells inside the image)");
            }
        }
        if (ctx.intAttribute("ceil_mode", 0) != 0) {
            throw ctx.unsupported("ceil_mode = " + ctx.intAttribute("ceil_mode", 0)
                    + "; supported: ceil_mode = 0 (output sides rounded down)");
        }
        String autoPad = Windows.autoPad(ctx, "NOTSET", "VALID");
        if (ctx.intsAttribute("kernel_shape", 2, null) == null) {
            throw ctx.unsupported("attribute 'kernel_shape' is missing; expected 2 values (a 2-d window)");
        }
        int[] kernel = Windows.pair(ctx, "kernel_shape", 1, 1);
        int[] stride = Windows.pair(ctx, "strides", 1, 1);
        int[] dilation = Windows.pair(ctx, "dilations", 1, 1);
        if (dilation[0] != 1 || dilation[1] != 1) {
            throw ctx.unsupported("dilations " + Arrays.toString(dilation) + "; supported: [1, 1]");
        }
        int[] pads = autoPad.equals("VALID") ? new int[4] : Windows.pads(ctx, kernel, dilation);
        if (pads[0] != pads[2] || pads[1] != pads[3]) {
            throw ctx.unsupported("pads " + Arrays.toString(pads) + " (top, left, bottom, right); supported: equal"
                    + " pads on both sides");
        }
        ctx.add(new Pool2d(max, kernel, stride, new int[] {pads[0], pads[1]}));
        ctx.setShape(4, ctx.features());
    }
}
