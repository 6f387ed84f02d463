package org.myelin.onnx;

/**
 * Reads and bounds the window attributes shared by {@code Conv}, {@code MaxPool} and {@code AveragePool} (2-d only):
 * kernel_shape, strides, dilations and pads {@code [top, left, bottom, right]}. Every size is checked against
 * {@link #MAX_WINDOW} so that no small file can make a later forward pass claim gigabytes (a pad of 10^6 would);
 * a pad must also be smaller than the (dilated) window, as a larger one only adds outputs that see no input.
 */
final class Windows {

    /** The largest kernel side, stride, dilation and effective window ({@code (k - 1) d + 1}) imported. */
    static final long MAX_WINDOW = 1024;

    private Windows() {}

    /** The INTS attribute {@code name} of two values, each in {@code [min, MAX_WINDOW]}, or {@code fallback}. */
    static int[] pair(ImportContext ctx, String name, long min, long fallback) {
        long[] v = ctx.intsAttribute(name, 2, new long[] {fallback, fallback});
        return new int[] {bounded(ctx, name, v[0], min), bounded(ctx, name, v[1], min)};
    }

    static int bounded(ImportContext ctx, String name, long v, long min) {
        if (v < min || v > MAX_WINDOW) {
            throw ctx.unsupported(
                    "attribute '" + name + "' has value " + v + "; supported: " + min + " to " + MAX_WINDOW);
        }
        return (int) v;
    }

    /**
     * The pads {@code [top, left, bottom, right]} (default zeros), each at most {@code d (k - 1)} of its axis, with
     * effective windows {@code (k - 1) d + 1} at most {@link #MAX_WINDOW}.
     */
    static int[] pads(ImportContext ctx, int[] kernel, int[] dilation) {
        long[] p = ctx.intsAttribute("pads", 4, new long[4]);
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            long reach = (long) (kernel[i % 2] - 1) * dilation[i % 2];
            if (reach + 1 > MAX_WINDOW) {
                throw ctx.unsupported("effective window " + (reach + 1) + " (kernel " + kernel[i % 2] + ", dilation "
                        + dilation[i % 2] + "); supported: at most " + MAX_WINDOW);
            }
            if (p[i] < 0 || p[i] > reach) {
                throw ctx.unsupported("attribute 'pads' = " + java.util.Arrays.toString(p) + "; supported: pads from"
                        + " 0 to " + reach + " on this axis (smaller than the " + (reach + 1) + "-wide window)");
            }
            out[i] = (int) p[i];
        }
        return out;
    }

    /** The auto_pad attribute, refused unless one of {@code supported}. */
    static String autoPad(ImportContext ctx, String... supported) {
        String a = ctx.stringAttribute("auto_pad", "NOTSET");
        if (!java.util.List.of(supported).contains(a)) {
            throw ctx.unsupported("auto_pad = " + OnnxFormatException.shown(a) + " is not supported; supported: "
                    + java.util.List.of(supported) + " (NOTSET uses the pads)");
        }
        return a;
    }
}
