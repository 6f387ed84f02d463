package org.myelin.onnx;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.StringStringEntryProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.myelin.EngineInfo;
import org.myelin.autodiff.Tensor;
import org.myelin.io.AtomicFiles;
import org.myelin.io.Json;
import org.myelin.nn.Module;
import org.myelin.nn.ModuleConfig;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Myelin {@link Sequential} model as an ONNX model (IR version 8, default opset 17) for ONNX Runtime and
 * other ONNX consumers: input {@code "input"} {@code [batch, features]} (or {@code [batch, channels, height, width]}
 * for a model starting with a convolution or pooling, height and width symbolic) and output {@code "output"}
 * {@code [batch, outputs]} with a symbolic batch dimension {@code "batch"}, in the model's data type (float32
 * or float64). Each layer becomes the nodes its {@link LayerExporter} writes; parameters and buffers become
 * initializers named by their Myelin path ({@code 0.weight}). The graph computes the model in evaluation mode
 * (dropout is the identity, batch norm uses its running statistics).
 *
 * <p>Metadata properties: {@code myelin.architecture} (the model's config as JSON), {@code myelin.data_type}
 * (float32 or float64, the type it was trained in), {@code myelin.version}, and {@code myelin.metadata} (the
 * caller's metadata as JSON, e.g. the loss a model file was saved with) when given.
 */
public final class OnnxExport {

    private static final Logger log = LoggerFactory.getLogger(OnnxExport.class);

    /** The ONNX IR version written: 8, the one that goes with opset 17. */
    public static final long IR_VERSION = 8;
    /** The default-domain opset written: 17, the first with LayerNormalization. */
    public static final long OPSET = 17;

    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    public static final String BATCH = "batch";

    private OnnxExport() {}

    /** Writes {@code model} to {@code file} atomically (an existing file is replaced only by a complete new one). */
    public static void save(Module model, Path file, Map<String, Object> metadata) throws IOException {
        if (file == null) { // a NullPointerException once the model had been converted
            throw new IllegalArgumentException("ONNX export: file must not be null");
        }
        AtomicFiles.requireWritablePath(file); // a directory, a path under a file: refused before the conversion
        byte[] bytes = toModel(model, metadata).toByteArray();
        AtomicFiles.write(file, out -> out.write(bytes));
        log.info("exported {} to ONNX {} ({} bytes)", model, file, bytes.length);
    }

    /**
     * The ONNX model of {@code model}, a {@link Sequential} (or a single layer) of exportable layers.
     *
     * @param metadata extra JSON-compatible metadata stored as {@code myelin.metadata}, or null
     * @throws IllegalArgumentException for a layer without an exporter, naming it and the exportable layers
     */
    public static ModelProto toModel(Module model, Map<String, Object> metadata) {
        if (model == null) { // a NullPointerException with the message "null"
            throw new IllegalArgumentException("ONNX export: model must not be null");
        }
        List<Module> layers = model instanceof Sequential s ? s.layers() : List.of(model);
        DataType type = dataType(model);
        GraphProto.Builder graph = GraphProto.newBuilder().setName("myelin");
        GraphBuilder g = new GraphBuilder(graph, type);
        String value = INPUT;
        for (int i = 0; i < layers.size(); i++) {
            value = exportLayer(layers.get(i), (model instanceof Sequential ? i + "." : ""), value, g);
        }
        // The last node writes "output" directly (an extra Identity would come back as a layer on import).
        if (value.equals(INPUT)) {
            graph.addNode(onnx.Onnx.NodeProto.newBuilder()
                    .setName("output")
                    .setOpType("Identity")
                    .addInput(INPUT)
                    .addOutput(OUTPUT));
        } else {
            graph.getNodeBuilder(graph.getNodeCount() - 1).setOutput(0, OUTPUT);
        }
        graph.addInput(valueInfo(INPUT, type, g.inputRank(), g.inputFeatures(), "height", "width"));
        graph.addOutput(valueInfo(OUTPUT, type, g.rank(), g.features(), "output_height", "output_width"));

        Map<String, String> props = new LinkedHashMap<>();
        props.put("myelin.architecture", Json.write(model.config()));
        props.put("myelin.data_type", ModuleConfig.dataTypeName(type));
        props.put("myelin.version", EngineInfo.version());
        if (metadata != null && !metadata.isEmpty()) {
            props.put("myelin.metadata", Json.write(metadata));
        }
        ModelProto.Builder m = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("Myelin")
                .setProducerVersion(EngineInfo.version())
                .setDomain("org.myelin")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        props.forEach((k, v) ->
                m.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return m.build();
    }

    private static <M extends Module> String exportLayer(M layer, String prefix, String input, GraphBuilder g) {
        if (layer instanceof Sequential nested) { // its layers in line, named by their paths (0.1.weight)
            String value = input;
            for (int i = 0; i < nested.size(); i++) {
                value = exportLayer(nested.get(i), prefix + i + ".", value, g);
            }
            return value;
        }
        LayerExporter<M> exporter = OnnxOps.exporter(layer);
        if (exporter == null) {
            throw new IllegalArgumentException("ONNX export: layer " + (prefix.isEmpty() ? "" : prefix + " ") + layer
                    + " (" + layer.getClass().getSimpleName() + ") has no ONNX form; exportable layers: "
                    + OnnxOps.exportableLayers());
        }
        return exporter.export(layer, prefix, input, g);
    }

    /** The parameters' data type; FLOAT for a model without parameters. */
    private static DataType dataType(Module model) {
        DataType type = null;
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            DataType t = e.getValue().dataType();
            if (type != null && t != type) {
                throw new IllegalArgumentException("ONNX export: parameter '" + e.getKey() + "' is " + t
                        + ", the others " + type + "; an ONNX model has one data type");
            }
            type = t;
        }
        return type == null ? DataType.FLOAT : type;
    }

    /**
     * {@code [batch, features]} (rank 0 or 2) or {@code [batch, channels, H, W]} (rank 4) with symbolic sizes where
     * the layers do not fix them (an image model takes any image size its windows fit).
     */
    private static ValueInfoProto valueInfo(
            String name, DataType type, int rank, long features, String height, String width) {
        if (rank < 0) { // a model starting with Flatten takes any rank >= 2
            return ValueInfoProto.newBuilder()
                    .setName(name)
                    .setType(TypeProto.newBuilder()
                            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(Tensors.onnxType(type))))
                    .build();
        }
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        shape.addDim(
                features >= 0
                        ? TensorShapeProto.Dimension.newBuilder().setDimValue(features)
                        : TensorShapeProto.Dimension.newBuilder()
                                .setDimParam(rank == 4 ? name + "_channels" : "features"));
        if (rank == 4) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(height));
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(width));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(Tensors.onnxType(type))
                                .setShape(shape)))
                .build();
    }
}
