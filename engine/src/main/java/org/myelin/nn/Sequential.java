package org.myelin.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.myelin.ConfigurationException;
import org.myelin.autodiff.ScratchWorkspace;
import org.myelin.autodiff.StepArrays;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
    /** The layers' result arrays of a prediction, kept between predictions ({@link #forward}). */
    private final StepArrays predictionArrays = new StepArrays();

    /** The name and layer labels of {@link #labelled}, for messages; null: "Sequential", {@code layers[i] (Type)}. */
    private volatile Labels labels;

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
     * rather than one per layer and temporary; the output stays valid after later calls. The layers' result arrays
     * are kept by the model between predictions ({@link StepArrays}), as a training step's are: each new array,
     * even in a workspace, cost ND4J a native buffer object and its deallocator (about 0.04 ms of a 0.48 ms
     * prediction of the 784-512-256-10 MLP at 128 rows). Recording passes and
     * passes inside a caller's workspace (the trainer's, the evaluator's) run as they are.
     */
    @Override
    public Tensor forward(Tensor input) {
        requireGivenInput("Sequential", input);
        if (!isPredictionOutsideWorkspace()) {
            return forwardLayers(input);
        }
        requirePredictionFits(input.shape(), input.dataType().width());
        StepArrays.Pass kept = predictionArrays.tryBegin(); // null while another thread predicts with this model
        try (MemoryWorkspace ws = ScratchWorkspace.open(PREDICTION_WORKSPACE)) {
            INDArray out = forwardLayers(input).value();
            // A copy outside any workspace: the output may be a kept array (detach() would return it as it is) or
            // live in the workspace.
            try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Tensor.constant(out.dup());
            }
        } finally {
            if (kept != null) {
                kept.close();
            }
        }
    }

    /** Result arrays the predictions created so far (not reused): for a test. */
    long predictionArraysCreated() {
        return predictionArrays.created();
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

    /** Its {@link #labelled} name, else "Sequential". */
    @Override
    String predictionName() {
        Labels l = labels;
        return l != null ? l.name() : "Sequential";
    }

    /** Its {@link #labelled} label of a direct layer ({@code layers[i]}), else null: the path and class. */
    @Override
    String predictionLabel(ActivationSizes.Layer layer) {
        Labels l = labels;
        String path = layer.path();
        if (l == null || !path.startsWith("layers[") || path.indexOf('.') >= 0) {
            return null;
        }
        return l.layers().get(Integer.parseInt(path.substring(7, path.length() - 1)));
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
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) == null) { // List.copyOf's NullPointerException read as the message "null"
                    throw new ConfigurationException(
                            "layers[" + i + "]", "null; expected a layer config (an object with a \"type\")");
                }
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
