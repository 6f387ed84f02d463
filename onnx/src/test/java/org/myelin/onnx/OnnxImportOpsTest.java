package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX models built directly with the protobuf builders, one per supported op, import into Myelin and predict what
 * ONNX Runtime predicts on them.
 */
class OnnxImportOpsTest {

    private static INDArray rand(DataType type, long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(type, shape);
    }

    /** Imports {@code model}, checks its layer types, and compares its predictions with ONNX Runtime's. */
    private static Sequential assertImportsLikeOnnxRuntime(
            ModelProto model, INDArray x, INDArray flatX, List<String> layers) throws Exception {
        Sequential imported = OnnxImport.read(model.toByteArray(), "test.onnx").model();
        assertEquals(
                layers,
                imported.layers().stream()
                        .map(m -> m.getClass().getSimpleName())
                        .toList());
        INDArray expected = Ort.run(model, x);
        INDArray actual = Ort.predict(imported, flatX);
        double d = Ort.difference(
                actual,
                expected,
                "import "
                        + model.getGraph().getNodeList().stream()
                                .map(n -> n.getOpType())
                                .toList());
        assertTrue(d <= Ort.tolerance(x.dataType()), "difference " + d);
        return imported;
    }

    private static Sequential check(TestGraph g, DataType type, List<String> layers) throws Exception {
        INDArray x = rand(type, 1, 7, 6);
        return assertImportsLikeOnnxRuntime(g.build(), x, x, layers);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void gemmInBothWeightLayoutsAndWithoutBias(DataType type) throws Exception {
        TestGraph g = new TestGraph(17, type, -1, 6);
        g.node("Gemm", List.of(g.init("w", rand(type, 2, 6, 5)), g.init("b", rand(type, 3, 5))));
        g.node(
                "Gemm",
                List.of(g.init("wt", rand(type, 4, 4, 5)), g.init("b2", rand(type, 5, 1, 4))),
                TestGraph.i("transB", 1));
        g.node("Gemm", List.of(g.init("w3", rand(type, 6, 4, 3))), TestGraph.f("alpha", 1), TestGraph.f("beta", 1));
        Sequential m = check(g, type, List.of("Dense", "Dense", "Dense"));
        assertTrue(!((org.myelin.nn.Dense) m.get(2)).hasBias());
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void matMulWithAndWithoutAdd(DataType type) throws Exception {
        TestGraph g = new TestGraph(13, type, -1, 6);
        g.node("MatMul", List.of(g.init("w", rand(type, 2, 6, 5))));
        g.node("Add", List.of(g.init("b", rand(type, 3, 5))));
        g.node("MatMul", List.of(g.init("w2", rand(type, 4, 5, 3))));
        check(g, type, List.of("Dense", "Dense"));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void elementwiseActivations(DataType type) throws Exception {
        for (String op : List.of("Relu", "Sigmoid", "Tanh", "Identity", "Atan")) {
            if (op.equals("Atan") && type == DataType.DOUBLE) {
                continue; // ONNX Runtime's CPU Atan is float32 only
            }
            TestGraph g = new TestGraph(17, type, -1, 6);
            g.node("Gemm", List.of(g.init("w", rand(type, 2, 6, 5)), g.init("b", rand(type, 3, 5))));
            g.node(op);
            check(g, type, List.of("Dense", "ActivationLayer"));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT"})
    void leakyReluSoftmaxAndHardmax(DataType type) throws Exception {
        TestGraph g = new TestGraph(17, type, -1, 6);
        g.node("LeakyRelu", TestGraph.f("alpha", 0.1));
        g.node("LeakyRelu");
        g.node("Softmax", TestGraph.i("axis", 1));
        g.node("Softmax");
        g.node("Hardmax");
        check(
                g,
                type,
                List.of("ActivationLayer", "ActivationLayer", "ActivationLayer", "ActivationLayer", "ActivationLayer"));
        // Before opset 13 Softmax's default axis is 1, the features of [batch, features].
        TestGraph old = new TestGraph(11, type, -1, 6);
        old.node("Softmax");
        check(old, type, List.of("ActivationLayer"));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void softmaxInDouble(DataType type) throws Exception {
        TestGraph g = new TestGraph(17, type, -1, 6);
        g.node("Softmax", TestGraph.i("axis", -1));
        check(g, type, List.of("ActivationLayer"));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void dropoutBatchNormAndLayerNorm(DataType type) throws Exception {
        TestGraph g = new TestGraph(17, type, -1, 6);
        g.node("Dropout", List.of(g.init("ratio", Nd4j.scalar(type, 0.25).reshape())));
        Nd4j.getRandom().setSeed(9);
        g.node(
                "BatchNormalization",
                List.of(
                        g.init("s", rand(type, 2, 6)),
                        g.init("b", rand(type, 3, 6)),
                        g.init("m", rand(type, 4, 6)),
                        g.init("v", Nd4j.rand(type, 6).addi(0.1))),
                TestGraph.f("epsilon", 1e-3),
                TestGraph.f("momentum", 0.8));
        g.node(
                "LayerNormalization",
                List.of(g.init("g", rand(type, 5, 6)), g.init("h", rand(type, 6, 6))),
                TestGraph.i("axis", -1),
                TestGraph.f("epsilon", 1e-4));
        g.node("LayerNormalization", List.of(g.init("g2", rand(type, 7, 6))));
        g.node("Dropout");
        Sequential m = check(g, type, List.of("Dropout", "BatchNorm", "LayerNorm", "LayerNorm", "Dropout"));
        assertEquals(0.25, ((org.myelin.nn.Dropout) m.get(0)).rate());
        assertEquals(0.2, ((org.myelin.nn.BatchNorm) m.get(1)).momentum(), 1e-12);
        assertEquals(1e-3, ((org.myelin.nn.BatchNorm) m.get(1)).eps(), 1e-12);
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void flattenAndReshapeOfAnImageInput(DataType type) throws Exception {
        for (String op : List.of("Flatten", "Reshape")) {
            TestGraph g = new TestGraph(17, type, -1, 1, 4, 4);
            if (op.equals("Flatten")) {
                g.node("Flatten", TestGraph.i("axis", 1));
            } else {
                g.node("Reshape", List.of(g.init(TestGraph.longs("shape", 0, -1))));
            }
            g.node("Gemm", List.of(g.init("w", rand(type, 2, 16, 5)), g.init("b", rand(type, 3, 5))));
            g.node("Relu");
            g.node("Flatten"); // on [batch, features]: nothing to do
            g.node("Reshape", List.of(g.init(TestGraph.longs("shape2", -1, 5))));
            INDArray x = rand(type, 4, 3, 1, 4, 4);
            assertImportsLikeOnnxRuntime(g.build(), x, x, List.of("Flatten", "Dense", "ActivationLayer"));
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT"})
    void thresholdAsGreaterOrEqualAndCast(DataType type) throws Exception {
        TestGraph g = new TestGraph(17, type, -1, 6);
        g.node("GreaterOrEqual", List.of(g.init("zero", Nd4j.scalar(type, 0.0).reshape())));
        g.node("Cast", TestGraph.i("to", Tensors.onnxType(type)));
        check(g, type, List.of("ActivationLayer"));
    }
}
