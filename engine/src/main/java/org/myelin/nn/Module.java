package org.myelin.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.myelin.Settings;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.ScratchWorkspace;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A differentiable building block with named parameters (trainable tensors), named buffers (state saved with
 * the model but not trained, such as batch-norm running statistics) and named child modules.
 *
 * <p>Names are dotted paths from the module tree ({@code layers.0.weight}), in registration order, so
 * optimisers, model files and diagnostics all see the same stable order. A module is in training mode when
 * created; {@link #eval()} switches it and its children to evaluation mode (dropout off, batch norm on running
 * statistics).
 *
 * <p>Every module can describe its architecture as a JSON-compatible map ({@link #config()}: numbers,
 * strings, booleans, lists and maps, with a {@code "type"} entry) from which {@link Modules#fromConfig}
 * rebuilds an untrained module of the same shape; parameter values travel separately, by name.
 *
 * <p>A subclass with its own forward (a custom module) is not sized against {@link org.myelin.MemoryLimit} as a
 * whole before a prediction or an evaluation, only by the layers of this package that it calls, as far as they size
 * themselves: see {@link #requirePredictionFits}.
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, INDArray> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    /**
     * Registrations of parameters and children in any module: a module's kept {@link #namedParameters()} map, which
     * includes its descendants', is stale once this moves on.
     */
    private static final AtomicLong STRUCTURE = new AtomicLong();

    private record ParameterPaths(long structure, Map<String, Tensor> paths) {}

    private volatile ParameterPaths parameterPaths;

    /** The sizes of the last prediction's sample shape: a prediction of the same shape only compares its batch. */
    private volatile PredictionSizes lastPredictionSizes;

    /** Applies the module to a batch {@code [B, ...]}, recording the graph when gradients are enabled. */
    public abstract Tensor forward(Tensor input);

    /** The architecture as a JSON-compatible map with a {@code "type"} entry; see {@link Modules#fromConfig}. */
    public abstract Map<String, Object> config();

    /**
     * Checks a layer's input: a batch {@code [B, features]} of the layer's data type; otherwise an
     * IllegalArgumentException naming the layer ({@code who}), the expected and the actual value.
     */
    protected static void requireBatchInput(String who, Tensor input, long features, DataType type) {
        requireGivenInput(who, input);
        long[] s = input.shape();
        if (s.length != 2 || s[1] != features) {
            throw new IllegalArgumentException(
                    who + ": input has shape " + Arrays.toString(s) + ", expected [*, " + features + "]");
        }
        requireSamples(who, s);
        if (input.dataType() != type) {
            throw new IllegalArgumentException(who + ": input has data type " + input.dataType() + ", expected " + type
                    + " (the layer's parameters)");
        }
    }

    /**
     * Checks a convolutional layer's input: a batch of images {@code [N, channels, H, W]} of the layer's data type;
     * otherwise an IllegalArgumentException naming the layer ({@code who}), the expected shape (free dimensions as
     * {@code *}) and the actual one. {@code channels <= 0} accepts any channel count.
     */
    protected static void requireImageInput(String who, Tensor input, long channels, DataType type) {
        requireGivenInput(who, input);
        long[] s = input.shape();
        if (s.length != 4 || (channels > 0 && s[1] != channels)) {
            throw new IllegalArgumentException(who + ": input has shape " + Arrays.toString(s) + ", expected [*, "
                    + (channels > 0 ? String.valueOf(channels) : "*") + ", *, *] (N, C, H, W)");
        }
        requireSamples(who, s);
        if (type != null && input.dataType() != type) {
            throw new IllegalArgumentException(who + ": input has data type " + input.dataType() + ", expected " + type
                    + " (the layer's parameters)");
        }
    }

    /** A null input failed with a NullPointerException at its shape. */
    static void requireGivenInput(String who, Tensor input) {
        if (input == null) {
            throw new IllegalArgumentException(who + ": input must not be null, expected a batch tensor");
        }
    }

    /** An empty batch failed deep inside ND4J ("C array should NOT be a view", "Length must be >= 1"). */
    private static void requireSamples(String who, long[] shape) {
        if (shape[0] < 1) {
            throw new IllegalArgumentException(
                    who + ": input has shape " + Arrays.toString(shape) + ", expected at least 1 sample");
        }
    }

    /**
     * Refuses a prediction on an input of {@code shape} (values of {@code bytesPerValue} bytes) whose activations
     * would exceed {@link org.myelin.MemoryLimit}: a prediction holds every layer's output (and a convolution's
     * im2col matrix) of the pass at once, so their sum for the batch ({@link ActivationSizes}) must fit. A small
     * model file can ask for gigabytes per sample (a convolution padded by 1023 outputs 1031 x 1031 values per
     * channel), and a large batch multiplies it. {@link Sequential#forward} and the forward of every layer of this
     * package, used as a model's top level, check every prediction made outside a workspace before allocating
     * anything. The sizes per sample are computed once per sample shape and limit setting, so a prediction of the
     * shape before costs a comparison. The message names the model, its largest layer, the batch, the bytes and the
     * limit, and the largest batch that fits.
     *
     * <p>Sizes come from the shapes alone, for the layers {@link ActivationSizes} knows (those of this package and
     * {@link Sequential}s of them). A custom module (a subclass with its own forward) is not sized as a whole: what
     * its forward allocates and returns cannot be known from shapes, and no size is guessed. Its pass is sized only by
     * the layers it calls: in a prediction made outside a workspace each layer of this package that its forward calls
     * sizes its own output (a {@link Sequential} child its whole pass) when it runs, one by one, not summed; within a
     * Sequential the layers before the first custom module are counted and nothing from it on; an evaluation
     * ({@code Evaluation.of}, {@code Trainer.fit}'s validation) runs in a workspace, where the layers do not size
     * themselves, so a custom model's evaluation batch is not sized at all. Choose such a model's batch sizes
     * yourself.
     *
     * @throws ActivationSizes.BatchTooLarge (an IllegalArgumentException) when the activations exceed the limit
     */
    public void requirePredictionFits(long[] shape, int bytesPerValue) {
        if (shape == null) {
            throw new IllegalArgumentException(predictionName() + ": the input shape must not be null");
        }
        if (shape.length == 0 || shape[0] < 1) {
            return; // no batch: the first layer's own check names the shape
        }
        String setting = System.getProperty(Settings.MAX_PARAMETER_BYTES);
        PredictionSizes sizes = lastPredictionSizes;
        if (sizes == null || !sizes.isFor(shape, bytesPerValue, setting)) {
            sizes = PredictionSizes.of(this, shape, bytesPerValue, setting);
            lastPredictionSizes = sizes;
        }
        if (shape[0] <= sizes.maxBatch()) {
            return;
        }
        // Refused (or the derived limit changed): said with the batch's own shapes, off the fast path.
        try {
            ActivationSizes.requireBatchFits(
                    predictionName() + ": a prediction on ", this, shape, bytesPerValue, this::predictionLabel);
        } catch (ActivationSizes.BatchTooLarge e) {
            throw e.reworded(e.getMessage()
                    + (e.maxBatch() >= 1
                            ? "; or predict in batches of at most " + e.maxBatch() + " samples"
                            : "; one sample does not fit"));
        }
    }

    /**
     * For the forward of a layer of this package: sizes a prediction made outside any workspace with
     * {@link #requirePredictionFits}, as {@link Sequential#forward} sizes its own. That is a layer that is a model's
     * top level ({@code Conv2d.builder(...).build().forward(x)} under no-grad, a model file whose architecture is one
     * layer) or one a custom module calls; within a Sequential's prediction, a training step or an evaluation a
     * workspace is active and the pass was sized as a whole (or is the trainer's, sized per layer by its job).
     */
    final void requirePredictionFitsOutsideWorkspace(Tensor input) {
        if (isPredictionOutsideWorkspace()) {
            requirePredictionFits(input.shape(), input.dataType().width());
        }
    }

    /** Whether a pass now is a prediction (no autograd recording) outside any ND4J workspace. */
    static boolean isPredictionOutsideWorkspace() {
        return !Autograd.isRecording() && !ScratchWorkspace.anyActive();
    }

    /** This model in the message of a refused prediction ({@link #requirePredictionFits}): {@code Conv2d[1->4, 3x3]}. */
    String predictionName() {
        return toString();
    }

    /** The label of {@code layer} of this model in a refused prediction's message; null: its path and class. */
    String predictionLabel(ActivationSizes.Layer layer) {
        return null;
    }

    /**
     * The activation values of one sample of {@code sample} ({@code [*, ...]}) at {@code width} bytes each, and the
     * largest batch within the limit as {@code setting} (the limit's system property, or null) gave it.
     */
    private record PredictionSizes(long[] sample, int width, String setting, long perSample, long maxBatch) {

        static PredictionSizes of(Module model, long[] shape, int width, String setting) {
            long[] one = shape.clone();
            one[0] = 1; // every size is linear in the batch
            long perSample = ActivationSizes.total(ActivationSizes.of(model, one));
            return new PredictionSizes(one, width, setting, perSample, ActivationSizes.maxBatch(perSample, width));
        }

        /** Whether these sizes hold for an input of {@code shape}: the same sample shape, width and setting. */
        boolean isFor(long[] shape, int width, String setting) {
            if (shape.length != sample.length || width != this.width || !Objects.equals(setting, this.setting)) {
                return false;
            }
            for (int i = 1; i < shape.length; i++) {
                if (shape[i] != sample[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Registers a trainable parameter under {@code name} and returns it. */
    protected final Tensor registerParameter(String name, INDArray value) {
        Tensor t = Tensor.parameter(name, value);
        requireNewName(name);
        parameters.put(name, t);
        STRUCTURE.incrementAndGet();
        return t;
    }

    /** Registers a non-trainable state array under {@code name}; the module updates it in place. */
    protected final INDArray registerBuffer(String name, INDArray value) {
        requireNewName(name);
        buffers.put(name, value);
        return value;
    }

    /** Registers a child module under {@code name} and returns it. */
    protected final <M extends Module> M registerChild(String name, M child) {
        requireNewName(name);
        children.put(name, child);
        STRUCTURE.incrementAndGet();
        return child;
    }

    private void requireNewName(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + ": a parameter, buffer or child name must be non-empty and contain no '.', was '" + name + "'");
        }
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": name '" + name + "' is already used");
        }
    }

    /**
     * Every trainable parameter of this module and its descendants, by dotted path, in a stable order. The map is kept
     * until a parameter or child is registered anywhere: a trainer asks for it every step, and building it anew (a
     * map and a concatenated path per parameter) was a tenth of the heap bytes a training step allocated.
     */
    public final Map<String, Tensor> namedParameters() {
        long structure = STRUCTURE.get();
        ParameterPaths kept = parameterPaths;
        if (kept != null && kept.structure() == structure) {
            return kept.paths();
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectParameters("", out);
        Map<String, Tensor> paths = Collections.unmodifiableMap(out);
        // Recorded under the count read before collecting: a registration meanwhile makes the next call collect again.
        parameterPaths = new ParameterPaths(structure, paths);
        return paths;
    }

    private void collectParameters(String prefix, Map<String, Tensor> out) {
        parameters.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collectParameters(prefix + k + ".", out));
    }

    /** Every buffer of this module and its descendants, by dotted path. The arrays themselves, not copies. */
    public final Map<String, INDArray> namedBuffers() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        collectBuffers("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collectBuffers(String prefix, Map<String, INDArray> out) {
        buffers.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, c) -> c.collectBuffers(prefix + k + ".", out));
    }

    /** The direct children, by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** The trainable parameters in {@link #namedParameters()} order. */
    public final List<Tensor> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Total number of trainable scalars. */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) {
            n += t.value().length();
        }
        return n;
    }

    /** Clears the gradient of every parameter. */
    public final void zeroGrad() {
        for (Tensor t : parameters.values()) {
            t.zeroGrad();
        }
        for (Module c : children.values()) {
            c.zeroGrad();
        }
    }

    /** Sets training mode here and in every descendant; returns this. */
    public final Module train(boolean on) {
        training = on;
        for (Module c : children.values()) {
            c.train(on);
        }
        return this;
    }

    /** Training mode (dropout active, batch norm on batch statistics); returns this. */
    public final Module train() {
        return train(true);
    }

    /** Evaluation mode (dropout off, batch norm on running statistics); returns this. */
    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }
}
