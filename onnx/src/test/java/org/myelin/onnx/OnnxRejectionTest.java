package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Unsupported ops, attributes and shapes are rejected naming the node, the op and what is supported; hostile files
 * are rejected before they allocate.
 */
class OnnxRejectionTest {

    @TempDir
    Path dir;

    private static OnnxFormatException rejected(ModelProto model, String... fragments) {
        return rejected(model.toByteArray(), fragments);
    }

    private static OnnxFormatException rejected(byte[] bytes, String... fragments) {
        long before = allocated();
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.read(bytes, "bad.onnx"));
        long used = allocated() - before;
        assertTrue(used < (16L << 20), "allocated " + used + " bytes before rejecting: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("bad.onnx: "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
        return e;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static TestGraph dense(DataType type) {
        TestGraph g = new TestGraph(17, type, -1, 4);
        g.node("Gemm", List.of(g.init("w", Nd4j.rand(type, 4, 3)), g.init("b", Nd4j.rand(type, 3))));
        return g;
    }

    @Test
    void anUnsupportedOpNamesTheNodeTheOpAndTheSupportedOps() {
        TestGraph g = dense(DataType.FLOAT);
        g.node("ConvTranspose");
        rejected(
                g.build(),
                "node 'n1' (ConvTranspose)",
                "op 'ConvTranspose' is not supported",
                "Gemm",
                "Conv",
                "LayerNormalization");
        TestGraph add = new TestGraph(17, DataType.FLOAT, -1, 4);
        add.node("Add", List.of(add.init("b", Nd4j.rand(DataType.FLOAT, 4))));
        rejected(add.build(), "(Add)", "Add after MatMul");
    }

    @Test
    void unsupportedAttributesAndValuesAreNamed() {
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 4);
        g.node("Gemm", List.of(g.init("w", Nd4j.rand(DataType.FLOAT, 4, 3))), TestGraph.f("alpha", 2));
        rejected(g.build(), "node 'n0' (Gemm)", "alpha = 2.0", "supported: alpha = beta = 1");
        TestGraph r = new TestGraph(17, DataType.FLOAT, -1, 4);
        r.node("Relu", TestGraph.i("mystery", 1));
        rejected(r.build(), "(Relu)", "attribute 'mystery' is not supported", "supported: none");
        TestGraph s = new TestGraph(17, DataType.FLOAT, -1, 4);
        s.node("Softmax", TestGraph.i("axis", 0));
        rejected(s.build(), "(Softmax)", "axis = 0", "feature axis");
        TestGraph bn = new TestGraph(17, DataType.FLOAT, -1, 4);
        bn.node(
                "BatchNormalization",
                List.of(
                        bn.init("s", Nd4j.ones(4)),
                        bn.init("b", Nd4j.zeros(4)),
                        bn.init("m", Nd4j.zeros(4)),
                        bn.init("v", Nd4j.ones(4))),
                TestGraph.i("training_mode", 1));
        rejected(bn.build(), "(BatchNormalization)", "training_mode = 1");
        TestGraph rs = new TestGraph(17, DataType.FLOAT, -1, 4);
        rs.node("Reshape", List.of(rs.init(TestGraph.longs("shape", 2, 2, -1))));
        rejected(rs.build(), "(Reshape)", "target shape [2, 2, -1]", "[0, -1]");
    }

