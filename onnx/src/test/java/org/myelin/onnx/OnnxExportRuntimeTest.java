package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.data.Mnist;
import org.myelin.io.Json;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.LayerNorm;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every exported model runs in ONNX Runtime and predicts what Myelin predicts in evaluation mode. */
class OnnxExportRuntimeTest {

    private static final Logger log = LoggerFactory.getLogger(OnnxExportRuntimeTest.class);

    @AfterAll
    static void report() {
        log.info(
                "largest |Myelin - ONNX Runtime| over the exported models: float32 {}, float64 {}",
                Ort.maxFloatDifference,
                Ort.maxDoubleDifference);
    }

    /** Whether ONNX Runtime's CPU provider runs this activation in {@code type}: Atan and Hardmax are float32 only. */
    static boolean runtimeHas(org.myelin.ops.Activation f, DataType type) {
        return type == DataType.FLOAT || (f != Activations.ARCTAN && f != Activations.ONE_HOT);
    }

    private static void assertAgrees(Sequential model, INDArray x, String what) throws Exception {
        ModelProto onnx = OnnxExport.toModel(model, null);
        boolean runnable = model.layers().stream()
                .allMatch(l -> !(l instanceof ActivationLayer a) || runtimeHas(a.activation(), x.dataType()));
        if (!runnable) { // the documented gap: the model is valid ONNX, ONNX Runtime has no float64 kernel for it
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    ai.onnxruntime.OrtException.class, () -> Ort.run(onnx, x), what);
            assertTrue(e.getMessage().contains("NOT_IMPLEMENTED"), e.getMessage());
            return;
        }
        INDArray expected = Ort.predict(model, x);
        INDArray actual = Ort.run(onnx, x);
        double d = Ort.difference(expected, actual, what);
        assertTrue(
                d <= Ort.tolerance(x.dataType()),
                what + ": max difference " + d + " over " + Ort.tolerance(x.dataType()));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void everyActivationAfterDenseMatchesOnnxRuntime(DataType type) throws Exception {
        for (Sequential m : Fixtures.denseThenEachActivation(type)) {
            assertAgrees(m, Fixtures.input(type, 17, 6, 3), type + " " + m);
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void everyLayerTypeMatchesOnnxRuntime(DataType type) throws Exception {
        Sequential m = Fixtures.allLayers(type, 5);
        assertAgrees(m, Fixtures.input(type, 33, 6, 4), type + " all layers");
        // Activations standing alone (not fused into a preceding Dense), and a model starting with one.
        for (var f : Fixtures.activations()) {
            Sequential alone = new Sequential(new ActivationLayer(f), new LayerNorm(6, type), new ActivationLayer(f));
            Fixtures.randomize(alone, 9);
            assertAgrees(alone, Fixtures.input(type, 9, 6, 5), type + " " + alone);
        }
    }

    @Test
    void mnistShapedModelMatchesOnnxRuntime() throws Exception {
        Sequential m = Models.mlpBuilder(784, 64, 32, 10)
                .optBatchNorm(true)
                .optDropout(0.2)
                .optSeed(7)
                .build();
        Nd4j.getRandom().setSeed(8);
        INDArray pixels = Nd4j.rand(DataType.FLOAT, 64, 784); // MNIST-shaped: [batch, 784] in [0, 1)
        m.train();
        for (int i = 0; i < 20; i++) { // training-mode passes move the running statistics away from 0 and 1
            m.forward(org.myelin.autodiff.Tensor.constant(Nd4j.rand(DataType.FLOAT, 64, 784)));
        }
        assertAgrees(m, pixels, "MNIST-shaped MLP, random pixels");
        if (Mnist.isCached(Mnist.defaultCacheDir())) { // real images only where already downloaded; tests never fetch
            INDArray test = Mnist.load(Mnist.cachePath(Mnist.defaultCacheDir()), DataType.FLOAT)
                    .test()
                    .features();
            assertAgrees(
                    m,
                    test.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1000),
                            org.nd4j.linalg.indexing.NDArrayIndex.all()),
                    "MNIST-shaped MLP, 1,000 MNIST test images");
        }
    }

