package org.myelin.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.ScratchWorkspace;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.memory.MemoryWorkspace;

/**
 * A chain of modules applied in order, {@code y = f_k(... f_1(f_0(x)))} (the layered network of CS 489 §9 and
 * Oxford ML FE1-FE2 (see docs/notes.md)). Children are named {@code "0"}, {@code "1"}, ..., so parameter paths read
 * {@code 0.weight}, {@code 2.bias}.
 *
 * <p>Shapes: whatever the first layer accepts, to whatever the last produces.
 */
public final class Sequential extends Module {

    /** Config {@code "type"} of this module. */
    public static final String TYPE = "sequential";

    /** The workspace id of {@link #forward}'s predictions (one per thread). */
    static final String PREDICTION_WORKSPACE = "myelin-prediction";

    private final List<Module> layers;

    /** The name and layer labels of {@link #labelled}, for messages; null: "Sequential", {@code layers[i] (Type)}. */
    private volatile Labels labels;

    /** The sizes of the last prediction's sample shape: a prediction of the same shape only compares its batch. */
    private volatile PredictionSizes lastSizes;

    private record Labels(String name, List<String> layers) {}

    public Sequential(Module... layers) {
        this(List.of(checkNotNull(layers)));
    }

    /** @param layers at least one module, applied first to last */
    public Sequential(List<? extends Module> layers) {
        if (layers == null || layers.isEmpty()) {
            throw new IllegalArgumentException("Sequential: needs at least one layer, was given none");
        }
        List<Module> list = new ArrayList<>(layers.size());
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (m == null) {
                throw new IllegalArgumentException("Sequential: layer " + i + " is null");
            }
            list.add(registerChild(Integer.toString(i), m));
        }
        this.layers = Collections.unmodifiableList(list);
    }

    private static Module[] checkNotNull(Module[] layers) {
        if (layers == null) {
            throw new IllegalArgumentException("Sequential: layers must not be null");
        }
        for (int i = 0; i < layers.length; i++) {
            if (layers[i] == null) {
                throw new IllegalArgumentException("Sequential: layer " + i + " is null");
            }
        }
        return layers;
    }

    /**
     * Applies the layers in order. A prediction (no autograd recording, see {@code Autograd.noGrad()}) made outside
     * any ND4J workspace runs its layers in a reused workspace ({@link #PREDICTION_WORKSPACE}) and copies only the
     * output out of it, so a library user's {@code model.forward(x)} under no-grad allocates one array per call
     * rather than one per layer and temporary; the output stays valid after later calls. Recording passes and
     * passes inside a caller's workspace (the trainer's, the evaluator's) run as they are.
     */
    @Override
    public Tensor forward(Tensor input) {
        if (Autograd.isRecording() || ScratchWorkspace.anyActive()) {
            return forwardLayers(input);
        }
        requirePredictionFits(input.shape(), input.dataType().width());
        try (MemoryWorkspace ws = ScratchWorkspace.open(PREDICTION_WORKSPACE)) {
            return Tensor.constant(forwardLayers(input).value().detach()); // a copy out of the workspace
        }
    }

    private Tensor forwardLayers(Tensor input) {
        Tensor x = input;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            if (m instanceof ActivationFusing fusing
                    && i + 1 < layers.size()
                    && layers.get(i + 1) instanceof ActivationLayer act) {
                x = fusing.forward(x, act.activation()); // one fused op for the pair
                i++;
            } else {
                x = m.forward(x);
            }
        }
        return x;
    }

    /**
     * Names this model ({@code name}, e.g. the file it was read from) and its layers ({@code layerLabels.get(i)} for
     * layer i, e.g. the ONNX node it was read from) in the message of a refused prediction; returns this model.
     */
    public Sequential labelled(String name, List<String> layerLabels) {
        if (name == null || layerLabels == null || layerLabels.size() != layers.size()) {
            throw new IllegalArgumentException("Sequential.labelled: expected a name and " + layers.size()
                    + " layer labels, was " + name + " and " + layerLabels);
        }
        this.labels = new Labels(name, List.copyOf(layerLabels));
        return this;
    }

    /**
     * Refuses a prediction on an input of {@code shape} (values of {@code bytesPerValue} bytes) whose activations
     * would exceed {@link org.myelin.MemoryLimit}: the prediction workspace holds every layer's output (and a
     * convolution's im2col matrix) of the pass at once, so their sum for the batch ({@link ActivationSizes}) must
     * fit. A small model file can ask for gigabytes per sample (a convolution padded by 1023 outputs 1031 x 1031
     * values per channel), and a large batch multiplies it; {@link #forward} checks every prediction made outside a
     * workspace before allocating anything. The sizes per sample are computed once per sample shape and limit
     * setting, so a prediction of the shape before costs a comparison. The message names the model, its largest
     * layer, the batch, the bytes and the limit, and the largest batch that fits.
     *
     * @throws IllegalArgumentException when the activations exceed the limit
     */
    public void requirePredictionFits(long[] shape, int bytesPerValue) {
        if (shape.length == 0 || shape[0] < 1) {
            return; // no batch: the first layer's own check names the shape
        }
        String setting = System.getProperty(org.myelin.Settings.MAX_PARAMETER_BYTES);
        PredictionSizes sizes = lastSizes;
        if (sizes == null || !sizes.isFor(shape, bytesPerValue, setting)) {
            sizes = PredictionSizes.of(this, shape, bytesPerValue, setting);
            lastSizes = sizes;
        }
        if (shape[0] <= sizes.maxBatch()) {
            return;
        }
        // Refused (or the derived limit changed): said with the batch's own shapes, off the fast path.
        List<ActivationSizes.Layer> pass = ActivationSizes.of(this, shape);
        ActivationSizes.Layer largest = ActivationSizes.largest(pass);
        if (largest == null) {
            return; // the first layer does not take the shape: its own check names it
        }
        Labels l = labels;
        String label = null;
        if (l != null && largest.path().startsWith("layers[") && largest.path().indexOf('.') < 0) {
            label = l.layers()
                    .get(Integer.parseInt(
                            largest.path().substring(7, largest.path().length() - 1)));
        }
        try {
            org.myelin.MemoryLimit.check(
                    (l != null ? l.name() : "Sequential") + ": a prediction on a batch of " + shape[0] + " "
                            + java.util.Arrays.toString(shape) + " (its largest layer: "
                            + ActivationSizes.describe(largest, label) + ")",
                    ActivationSizes.total(pass),
                    bytesPerValue,
                    "values");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    e.getMessage()
                            + (sizes.maxBatch() >= 1
                                    ? "; or predict in batches of at most " + sizes.maxBatch() + " samples"
                                    : "; one sample does not fit"),
                    e);
        }
    }

    /**
     * The activation values of one sample of {@code sample} ({@code [*, ...]}) at {@code width} bytes each, and the
     * largest batch within the limit as {@code setting} (the limit's system property, or null) gave it.
     */
    private record PredictionSizes(long[] sample, int width, String setting, long perSample, long maxBatch) {

        static PredictionSizes of(Sequential model, long[] shape, int width, String setting) {
            long[] one = shape.clone();
            one[0] = 1; // every size is linear in the batch
            long perSample = ActivationSizes.total(ActivationSizes.of(model, one));
            long bytes = org.myelin.MemoryLimit.saturatedProduct(perSample, width);
            long maxBatch = bytes == 0 ? Long.MAX_VALUE : org.myelin.MemoryLimit.parameterBytes() / bytes;
            return new PredictionSizes(one, width, setting, perSample, maxBatch);
        }

        /** Whether these sizes hold for an input of {@code shape}: the same sample shape, width and setting. */
        boolean isFor(long[] shape, int width, String setting) {
            if (shape.length != sample.length
                    || width != this.width
                    || !java.util.Objects.equals(setting, this.setting)) {
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

    /** {@code {"type":"sequential","layers":[config of layer 0, config of layer 1, ...]}}. */
    @Override
    public Map<String, Object> config() {
        List<Map<String, Object>> children = new ArrayList<>(layers.size());
        for (Module m : layers) {
            children.add(m.config());
        }
        return Modules.describe(TYPE, new Config(children));
    }

    /** The config of a chain: {@code layers}, the configs of its layers in order, at least one. */
    public record Config(List<Map<String, Object>> layers) {
        public Config {
            if (layers == null || layers.isEmpty()) {
                throw new ConfigurationException(
                        "layers",
                        (layers == null ? "missing" : "empty") + "; expected a list of at least one layer config");
            }
            layers = List.copyOf(layers);
        }
    }

    /** Builds each layer with the seed {@code Seeds.child(seed, i)}, as {@link Models} does. */
    static Sequential fromConfig(Config c, LayerBuild build) {
        List<Module> layers = new ArrayList<>(c.layers().size());
        for (int i = 0; i < c.layers().size(); i++) {
            layers.add(build.child("layers", i, c.layers().get(i)));
        }
        return new Sequential(layers);
    }

    /** Layer {@code i}. */
    public Module get(int i) {
        if (i < 0 || i >= layers.size()) {
            throw new IndexOutOfBoundsException("Sequential: layer " + i + " requested, has " + layers.size());
        }
        return layers.get(i);
    }

    public int size() {
        return layers.size();
    }

    /** The layers in order (unmodifiable). */
    public List<Module> layers() {
        return layers;
    }

    @Override
    public String toString() {
        return "Sequential" + layers;
    }
}
