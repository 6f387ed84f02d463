package org.myelin.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 */
public abstract class Module {

    private final Map<String, Tensor> parameters = new LinkedHashMap<>();
    private final Map<String, INDArray> buffers = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Applies the module to a batch {@code [B, ...]}, recording the graph when gradients are enabled. */
    public abstract Tensor forward(Tensor input);

    /** The architecture as a JSON-compatible map with a {@code "type"} entry; see {@link Modules#fromConfig}. */
    public abstract Map<String, Object> config();

    /**
     * Checks a layer's input: a batch {@code [B, features]} of the layer's data type; otherwise an
     * IllegalArgumentException naming the layer ({@code who}), the expected and the actual value.
     */
    protected static void requireBatchInput(String who, Tensor input, long features, DataType type) {
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

    /** An empty batch failed deep inside ND4J ("C array should NOT be a view", "Length must be >= 1"). */
    private static void requireSamples(String who, long[] shape) {
        if (shape[0] < 1) {
            throw new IllegalArgumentException(
                    who + ": input has shape " + Arrays.toString(shape) + ", expected at least 1 sample");
        }
    }

    /** Registers a trainable parameter under {@code name} and returns it. */
    protected final Tensor registerParameter(String name, INDArray value) {
        Tensor t = Tensor.parameter(name, value);
        requireNewName(name);
        parameters.put(name, t);
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

    /** Every trainable parameter of this module and its descendants, by dotted path, in a stable order. */
    public final Map<String, Tensor> namedParameters() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        collectParameters("", out);
        return Collections.unmodifiableMap(out);
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
        for (Tensor t : namedParameters().values()) {
            t.zeroGrad();
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
