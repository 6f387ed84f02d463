package org.myelin.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.myelin.MemoryLimit;

/**
 * The activations a forward pass of a module tree holds for one batch, computed from shapes alone (no array is
 * allocated): each layer's output and, for a convolution, its im2col matrix besides. Callers size them against
 * {@link MemoryLimit} before a pass allocates them: the training presets and {@code model.layers} lists per layer
 * ({@code ModelSpec}), predictions ({@link Sequential#forward}) and evaluations per pass.
 *
 * <p>The count is an upper bound: element-wise layers (activations, dropout, normalisation) count an output the
 * size of their input, though a fused activation or an evaluation-mode dropout allocates none.
 */
public final class ActivationSizes {

    private ActivationSizes() {}

    /**
     * One layer's activations: its path ({@code layers[2]}, {@code layers[1].layers[0]}), the module, its output
     * shape and the values of its im2col matrix (0 for layers without one).
     */
    public record Layer(String path, Module module, long[] output, long im2col) {
        /** Output and im2col values together, saturating at {@link Long#MAX_VALUE}. */
        public long values() {
            return MemoryLimit.saturatedSum(product(output, 0), im2col);
        }
    }

    /**
     * The layers of {@code module} in the order they run for an input of {@code shape}, as far as their output
     * shapes are known: the list stops before the first layer that does not take the shape it is given (that
     * layer's own check names the shape at the first forward pass). Sizes saturate at {@link Long#MAX_VALUE}.
     */
    public static List<Layer> of(Module module, long[] shape) {
        List<Layer> layers = new ArrayList<>();
        walk("", module, shape, layers);
        return layers;
    }

    /** The values of all of {@code layers} together, saturating at {@link Long#MAX_VALUE}. */
    public static long total(List<Layer> layers) {
        long n = 0;
        for (Layer l : layers) {
            n = MemoryLimit.saturatedSum(n, l.values());
        }
        return n;
    }

    /** The layer of {@code layers} with the most values (the first of equals), or null for none. */
    public static Layer largest(List<Layer> layers) {
        Layer best = null;
        for (Layer l : layers) {
            if (best == null || l.values() > best.values()) {
                best = l;
            }
        }
        return best;
    }

    /** Appends the layers of {@code module} for input {@code shape}; returns the output shape, or null where unknown. */
    private static long[] walk(String path, Module module, long[] shape, List<Layer> layers) {
        if (module instanceof Sequential seq) {
            for (int i = 0; i < seq.size() && shape != null; i++) {
                shape = walk((path.isEmpty() ? "" : path + ".") + "layers[" + i + "]", seq.get(i), shape, layers);
            }
            return shape;
        }
        long[] out;
        long im2col = 0;
        try {
            if (module instanceof Conv2d conv) {
                out = conv.outputShape(shape);
                long[] w = conv.weight().shape(); // [out, in, kh, kw]
                im2col = MemoryLimit.saturatedProduct(
                        MemoryLimit.saturatedProduct(w[1], MemoryLimit.saturatedProduct(w[2], w[3])),
                        MemoryLimit.saturatedProduct(out[0], MemoryLimit.saturatedProduct(out[2], out[3])));
            } else if (module instanceof Pool2d pool) {
                out = pool.outputShape(shape);
            } else if (module instanceof GlobalAvgPool2d) {
                if (shape.length != 4) {
                    return null;
                }
                out = new long[] {shape[0], shape[1]};
            } else if (module instanceof Flatten) {
                if (shape.length < 2) {
                    return null;
                }
                out = new long[] {shape[0], product(shape, 1)};
            } else if (module instanceof Dense dense) {
                if (shape.length != 2 || shape[1] != dense.in()) {
                    return null;
                }
                out = new long[] {shape[0], dense.out()};
            } else {
                out = shape; // element-wise layers: activations, dropout, normalisation
            }
        } catch (IllegalArgumentException e) {
            return null; // the layer's own check names the shape at the first forward pass
        }
        layers.add(new Layer(path, module, out, im2col));
        return out;
    }

    /** The product of {@code shape[from..]}, saturating at {@link Long#MAX_VALUE}. */
    static long product(long[] shape, int from) {
        long n = 1;
        for (int i = from; i < shape.length; i++) {
            n = MemoryLimit.saturatedProduct(n, shape[i]);
        }
        return n;
    }

    /** {@code "layers[2] (Conv2d), output [1, 4, 1031, 1031] and im2col matrix (9,566,649 values)"}, for messages. */
    public static String describe(Layer l, String label) {
        return (label != null ? label : l.path() + " (" + l.module().getClass().getSimpleName() + ")") + ", output "
                + Arrays.toString(l.output())
                + (l.im2col() > 0
                        ? String.format(java.util.Locale.ROOT, " and im2col matrix (%,d values)", l.im2col())
                        : "");
    }
}
