package org.myelin.onnx;

import org.myelin.nn.Module;

/**
 * Writes one kind of Myelin layer as ONNX nodes. One implementation per layer class, registered with
 * {@link OnnxOps#register(LayerExporter)}.
 *
 * @param <M> the layer class
 */
public interface LayerExporter<M extends Module> {

    /** The layer class this exporter writes (matched exactly). */
    Class<M> layerClass();

    /**
     * Adds the nodes and initializers computing {@code layer} on the value named {@code input} to {@code graph}
     * and returns the name of the output value. Parameters are written as initializers named by their Myelin path
     * ({@code prefix + "weight"}), so the importer can restore them by name.
     *
     * @param prefix the layer's path in the model followed by a dot, e.g. {@code "0."}
     */
    String export(M layer, String prefix, String input, GraphBuilder graph);
}