    @Test
    void anAttributeGivenTwiceIsRejectedRatherThanOneOfItsValuesPicked() {
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 4);
        g.node(
                "Gemm",
                List.of(g.init("w", Nd4j.rand(DataType.FLOAT, 4, 3))),
                TestGraph.f("alpha", 1),
                TestGraph.f("alpha", 3));
        rejected(g.build(), "node 'n0' (Gemm) has attribute 'alpha' 2 times", "at most once");
    }

    @Test
    void aCastTargetBeyond32BitsIsNamedAsWritten() {
        // 2^32 + 1 cut to an int is 1, FLOAT: the message read "casts to FLOAT, expected the model's type FLOAT".
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 4);
        g.node("GreaterOrEqual", List.of(g.init("zero", Nd4j.scalar(0f))));
        g.node("Cast", TestGraph.i("to", (1L << 32) + 1));
        rejected(g.build(), "node 'n1' (Cast): casts to unknown element type 4294967297, expected the model's type");
    }

    @Test
    void namesFromTheFileAreShownOnOneShortLine() {
        // A node name with line breaks (a forged second line) and a 100,000-character op type.
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 4);
        g.node("Gemm", List.of(g.init("w", Nd4j.rand(DataType.FLOAT, 4, 3))), TestGraph.f("alpha", 2));
        ModelProto m = g.build();
        ModelProto forged = m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .setNode(0, m.getGraph().getNode(0).toBuilder().setName("n0\nmyelin: imported\r\u0007")))
                .build();
        OnnxFormatException e = rejected(forged, "node 'n0\\nmyelin: imported\\r\\u0007' (Gemm): alpha = 2.0");
        assertTrue(!e.getMessage().contains("\n") && !e.getMessage().contains("\r"), e.getMessage());
        ModelProto longOp = m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .setNode(0, m.getGraph().getNode(0).toBuilder().setOpType("X".repeat(100_000))))
                .build();
        e = rejected(longOp, "op '" + "X".repeat(100) + "... (100000 characters)' is not supported");
        assertTrue(e.getMessage().length() < 2000, e.getMessage().length() + " characters");
        // A tensor name, in a message of the tensor reader.
        TestGraph t = new TestGraph(17, DataType.FLOAT, -1, 4);
        t.init(TensorProto.newBuilder()
                .setName("w\nw")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(-4)
                .build());
        t.node("Gemm", List.of("w\nw"));
        rejected(t.build(), "tensor 'w\\nw' has dims [-4]");
    }

    @Test
    void shapeMismatchesAreNamed() {
        TestGraph g = dense(DataType.FLOAT);
        g.node("Gemm", List.of(g.init("w2", Nd4j.rand(DataType.FLOAT, 5, 2))));
        rejected(g.build(), "node 'n1' (Gemm)", "expects 5 input features", "has 3");
        TestGraph b = new TestGraph(17, DataType.FLOAT, -1, 4);
        b.node(
                "Gemm",
                List.of(b.init("w", Nd4j.rand(DataType.FLOAT, 4, 3)), b.init("b", Nd4j.rand(DataType.FLOAT, 2))));
        rejected(b.build(), "C (the bias) has shape [2]", "expected [3] or [1, 3]");
        TestGraph img = new TestGraph(17, DataType.FLOAT, -1, 1, 2, 2);
        img.node("Relu");
        img.node("Gemm", List.of(img.init("w", Nd4j.rand(DataType.FLOAT, 4, 3))));
        rejected(img.build(), "(Gemm)", "rank-4", "Flatten");
        TestGraph mixed = new TestGraph(17, DataType.FLOAT, -1, 4);
        mixed.node("Gemm", List.of(mixed.init(Tensors.fromArray("w", Nd4j.rand(DataType.DOUBLE, 4, 3)))));
        rejected(mixed.build(), "tensor 'w' is DOUBLE, expected FLOAT");
    }

    @Test
    void opsetsAndDomainsOutsideTheSupportedRangeAreRejected() {
        ModelProto m = dense(DataType.FLOAT).build();
        rejected(
                m.toBuilder()
                        .setOpsetImport(0, m.getOpsetImport(0).toBuilder().setVersion(7))
                        .build(),
                "imports opset 7",
                "supported: 11 to 22");
        rejected(m.toBuilder().clearOpsetImport().build(), "imports no default ONNX opset");
        // A second entry for the default domain, under its other name: checked too, not skipped.
        rejected(
                m.toBuilder()
                        .addOpsetImport(OperatorSetIdProto.newBuilder()
                                .setDomain("ai.onnx")
                                .setVersion(99))
                        .build(),
                "imports opset 99");
        rejected(
                m.toBuilder()
                        .addOpsetImport(OperatorSetIdProto.newBuilder()
                                .setDomain("ai.onnx")
                                .setVersion(12))
                        .build(),
                "imports the default ONNX opset twice, as 17 and 12");
        ModelProto custom = m.toBuilder()
                .setGraph(m.getGraph().toBuilder()
                        .setNode(0, m.getGraph().getNode(0).toBuilder().setDomain("com.example")))
                .build();
        rejected(custom, "node 'n0' (Gemm) is in domain 'com.example'");
    }

    @Test
    void branchesCyclesAndDanglingValuesAreRejected() {
        // Two nodes read the input: a branch.
        TestGraph g = dense(DataType.FLOAT);
        GraphProto.Builder b = g.graph();
        b.addNode(NodeProto.newBuilder()
                .setName("side")
                .setOpType("Relu")
                .addInput("x")
                .addOutput("s"));
        rejected(g.build(), "value 'x' is read by 2 nodes", "chain of layers");
        // A cycle: a -> b -> a, fed by nothing else.
        ModelProto base = dense(DataType.FLOAT).build();
        GraphProto.Builder cyc = base.getGraph().toBuilder()
                .addNode(NodeProto.newBuilder()
                        .setName("a")
                        .setOpType("Relu")
                        .addInput("c2")
                        .addOutput("c1"))
                .addNode(NodeProto.newBuilder()
                        .setName("b")
                        .setOpType("Relu")
                        .addInput("c1")
                        .addOutput("c2"));
        rejected(base.toBuilder().setGraph(cyc).build(), "lies on a cycle");
        // A node reading a value nobody writes.
        GraphProto.Builder dangling = base.getGraph().toBuilder()
                .addNode(NodeProto.newBuilder()
                        .setName("d")
                        .setOpType("Relu")
                        .addInput("ghost")
                        .addOutput("z"));
        rejected(base.toBuilder().setGraph(dangling).build(), "node 'd' (Relu) reads 'ghost'");
        // Self-loop.
        GraphProto.Builder self = base.getGraph().toBuilder()
                .addNode(NodeProto.newBuilder()
                        .setName("s")
                        .setOpType("Relu")
                        .addInput("loop")
                        .addOutput("loop"));
        rejected(base.toBuilder().setGraph(self).build(), "node 's' (Relu) lies on a cycle");
    }

    @Test
    void aNodeReadingOneValueTwiceIsNamedAsSuchNotAsABranch() {
        // Add(v0, v0) after a Gemm: one node reads 'v0' twice; no second node reads it.
        TestGraph g = dense(DataType.FLOAT);
        g.graph()
                .addNode(NodeProto.newBuilder()
                        .setName("n")
                        .setOpType("Add")
                        .addInput("v0")
                        .addInput("v0")
                        .addOutput("y"));
        ModelProto twice = g.build().toBuilder()
                .setGraph(g.build().getGraph().toBuilder()
                        .setOutput(
                                0, g.build().getGraph().getOutput(0).toBuilder().setName("y")))
                .build();
        OnnxFormatException e = rejected(twice, "bad.onnx: node 'n' (Add) reads 'v0' twice; expected ");
        assertTrue(!e.getMessage().contains("nodes"), e.getMessage());
        // Gemm(x, x) on the input, three times over.
        TestGraph x = new TestGraph(17, DataType.FLOAT, -1, 4);
        x.graph()
                .addNode(NodeProto.newBuilder()
                        .setName("g")
                        .setOpType("Gemm")
                        .addInput("x")
                        .addInput("x")
                        .addInput("x")
                        .addOutput("v0"));
        ModelProto thrice = x.build().toBuilder()
                .setGraph(x.build().getGraph().toBuilder()
                        .setOutput(
                                0, x.build().getGraph().getOutput(0).toBuilder().setName("v0")))
                .build();
        rejected(thrice, "node 'g' (Gemm) reads 'x' 3 times; expected ");
        // A node reading 'x' twice and another reading it once: a branch of 2 nodes (not 3).
        ModelProto branch = thrice.toBuilder()
                .setGraph(thrice.getGraph().toBuilder()
                        .addNode(NodeProto.newBuilder()
                                .setName("side")
                                .setOpType("Relu")
                                .addInput("x")
                                .addOutput("s")))
                .build();
        rejected(branch, "value 'x' is read by 2 nodes");
    }

    @Test
    void hostileTensorsAreRejectedBeforeTheyAllocate() {
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 4);
        // 2^40 elements declared, 48 bytes present.
        g.init(TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1L << 20)
                .addDims(1L << 20)
                .setRawData(ByteString.copyFrom(new byte[48]))
                .build());
        g.node("Gemm", List.of("w"));
        rejected(g.build(), "tensor 'w'", "elements", "more than");
        // Dims whose product overflows 64 bits.
        TestGraph o = new TestGraph(17, DataType.FLOAT, -1, 4);
        o.init(TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(1L << 40)
                .addDims(1L << 40)
                .build());
        o.node("Gemm", List.of("w"));
        rejected(o.build(), "tensor 'w'", "overflows");
        // Raw data shorter than the shape needs.
        TestGraph s = new TestGraph(17, DataType.FLOAT, -1, 4);
        s.init(TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4)
                .addDims(3)
                .setRawData(ByteString.copyFrom(new byte[40]))
                .build());
        s.node("Gemm", List.of("w"));
        rejected(s.build(), "tensor 'w' has 40 bytes of raw data", "need 48");
        // Negative dims, external data.
        TestGraph n = new TestGraph(17, DataType.FLOAT, -1, 4);
        n.init(TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(-4)
                .addDims(3)
                .build());
        n.node("Gemm", List.of("w"));
        rejected(n.build(), "dims [-4, 3]");
        // 200,000 dims of 1 and a -1: refused by rank, before an array of that rank exists or the dims are listed.
        TestGraph r = new TestGraph(17, DataType.FLOAT, -1, 4);
        TensorProto.Builder ranked = TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(new byte[4]));
        for (int i = 0; i < 200_000; i++) {
            ranked.addDims(i == 199_999 ? -1 : 1);
        }
        r.init(ranked.build());
        r.node("Gemm", List.of("w"));
        OnnxFormatException e = rejected(r.build(), "tensor 'w' has 200000 dims; supported: at most 8");
        assertTrue(e.getMessage().length() < 200, e.getMessage().length() + " characters");
        TestGraph ext = new TestGraph(17, DataType.FLOAT, -1, 4);
        ext.init(TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(4)
                .addDims(3)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .build());
        ext.node("Gemm", List.of("w"));
        rejected(ext.build(), "external file");
    }

    @Test
    void nonFiniteInitializersAreRejectedNamingTheTensorAndTheFirstBadValue() {
        // Raw float32 data: an infinity in the bias.
        TestGraph f = new TestGraph(17, DataType.FLOAT, -1, 2);
        f.node(
                "Gemm",
                List.of(
                        f.init("w", Nd4j.ones(DataType.FLOAT, 2, 2)),
                        f.init("b", Nd4j.createFromArray(0f, Float.POSITIVE_INFINITY))));
        rejected(f.build(), "tensor 'b' holds 1 non-finite value(s) of 2", "the first is Infinity at [1]");
        // double_data: NaN in the weight.
        TestGraph d = new TestGraph(17, DataType.DOUBLE, -1, 2);
        d.init(TensorProto.newBuilder()
                .setName("w")
                .setDataType(TensorProto.DataType.DOUBLE_VALUE)
                .addDims(2)
                .addDims(2)
                .addAllDoubleData(List.of(1.0, 2.0, Double.NaN, Double.NaN))
                .build());
        d.node("Gemm", List.of("w"));
        rejected(d.build(), "tensor 'w' holds 2 non-finite value(s) of 4", "the first is NaN at [1, 0]");
    }

    @Test
    void deeplyNestedAndOversizedMessagesAreRejected() throws Exception {
        // Graphs nested in attributes 200 deep: the protobuf recursion limit stops the parse.
        GraphProto inner = GraphProto.newBuilder().setName("leaf").build();
        for (int i = 0; i < 200; i++) {
            inner = GraphProto.newBuilder()
                    .addNode(NodeProto.newBuilder()
                            .setOpType("If")
                            .addAttribute(AttributeProto.newBuilder()
                                    .setName("then_branch")
                                    .setType(AttributeProto.AttributeType.GRAPH)
                                    .setG(inner)))
                    .build();
        }
        ModelProto deep = dense(DataType.FLOAT).build();
        deep = deep.toBuilder()
                .setGraph(deep.getGraph().toBuilder()
                        .addNode(NodeProto.newBuilder()
                                .setOpType("If")
                                .addAttribute(AttributeProto.newBuilder()
                                        .setName("g")
                                        .setType(AttributeProto.AttributeType.GRAPH)
                                        .setG(inner))))
                .build();
        rejected(deep, "not a readable ONNX model", "recursion");
        // A length prefix claiming far more than the file holds.
        byte[] truncated = java.util.Arrays.copyOf(dense(DataType.FLOAT).build().toByteArray(), 40);
        rejected(truncated, "not a readable ONNX model");
        // A graph field claiming 2 GiB - 1 bytes in a 9-byte file.
        rejected(
                new byte[] {0x3a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 1, 2, 3},
                "not a readable ONNX model");
        // A million empty attributes in 2 MB: parsed, such a file took ~60 bytes of heap per byte (8 million of them,
        // 16 MB, ran a 512 MB heap out of memory); the fields are counted before the parse now.
        int attributes = (int) OnnxImport.MAX_OBJECTS;
        java.io.ByteArrayOutputStream many = new java.io.ByteArrayOutputStream();
        many.writeBytes(dense(DataType.FLOAT).build().toByteArray());
        com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(many);
        out.writeTag(7, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED); // ModelProto.graph, merged
        int node = 2 * attributes; // each attribute: tag 5 (length-delimited), length 0
        out.writeUInt32NoTag(1 + com.google.protobuf.CodedOutputStream.computeUInt32SizeNoTag(node) + node);
        out.writeTag(1, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED); // GraphProto.node
        out.writeUInt32NoTag(node);
        for (int i = 0; i < attributes; i++) {
            out.writeTag(5, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED); // NodeProto.attribute
            out.writeUInt32NoTag(0);
        }
        out.flush();
        rejected(many.toByteArray(), "holds more than 1000000 protobuf fields");
        // A file over the size limit is refused before it is read.
        Path big = dir.resolve("big.onnx");
        Files.write(big, dense(DataType.FLOAT).build().toByteArray());
        OnnxFormatException e = assertThrows(OnnxFormatException.class, () -> OnnxImport.load(big, 100));
        assertTrue(
                e.getMessage().contains(big.toString()) && e.getMessage().contains("more than the 100"),
                e.getMessage());
    }

    @Test
    void nullArgumentsAndADirectoryTargetAreNamedBeforeAnyWork(@TempDir Path dir) throws java.io.IOException {
        // Each was a NullPointerException ("null" for the model), the path's after the model had been converted.
        org.myelin.nn.Dense d = new org.myelin.nn.Dense(2, 2, DataType.FLOAT, 1);
        org.junit.jupiter.api.Assertions.assertEquals(
                "ONNX export: model must not be null",
                assertThrows(IllegalArgumentException.class, () -> OnnxExport.save(null, dir.resolve("m.onnx"), null))
                        .getMessage());
        org.junit.jupiter.api.Assertions.assertEquals(
                "ONNX export: file must not be null",
                assertThrows(IllegalArgumentException.class, () -> OnnxExport.save(d, null, null))
                        .getMessage());
        org.junit.jupiter.api.Assertions.assertEquals(
                dir + " is a directory, expected a file; nothing was written",
                assertThrows(java.io.IOException.class, () -> OnnxExport.save(d, dir, null))
                        .getMessage());
        org.junit.jupiter.api.Assertions.assertEquals(
                "x.onnx: no bytes to read (null)",
                assertThrows(IllegalArgumentException.class, () -> OnnxImport.read(null, "x.onnx"))
                        .getMessage());
    }
}