    @Test
    void namedInputAndOutputWithADynamicBatchAndMetadata() throws Exception {
        Sequential m = Fixtures.allLayers(DataType.FLOAT, 11);
        ModelProto onnx = OnnxExport.toModel(m, Map.of("loss", "softmax_cross_entropy"));
        assertEquals(17, onnx.getOpsetImport(0).getVersion());
        try (OrtSession s = Ort.session(onnx)) {
            assertEquals(List.of("input"), List.copyOf(s.getInputNames()));
            assertEquals(List.of("output"), List.copyOf(s.getOutputNames()));
            assertArrayEquals(
                    new long[] {-1, 6},
                    ((TensorInfo) s.getInputInfo().get("input").getInfo()).getShape());
            assertArrayEquals(
                    new long[] {-1, 4},
                    ((TensorInfo) s.getOutputInfo().get("output").getInfo()).getShape());
            for (int batch : new int[] {1, 13}) {
                INDArray x = Fixtures.input(DataType.FLOAT, batch, 6, batch);
                assertTrue(Ort.difference(Ort.predict(m, x), Ort.run(s, x), "batch " + batch) <= 1e-5);
            }
            Map<String, String> meta = s.getMetadata().getCustomMetadata();
            assertEquals(Json.write(m.config()), meta.get("myelin.architecture"));
            assertEquals("float32", meta.get("myelin.data_type"));
            assertEquals(org.myelin.EngineInfo.version(), meta.get("myelin.version"));
            assertEquals(
                    Map.of("loss", "softmax_cross_entropy"), Json.readObject("metadata", meta.get("myelin.metadata")));
            assertEquals("Myelin", s.getMetadata().getProducerName());
        }
        assertEquals(
                "float64",
                OnnxExport.toModel(Fixtures.allLayers(DataType.DOUBLE, 1), null).getMetadataPropsList().stream()
                        .filter(p -> p.getKey().equals("myelin.data_type"))
                        .findFirst()
                        .orElseThrow()
                        .getValue());
    }

    @Test
    void layersBecomeTheDocumentedOps() {
        ModelProto onnx = OnnxExport.toModel(Fixtures.allLayers(DataType.FLOAT, 1), null);
        assertEquals(
                List.of(
                        "Gemm",
                        "BatchNormalization",
                        "Relu",
                        "Dropout",
                        "Gemm",
                        "LayerNormalization",
                        "Tanh",
                        "Gemm",
                        "Softmax"),
                onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
        ModelProto step = OnnxExport.toModel(new Sequential(new ActivationLayer(Activations.THRESHOLD)), null);
        assertEquals(
                List.of("GreaterOrEqual", "Cast"),
                step.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    }

    @Test
    void nestedSequentialsExportInLineUnderTheirPaths() throws Exception {
        Sequential inner = Fixtures.allLayers(DataType.FLOAT, 13);
        Sequential outer = new Sequential(inner, new ActivationLayer(Activations.RELU));
        ModelProto onnx = OnnxExport.toModel(outer, null);
        assertTrue(onnx.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getName().equals("0.1.runningMean")));
        assertAgrees(outer, Fixtures.input(DataType.FLOAT, 5, 6, 2), "nested Sequential");
    }

    @Test
    void aLayerWithoutExporterIsRejectedNamingIt() {
        var custom = new org.myelin.nn.Module() {
            @Override
            public org.myelin.autodiff.Tensor forward(org.myelin.autodiff.Tensor input) {
                return input;
            }

            @Override
            public Map<String, Object> config() {
                return Map.of("type", "custom");
            }
        };
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> OnnxExport.toModel(new Sequential(new ActivationLayer(Activations.RELU), custom), null));
        assertTrue(e.getMessage().contains("layer 1.") && e.getMessage().contains("Dense"), e.getMessage());
        var square = new org.myelin.ops.Activation() {
            @Override
            public String name() {
                return "square";
            }

            @Override
            public INDArray forward(INDArray z) {
                return z.mul(z);
            }

            @Override
            public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
                return z.mul(2).muli(gradOut);
            }
        };
        var f = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> OnnxExport.toModel(new Sequential(new ActivationLayer(square)), null));
        assertTrue(
                f.getMessage().contains("activation 'square'") && f.getMessage().contains("supported: relu"),
                f.getMessage());
    }
}
