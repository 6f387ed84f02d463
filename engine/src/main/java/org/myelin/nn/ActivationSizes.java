package org.myelin.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.myelin.MemoryLimit;

/**
 * The activations a forward pass of a module tree holds for one batch, computed from shapes alone (no array is
 * allocated): each layer's output and, for a convolution, its im2col matrix besides. Callers size them against
 * {@link MemoryLimit} before a pass allocates them: the training presets and {@code model.layers} lists per layer
 * ({@code ModelSpec}), predictions ({@link Module#requirePredictionFits}) and evaluations
 * ({@code Evaluation.requireBatchFits}, which {@code myelin eval} calls too) per pass, with
 * {@link #requireBatchFits}.
 *
 * <p>The count is an upper bound for the layers it covers: element-wise layers (activations, dropout,
 * normalisation) count an output the size of their input, though a fused activation or an evaluation-mode dropout
 * allocates none. It covers the layers of this package and {@link Sequential}s of them only: the walk stops at a
 * module of another class (a user's {@link Module} subclass with its own forward), whose allocations and output shape
 * cannot be known from shapes, and counts nothing of it, its children or the layers after it (see
 * {@link Module#requirePredictionFits}).
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
     * layer's own check names the shape at the first forward pass), and before the first module of a class this
     * package does not define (a custom forward: what it allocates and returns is not known from shapes, so a
     * custom model is not sized at all, and a Sequential only up to its first custom module). Sizes saturate at
     * {@link Long#MAX_VALUE}.
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

    /**
     * Refuses a pass of {@code module} on a batch of {@code shape} whose activations together ({@link #total}) exceed
     * {@link MemoryLimit} at {@code width} bytes per value: a {@link BatchTooLarge} whose message is
     * {@link MemoryLimit#check}'s for {@code what + "a batch of N [shape] (its largest layer: ...)"} and which
     * carries the largest batch that fits, for the caller's advice. The largest layer is named by
     * {@code label} (null, or returning null: its path and class). Nothing is refused when no layer takes the shape
     * (the first layer's own check names it at the pass) or the batch is empty.
     *
     * @throws BatchTooLarge when the pass's activations exceed the limit
     */
    public static void requireBatchFits(
            String what, Module module, long[] shape, int width, Function<Layer, String> label) {
        if (shape.length == 0 || shape[0] < 1) {
            return;
        }
        List<Layer> pass = of(module, shape);
        Layer largest = largest(pass);
        if (largest == null) {
            return;
        }
        try {
            MemoryLimit.check(
                    what + "a batch of " + shape[0] + " " + Arrays.toString(shape) + " (its largest layer: "
                            + describe(largest, label == null ? null : label.apply(largest)) + ")",
                    total(pass),
                    width,
                    "values");
        } catch (IllegalArgumentException e) {
            long[] one = shape.clone();
            one[0] = 1; // every size is linear in the batch
            long fits = maxBatch(total(of(module, one)), width);
            throw new BatchTooLarge(e.getMessage(), e.getMessage(), shape[0], fits, e);
        }
    }

    /**
     * The most samples a batch may have within {@link MemoryLimit} when a pass holds {@code perSample} values of
     * {@code width} bytes per sample: {@link Long#MAX_VALUE} for none, 0 when one sample does not fit.
     */
    static long maxBatch(long perSample, int width) {
        long bytes = MemoryLimit.saturatedProduct(perSample, width);
        return bytes == 0 ? Long.MAX_VALUE : MemoryLimit.parameterBytes() / bytes;
    }

    /**
     * A pass refused by {@link #requireBatchFits}: {@link #detail()} says the batch, its largest layer, the bytes and
     * the limit ({@code "a batch of 64 [64, 1, 28, 28] (its largest layer: ...) needs ... more than the limit of
     * ..."}), {@link #maxBatch()} the largest batch that fits (0: not one sample), so that each caller words its
     * advice for its own setting ({@code --batch-size}, an evaluation's batch size, a prediction's batch) from one
     * computation.
     */
    public static final class BatchTooLarge extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String detail;
        private final long batch;
        private final long maxBatch;

        BatchTooLarge(String message, String detail, long batch, long maxBatch, Throwable cause) {
            super(message, cause);
            this.detail = detail;
            this.batch = batch;
            this.maxBatch = maxBatch;
        }

        /** The same refusal with the message {@code message} (a caller's wording around {@link #detail()}). */
        public BatchTooLarge reworded(String message) {
            return new BatchTooLarge(message, detail, batch, maxBatch, this);
        }

        /** The batch, its largest layer, the bytes and the limit, as {@link MemoryLimit#check} words them. */
        public String detail() {
            return detail;
        }

        /** The samples of the refused batch. */
        public long batch() {
            return batch;
        }

        /** The largest batch that fits the limit; 0 when one sample does not fit. */
        public long maxBatch() {
            return maxBatch;
        }
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
            } else if (module instanceof ActivationLayer
                    || module instanceof Dropout
                    || module instanceof BatchNorm
                    || module instanceof LayerNorm
                    || module instanceof RmsNorm) {
                out = shape; // element-wise layers: activations, dropout, normalisation
            } else {
                // A module of another class (a custom forward): what it allocates and the shape it returns are not
                // known from shapes, so neither it nor what follows it is counted; its size is never guessed.
                return null;
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
        String type = l.module().getClass().getSimpleName();
        // A model that is a single layer (not a Sequential) has no path: its class alone names it.
        return (label != null ? label : l.path().isEmpty() ? type : l.path() + " (" + type + ")") + ", output "
                + Arrays.toString(l.output())
                + (l.im2col() > 0
                        ? String.format(java.util.Locale.ROOT, " and im2col matrix (%,d values)", l.im2col())
                        : "");
    }
}
