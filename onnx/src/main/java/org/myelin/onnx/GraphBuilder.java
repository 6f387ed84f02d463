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
 * and tracks the feature count of the current value (for the declared output shape).
 */
public final class GraphBuilder {

    private final GraphProto.Builder graph;
    private final DataType type;
    private long inputFeatures = -1;
    private long features = -1;

    GraphBuilder(GraphProto.Builder graph, DataType type) {
        this.graph = graph;
        this.type = type;
    }

    /** The model's data type (FLOAT or DOUBLE): every initializer has it. */
    public DataType dataType() {
        return type;
    }

    /** Features of the current value, or -1 where no layer so far fixes them. */
    public long features() {
        return features;
    }

    /**
     * Records that the layer being written takes {@code n} features. The first such layer fixes the model's input
     * width: the layers before it (activations, dropout) keep the width.
     */
    public void takes(long n) {
        if (features < 0) {
            inputFeatures = n;
            features = n;
        }
    }

    /** The model's input features, or -1 where no layer fixes them. */
    long inputFeatures() {
        return inputFeatures;
    }

    /** Records that the layer just written outputs {@code n} features. */
    public void setFeatures(long n) {
        this.features = n;
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
        graph.addNode(NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs).addOutput(out)
                .addAllAttribute(List.of(attributes)));
        return out;
    }

    /** A float attribute. */
    public static AttributeProto floatAttribute(String name, double value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF((float) value).build();
    }

    /** An integer attribute. */
    public static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }
}
