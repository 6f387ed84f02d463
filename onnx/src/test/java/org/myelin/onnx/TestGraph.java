package org.myelin.onnx;

import java.util.ArrayList;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** ONNX models written directly with the protobuf builders, as another tool would, for the import tests. */
final class TestGraph {

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final DataType type;
    private final long opset;
    private String value = "x";
    private int count;

    /** A graph over input {@code x} of {@code type} with {@code dims} (-1: the symbolic batch). */
    TestGraph(long opset, DataType type, long... dims) {
        this.opset = opset;
        this.type = type;
        graph.addInput(valueInfo("x", dims));
    }

    private ValueInfoProto valueInfo(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(
                    d < 0
                            ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                            : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(Tensors.onnxType(type))
                                .setShape(shape)))
                .build();
    }

    /** Adds an initializer; returns its name. */
    String init(String name, INDArray a) {
        graph.addInitializer(Tensors.fromArray(name, a.castTo(type)));
        return name;
    }

    String init(TensorProto t) {
        graph.addInitializer(t);
        return t.getName();
    }

    /** Adds a node reading the current value then {@code constants} (names; "" leaves an input out). */
    TestGraph node(String op, List<String> constants, AttributeProto... attributes) {
        String out = "v" + count;
        List<String> inputs = new ArrayList<>();
        inputs.add(value);
        inputs.addAll(constants);
        graph.addNode(NodeProto.newBuilder()
                .setName("n" + count++)
                .setOpType(op)
                .addAllInput(inputs)
                .addOutput(out)
                .addAllAttribute(List.of(attributes)));
        value = out;
        return this;
    }

    TestGraph node(String op, AttributeProto... attributes) {
        return node(op, List.of(), attributes);
    }

    GraphProto.Builder graph() {
        return graph;
    }

    ModelProto build() {
        GraphProto.Builder g = graph.clone();
        g.addOutput(ValueInfoProto.newBuilder()
                .setName(value)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(Tensors.onnxType(type)))));
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(g)
                .build();
    }

    static AttributeProto f(String name, double v) {
        return GraphBuilder.floatAttribute(name, v);
    }

    static AttributeProto s(String name, String v) {
        return GraphBuilder.stringAttribute(name, v);
    }

    static AttributeProto i(String name, long v) {
        return GraphBuilder.intAttribute(name, v);
    }

    static TensorProto longs(String name, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }
}
