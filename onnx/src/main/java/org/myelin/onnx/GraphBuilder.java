package org.myelin.onnx;

import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ONNX graph being written by the {@link LayerExporter}s: adds nodes and initializers, hands out value names,
 * and tracks the rank and feature (or channel) count of the current value (for the declared input and output
 * shapes).
 */
public final class GraphBuilder {

    private final GraphProto.Builder graph;
    private final DataType type;
    private int inputRank;
    private long inputFeatures = -1;
    private int rank;
    private long features = -1;

    GraphBuilder(GraphProto.Builder graph, DataType type) {
        this.graph = graph;
        this.type = type;
    }

    /** The model's data type (FLOAT or DOUBLE): every initializer has it. */
    public DataType dataType() {
        return type;
    }

    /** Features (rank 2) or channels (rank 4) of the current value, or -1 where no layer so far fixes them. */
    public long features() {
        return features;
    }

    /** Rank of the current value: 2 ({@code [batch, features]}), 4 ({@code [batch, C, H, W]}) or 0 (not known yet). */
    public int rank() {
        return rank;
    }

    /**
     * Records that the layer being written takes {@code [batch, n]}. The first layer that fixes a shape fixes the
     * model's input: the layers before it (activations, dropout) keep the shape.
     */
    public void takes(long n) {
        if (inputRank == 0) {
            inputRank = 2;
            inputFeatures = n;
        }
    }

    /** Records that the layer being written takes images {@code [batch, channels, H, W]} (channels -1: any). */
    public void takesImages(long channels) {
        if (inputRank == 0) {
            inputRank = 4;
            inputFeatures = channels;
        }
    }

    /** Records that the layer being written takes any rank of at least 2 (a Flatten): the input shape is left open. */
    public void takesAnyRank() {
        if (inputRank == 0) {
            inputRank = -1;
        }
    }

    /** The model's input rank (-1: any, 0 where no layer fixes it) and its features or channels (-1 where not fixed). */
    int inputRank() {
        return inputRank;
    }

    long inputFeatures() {
        return inputFeatures;
    }

    /** Records that the layer just written outputs {@code [batch, n]} (n -1: not known). */
    public void setFeatures(long n) {
        this.rank = 2;
        this.features = n;
    }

    /** Records that the layer just written outputs images {@code [batch, channels, H, W]} (channels -1: not known). */
    public void setImages(long channels) {
        this.rank = 4;
        this.features = channels;
    }

    /** Adds {@code value} as an initializer named {@code name} (converted to the model's data type); returns the name. */
    public String initializer(String name, INDArray value) {
        graph.addInitializer(Tensors.fromArray(name, value.castTo(type)));
        return name;
    }

    /** Adds a ready-made initializer (e.g. an int64 shape); returns its name. */
    public String initializer(TensorProto tensor) {
        graph.addInitializer(tensor);
        return tensor.getName();
    }

    /**
     * Adds a node of {@code opType} named {@code name} reading {@code inputs} (an empty string leaves an optional
     * input out) and writing one value named {@code name + ":out"}; returns that value's name.
     */
    public String node(String name, String opType, List<String> inputs, AttributeProto... attributes) {
        String out = name + ":out";
        graph.addNode(NodeProto.newBuilder()
                .setName(name)
                .setOpType(opType)
                .addAllInput(inputs)
                .addOutput(out)
                .addAllAttribute(List.of(attributes)));
        return out;
    }

    /** A float attribute. */
    public static AttributeProto floatAttribute(String name, double value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.FLOAT)
                .setF((float) value)
                .build();
    }

    /** An integer list attribute. */
    public static AttributeProto intsAttribute(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** A string attribute. */
    public static AttributeProto stringAttribute(String name, String value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value))
                .build();
    }

    /** An integer attribute. */
    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder()
                .setName(name)
                .setType(AttributeProto.AttributeType.INT)
                .setI(value)
                .build();
    }
}
