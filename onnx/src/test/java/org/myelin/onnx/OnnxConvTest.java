package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.util.List;
import java.util.Map;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.data.Mnist;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.BatchNorm;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Flatten;
import org.myelin.nn.GlobalAvgPool2d;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.nn.Pool2d;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Convolutional layers both ways: Conv2d, max and average pooling, global average pooling, Flatten and batch norm on
 * images exported and run in ONNX Runtime (within 1e-5 float32, 1e-7 float64), LeNet-5 and the small CNN (random
 * weights, random images, real MNIST test images where cached), export-import round trips, ONNX models built with
 * the protobuf builders per op, and the attributes Myelin cannot honour refused with the node, op and what is
 * supported.
 */
class OnnxConvTest {

    private static INDArray images(DataType type, long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.randn(type, shape);
    }

    private static void assertAgrees(Module m, INDArray x, String what) throws Exception {
        ModelProto onnx = OnnxExport.toModel(m, null);
        if (m.namedParameters().isEmpty()) {
            x = x.castTo(DataType.FLOAT); // a model without parameters exports as float32
        }
        if (x.dataType() == DataType.DOUBLE
                && ((Sequential) m)
                        .layers().stream().anyMatch(l -> l instanceof Conv2d || l instanceof GlobalAvgPool2d)) {
            // the documented gap: valid ONNX, but ONNX Runtime's CPU provider has no float64 Conv and
            // GlobalAveragePool kernels
            INDArray input = x;
            var e = assertThrows(ai.onnxruntime.OrtException.class, () -> Ort.run(onnx, input), what);
            assertTrue(e.getMessage().contains("NOT_IMPLEMENTED"), e.getMessage());
            return;
        }
        double d = Ort.difference(Ort.predict(m, x), Ort.run(onnx, x), what + " " + x.dataType());
        assertTrue(d <= Ort.tolerance(x.dataType()), what + ": difference " + d);
    }

    private static Conv2d.Builder conv(long in, long out, int k, DataType type) {
        return Conv2d.builder(in, out, k).optDataType(type).optSeed(in * 31 + out + k);
    }

    /** One model per exported conv-layer setting, each on 3 images [3, 8, H, W]. */
    static List<Sequential> eachLayer(DataType type) {
        BatchNorm bn = new BatchNorm(8, 1e-3, 0.1, type);
        List<Sequential> models = List.of(
                new Sequential(conv(3, 8, 3, type).build()),
                new Sequential(
                        conv(3, 8, 3, type).optStride(2, 1).optPadding(1, 2).build()),
                new Sequential(conv(3, 8, 5, type).optSame(true).build()),
                new Sequential(conv(3, 8, 4, type).optSame(true).build()), // even kernel: unequal pads
                new Sequential(conv(3, 8, 3, type).optSame(true).optStride(2, 2).build()), // auto_pad SAME_UPPER
                new Sequential(conv(3, 8, 3, type)
                        .optDilation(2, 1)
                        .optKernel(3, 2)
                        .optBias(false)
                        .build()),
                new Sequential(conv(3, 8, 3, type).build(), bn, new ActivationLayer(Activations.RELU)),
                new Sequential(new Pool2d(true, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1})),
                new Sequential(Pool2d.max(2)),
                new Sequential(new Pool2d(false, new int[] {3, 2}, new int[] {1, 2}, new int[] {1, 1})),
                new Sequential(Pool2d.avg(2)),
                new Sequential(new GlobalAvgPool2d()),
                new Sequential(
                        new Pool2d(true, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}),
                        new BatchNorm(3, 1e-4, 0.1, type),
                        new ActivationLayer(Activations.leakyRelu(0.1)),
                        new Flatten(),
                        new Dense(3 * 8 * 8, 2, type, 6)),
                new Sequential(new Flatten()),
                new Sequential(
                        conv(3, 4, 3, type).build(),
                        new ActivationLayer(Activations.TANH),
                        new Flatten(),
                        new Dense(4 * 7 * 7, 5, type, 3),
                        new ActivationLayer(Activations.SOFTMAX)),
                new Sequential(conv(3, 4, 3, type).build(), new GlobalAvgPool2d(), new Dense(4, 2, type, 4)));
        for (Sequential m : models) {
            Fixtures.randomize(m, 5);
        }
        return models;
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void eachConvLayerMatchesOnnxRuntime(DataType type) throws Exception {
        INDArray x = images(type, 1, 3, 3, 9, 9);
        for (Sequential m : eachLayer(type)) {
            assertAgrees(m, x, m.toString());
        }
    }

    /**
     * "Same" padding at stride 2 with dilation 2: ONNX Runtime refuses auto_pad SAME_UPPER with a dilation ("Dilation
     * not supported for AutoPadType::SAME_UPPER"), so the export writes the kernel dilated with zeros and dilations 1,
     * which runs there and computes the same; it imports back as that wider kernel, predicting the same.
     */
    @Test
    void dilatedSameConvolutionAtAStrideRunsInOnnxRuntime() throws Exception {
        for (int size : new int[] {8, 9}) { // the SAME_UPPER split depends on the image size
            Sequential m = new Sequential(conv(3, 4, 3, DataType.FLOAT)
                    .optKernel(3, 2)
                    .optSame(true)
                    .optStride(2, 3)
                    .optDilation(2, 3)
                    .build());
            Fixtures.randomize(m, 6);
            INDArray x = images(DataType.FLOAT, size, 2, 3, size, size + 2);
            assertAgrees(m, x, "same, stride 2x3, dilation 2x3, " + size + "x" + (size + 2));
            ModelProto onnx = OnnxExport.toModel(m, null);
            assertEquals(
                    List.of(5L, 4L),
                    onnx.getGraph().getNode(0).getAttributeList().stream()
                            .filter(a -> a.getName().equals("kernel_shape"))
                            .findFirst()
                            .orElseThrow()
                            .getIntsList());
            Sequential back = OnnxImport.read(onnx.toByteArray(), "m.onnx").model();
            assertTrue(Ort.difference(Ort.predict(m, x), Ort.predict(back, x), "re-imported") <= 1e-5);
        }
    }

    @Test
    void maxPoolTiesAndPaddingAgreeWithOnnxRuntime() throws Exception {
        // All-negative images: a zero pad would win every border window; ONNX pads MaxPool with -inf, Myelin takes
        // the maximum of the cells inside the image. Many ties (values from {-3, -2, -1}) leave the maxima alike.
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 6, 6)
                .muli(3)
                .castTo(DataType.INT32)
                .castTo(DataType.FLOAT)
                .subi(3);
        assertAgrees(
                new Sequential(new Pool2d(true, new int[] {3, 3}, new int[] {1, 1}, new int[] {1, 1})),
                x,
                "MaxPool ties, padded");
        assertAgrees(
                new Sequential(new Pool2d(false, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1})),
                x,
                "AvgPool padded (count_include_pad = 0)");
    }

    /**
     * Where ties go: ONNX Runtime's MaxPool Indices output names the cell each maximum came from; Myelin sends the
     * gradient of each window to its first maximum in row-major order. On images full of ties the two pick the same
     * cells (non-overlapping windows, so each window's gradient lands on exactly one cell).
     */
    @Test
    void maxPoolTieRuleIsOnnxRuntimes() throws Exception {
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 2, 6, 6)
                .muli(2)
                .castTo(DataType.INT32)
                .castTo(DataType.FLOAT);
        Pool2d pool = Pool2d.max(3);
        org.myelin.autodiff.Tensor in = org.myelin.autodiff.Tensor.parameter(x.dup());
        org.myelin.ops.Ops.sum(pool.forward(in)).backward();
        INDArray myelin = in.grad().reshape(-1);

        onnx.Onnx.GraphProto.Builder g = OnnxExport.toModel(new Sequential(pool), null).getGraph().toBuilder();
        g.getNodeBuilder(0).addOutput("indices");
        g.clearOutput()
                .addOutput(onnx.Onnx.ValueInfoProto.newBuilder()
                        .setName("indices")
                        .setType(onnx.Onnx.TypeProto.newBuilder()
                                .setTensorType(onnx.Onnx.TypeProto.Tensor.newBuilder()
                                        .setElemType(onnx.Onnx.TensorProto.DataType.INT64_VALUE))));
        ModelProto withIndices = OnnxExport.toModel(new Sequential(pool), null).toBuilder()
                .setGraph(g)
                .build();
        INDArray ort = Nd4j.zeros(DataType.FLOAT, x.length());
        try (OrtSession s = Ort.session(withIndices);
                var t = ai.onnxruntime.OnnxTensor.createTensor(
                        Ort.ENV, java.nio.FloatBuffer.wrap(x.data().asFloat()), x.shape());
                var r = s.run(Map.of("input", t))) {
            java.nio.LongBuffer idx = ((ai.onnxruntime.OnnxTensor) r.get(0)).getLongBuffer();
            assertEquals(2 * 2 * 2 * 2, idx.remaining());
            while (idx.hasRemaining()) {
                long i = idx.get();
                ort.putScalar(i, ort.getDouble(i) + 1);
            }
        }
        long ties = 0;
        for (long w = 0; w < x.length(); w++) {
            ties += x.getDouble(w) == 1 ? 1 : 0;
        }
        assertTrue(ties > 20, "the images have many tied maxima: " + ties + " ones of " + x.length());
        assertEquals(ort, myelin);
    }

    @Test
    void imageModelsKeepTheirInputShapeWithADynamicBatch() throws Exception {
        Sequential lenet = Models.lenet5(DataType.FLOAT, 3, 1, 28, 28, 10);
        try (OrtSession s = Ort.session(OnnxExport.toModel(lenet, null))) {
            long[] in = ((TensorInfo) s.getInputInfo().get("input").getInfo()).getShape();
            assertArrayEquals(new long[] {-1, 1, -1, -1}, in); // batch, C, height, width (symbolic: any image size)
            assertArrayEquals(
                    new long[] {-1, 10},
                    ((TensorInfo) s.getOutputInfo().get("output").getInfo()).getShape());
            for (int batch : new int[] {1, 5}) {
                INDArray x = images(DataType.FLOAT, batch, batch, 1, 28, 28);
                assertEquals(Ort.predict(lenet, x).shape()[0], Ort.run(s, x).shape()[0]);
            }
        }
    }

    @Test
    void lenet5AndSmallCnnMatchOnnxRuntime() throws Exception {
        Sequential lenet = Models.lenet5(DataType.FLOAT, 7, 1, 28, 28, 10);
        Sequential cnn = Models.smallCnn(DataType.FLOAT, 8, 1, 28, 28, 10);
        // their own random He-normal weights: Fixtures.randomize's N(0, 0.49) weights would blow five layers' outputs
        // up to ~1e4, where float32's own rounding passes 1e-5
        Nd4j.getRandom().setSeed(11);
        INDArray pixels = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28);
        assertAgrees(lenet, pixels, "LeNet-5, random pixels");
        assertAgrees(cnn, pixels, "small CNN, random pixels");
        if (Mnist.isCached(Mnist.defaultCacheDir())) { // real images only where already downloaded; tests never fetch
            INDArray test = Mnist.load(Mnist.cachePath(Mnist.defaultCacheDir()), DataType.FLOAT)
                    .test()
                    .features()
                    .get(NDArrayIndex.interval(0, 200), NDArrayIndex.all())
                    .dup()
                    .reshape(200, 1, 28, 28);
            assertAgrees(lenet, test, "LeNet-5, 200 MNIST test images");
            assertAgrees(cnn, test, "small CNN, 200 MNIST test images");
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void exportThenImportKeepsParametersAndPredictions(DataType type) throws Exception {
        for (Sequential m : eachLayer(type)) {
            assertRoundTrip(m, images(type, 2, 2, 3, 9, 9));
        }
        assertRoundTrip(Models.lenet5(type, 4, 3, 12, 12, 4), images(type, 3, 2, 3, 12, 12));
        assertRoundTrip(Models.smallCnn(type, 5, 3, 9, 9, 4), images(type, 4, 2, 3, 9, 9));
    }

    /** Export then import: the same parameters and buffers bit for bit, the same layer types, the same outputs. */
    private static void assertRoundTrip(Sequential m, INDArray x) {
        if (m.namedParameters().isEmpty()) {
            x = x.castTo(DataType.FLOAT);
        }
        Sequential back = OnnxImport.read(OnnxExport.toModel(m, null).toByteArray(), "m.onnx")
                .model();
        assertEquals(m.namedParameters().keySet(), back.namedParameters().keySet(), m.toString());
        m.namedParameters()
                .forEach((k, v) ->
                        assertEquals(v.value(), back.namedParameters().get(k).value(), k));
        assertEquals(m.namedBuffers(), back.namedBuffers());
        assertEquals(
                m.layers().stream().map(OnnxConvTest::exportedConfig).toList(),
                back.layers().stream()
                        .map(l -> new java.util.HashMap<>(l.config()))
                        .toList(),
                m.toString());
        assertEquals(Ort.predict(m, x), Ort.predict(back, x), m.toString());
    }

    /**
     * The config a layer comes back with: the same, except that "same" padding at stride 1 with an even total
     * {@code d (k - 1)} is equal pads in the file and returns as that padding (the same computation), and the
     * initialisers (not in the file) are the importer's defaults.
     */
    private static Map<String, Object> exportedConfig(Module layer) {
        Map<String, Object> c = new java.util.HashMap<>(layer.config());
        if (layer instanceof Dense) {
            c.put("weight_init", Dense.DEFAULT_WEIGHT_INIT.name());
        }
        if ("same".equals(c.get("padding")) && c.get("stride").equals(List.of(1, 1))) {
            long[] k = Conv2dExporter.pair(c.get("kernel"));
            long[] d = Conv2dExporter.pair(c.get("dilation"));
            if (d[0] * (k[0] - 1) % 2 == 0 && d[1] * (k[1] - 1) % 2 == 0) {
                c.put("padding", List.of((int) (d[0] * (k[0] - 1) / 2), (int) (d[1] * (k[1] - 1) / 2)));
            }
        }
        return c;
    }

    @Test
    void anImportedCnnFineTunesAndExportsAgain() throws Exception {
        Sequential cnn = new Sequential(
                conv(1, 4, 3, DataType.FLOAT).optSame(true).build(),
                new BatchNorm(4, DataType.FLOAT),
                new ActivationLayer(Activations.RELU),
                Pool2d.max(2),
                new Flatten(),
                new Dense(4 * 4 * 4, 3, DataType.FLOAT, 1));
        Sequential m = OnnxImport.read(OnnxExport.toModel(cnn, null).toByteArray(), "cnn.onnx")
                .model();
        INDArray x = images(DataType.FLOAT, 6, 12, 1, 8, 8);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 12, 3);
        for (int i = 0; i < 12; i++) {
            y.putScalar(i, i % 3, 1);
        }
        var loss = org.myelin.train.LossFunction.byName("softmax_cross_entropy");
        var opt = org.myelin.optim.Optimizers.create("adam", Map.of("learning_rate", 0.01), m.namedParameters());
        double before = loss.apply(
                        org.myelin.autodiff.Tensor.constant(Ort.predict(m, x)), org.myelin.autodiff.Tensor.constant(y))
                .item();
        for (int step = 0; step < 30; step++) {
            m.train();
            opt.zeroGrad();
            loss.apply(m.forward(org.myelin.autodiff.Tensor.constant(x)), org.myelin.autodiff.Tensor.constant(y))
                    .backward();
            opt.step();
        }
        double after = loss.apply(
                        org.myelin.autodiff.Tensor.constant(Ort.predict(m, x)), org.myelin.autodiff.Tensor.constant(y))
                .item();
        assertTrue(after < before, "evaluation loss " + before + " -> " + after);
        assertAgrees(m, x, "fine-tuned imported CNN");
    }

    // ---- ONNX models written with the protobuf builders, per op ----

    private static void importsLikeOnnxRuntime(TestGraph g, INDArray x, List<String> layers) throws Exception {
        ModelProto model = g.build();
        Sequential imported = OnnxImport.read(model.toByteArray(), "test.onnx").model();
        assertEquals(
                layers,
                imported.layers().stream()
                        .map(m -> m.getClass().getSimpleName())
                        .toList());
        double d = Ort.difference(
                Ort.predict(imported, x),
                Ort.run(model, x),
                "import "
                        + model.getGraph().getNodeList().stream()
                                .map(n -> n.getOpType())
                                .toList());
        assertTrue(d <= Ort.tolerance(x.dataType()), "difference " + d);
    }

    private static onnx.Onnx.AttributeProto ints(String name, long... v) {
        return GraphBuilder.intsAttribute(name, v);
    }

    @Test // float32 only: ONNX Runtime's CPU provider has no float64 Conv or GlobalAveragePool
    void convPoolBatchNormFlattenGraphsImport() throws Exception {
        DataType type = DataType.FLOAT;
        TestGraph g = new TestGraph(17, type, -1, 2, 10, 10);
        g.node(
                "Conv",
                List.of(g.init("w", images(type, 1, 4, 2, 3, 3).muli(0.3)), g.init("b", images(type, 2, 4))),
                ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1),
                ints("strides", 1, 1));
        g.node(
                "BatchNormalization",
                List.of(
                        g.init("s", images(type, 3, 4)),
                        g.init("sh", images(type, 4, 4)),
                        g.init("m", images(type, 5, 4)),
                        g.init("v", images(type, 6, 4).mul(images(type, 6, 4)).addi(0.1))));
        g.node("Relu");
        g.node("MaxPool", ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        g.node(
                "Conv",
                List.of(g.init("w2", images(type, 7, 3, 4, 2, 2).muli(0.3))),
                ints("pads", 0, 0, 1, 1)); // same, k = 2
        g.node(
                "AveragePool",
                ints("kernel_shape", 3, 3),
                ints("pads", 1, 1, 1, 1),
                TestGraph.i("count_include_pad", 0));
        g.node(
                "Conv",
                List.of(g.init("w3", images(type, 8, 3, 3, 3, 3).muli(0.3))),
                TestGraph.s("auto_pad", "SAME_UPPER"),
                ints("strides", 2, 2));
        g.node("Conv", List.of(g.init("w4", images(type, 9, 3, 3, 1, 1))), TestGraph.s("auto_pad", "VALID"));
        g.node("Flatten", TestGraph.i("axis", 1));
        g.node("Gemm", List.of(g.init("d", images(type, 10, 27, 2))));
        importsLikeOnnxRuntime(
                g,
                images(type, 11, 3, 2, 10, 10),
                List.of(
                        "Conv2d",
                        "BatchNorm",
                        "ActivationLayer",
                        "Pool2d",
                        "Conv2d",
                        "Pool2d",
                        "Conv2d",
                        "Conv2d",
                        "Flatten",
                        "Dense"));

        TestGraph gap = new TestGraph(13, type, -1, 3, -1, -1);
        gap.node("GlobalAveragePool");
        gap.node("Reshape", List.of(gap.init(TestGraph.longs("shape", 0, -1))));
        gap.node("Gemm", List.of(gap.init("w", images(type, 12, 3, 2))));
        importsLikeOnnxRuntime(gap, images(type, 13, 2, 3, 5, 7), List.of("GlobalAvgPool2d", "Dense"));
    }

    // ---- what is refused ----

    private static void rejected(TestGraph g, String... fragments) {
        OnnxFormatException e = assertThrows(
                OnnxFormatException.class, () -> OnnxImport.read(g.build().toByteArray(), "bad.onnx"));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' missing from: " + e.getMessage());
        }
    }

    private static TestGraph convGraph(onnx.Onnx.AttributeProto... attributes) {
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 2, 8, 8);
        g.node("Conv", List.of(g.init("w", images(DataType.FLOAT, 1, 4, 2, 3, 3))), attributes);
        return g;
    }

    private static TestGraph poolGraph(String op, onnx.Onnx.AttributeProto... attributes) {
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 2, 8, 8);
        g.node(op, attributes);
        return g;
    }

    @Test
    void unsupportedAttributesAreRefusedNamingNodeOpAndWhatIsSupported() {
        TestGraph grouped = new TestGraph(17, DataType.FLOAT, -1, 2, 8, 8);
        grouped.node(
                "Conv", List.of(grouped.init("w", images(DataType.FLOAT, 1, 4, 1, 3, 3))), TestGraph.i("group", 2));
        rejected(grouped, "node 'n0' (Conv)", "group = 2", "supported: group = 1");
        rejected(
                convGraph(TestGraph.s("auto_pad", "SAME_LOWER")),
                "(Conv)",
                "auto_pad = SAME_LOWER",
                "[NOTSET, VALID, SAME_UPPER]");
        rejected(convGraph(ints("pads", 0, 0, 2, 2)), "(Conv)", "pads [0, 0, 2, 2]", "equal pads on both sides");
        rejected(convGraph(ints("pads", 0, 0, 1, 1), ints("strides", 2, 2)), "pads [0, 0, 1, 1]");
        rejected(convGraph(ints("strides", 0, 1)), "(Conv)", "'strides' has value 0", "1 to 1024");
        rejected(convGraph(ints("pads", 1 << 20, 1, 1 << 20, 1)), "(Conv)", "'pads'", "0 to 2");
        rejected(convGraph(ints("dilations", 1 << 30, 1)), "'dilations' has value 1073741824");
        rejected(convGraph(ints("dilations", 1000, 1)), "effective window 2001", "at most 1024");
        rejected(convGraph(ints("kernel_shape", 5, 5)), "kernel_shape [5, 5] differs from W's [3, 3]");
        rejected(convGraph(ints("strides", 1, 1, 1)), "'strides' is INTS of 3 values, expected INTS of 2");
        TestGraph wrongChannels = new TestGraph(17, DataType.FLOAT, -1, 3, 8, 8);
        wrongChannels.node("Conv", List.of(wrongChannels.init("w", images(DataType.FLOAT, 1, 4, 2, 3, 3))));
        rejected(wrongChannels, "expects 2 input features", "has 3");
        TestGraph flat = new TestGraph(17, DataType.FLOAT, -1, 8);
        flat.node("Conv", List.of(flat.init("w", images(DataType.FLOAT, 1, 4, 2, 3, 3))));
        rejected(flat, "(Conv)", "rank-2", "images [batch, channels, height, width]");

        rejected(
                poolGraph("MaxPool", ints("kernel_shape", 2, 2), TestGraph.i("ceil_mode", 1)),
                "(MaxPool)",
                "ceil_mode = 1",
                "ceil_mode = 0");
        rejected(
                poolGraph("MaxPool", ints("kernel_shape", 2, 2), TestGraph.i("storage_order", 1)), "storage_order = 1");
        rejected(poolGraph("MaxPool", ints("kernel_shape", 2, 2), ints("dilations", 2, 2)), "dilations [2, 2]");
        rejected(poolGraph("MaxPool"), "(MaxPool)", "'kernel_shape' is missing");
        rejected(
                poolGraph("MaxPool", ints("kernel_shape", 3, 3), TestGraph.s("auto_pad", "SAME_UPPER")),
                "auto_pad = SAME_UPPER",
                "[NOTSET, VALID]");
        rejected(poolGraph("MaxPool", ints("kernel_shape", 3, 3), ints("pads", 0, 0, 1, 1)), "pads [0, 0, 1, 1]");
        rejected(
                poolGraph("MaxPool", ints("kernel_shape", 3, 3), ints("pads", 2, 2, 2, 2)),
                "(MaxPool)",
                "at most half");
        rejected(poolGraph("MaxPool", ints("kernel_shape", 2, 2), ints("pads", 1 << 20, 0, 1 << 20, 0)), "'pads'");
        rejected(
                poolGraph("AveragePool", ints("kernel_shape", 2, 2), TestGraph.i("count_include_pad", 1)),
                "(AveragePool)",
                "count_include_pad = 1",
                "count_include_pad = 0");
        rejected(poolGraph("AveragePool", ints("kernel_shape", 0, 2)), "'kernel_shape' has value 0");
        rejected(
                poolGraph("GlobalAveragePool"), "(GlobalAveragePool)", "followed by nothing", "then Flatten(axis = 1)");
    }

    @Test
    void softmaxOverImagesIsRefusedOnExport() {
        Sequential m = new Sequential(conv(1, 2, 3, DataType.FLOAT).build(), new ActivationLayer(Activations.SOFTMAX));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxExport.toModel(m, null));
        assertTrue(
                e.getMessage().contains("layer 1.")
                        && e.getMessage().contains("softmax to images [N, C, H, W]")
                        && e.getMessage().contains("after a Flatten"),
                e.getMessage());
    }

    @Test
    void aWindowLargerThanTheImageIsRefusedBeforeAnyWork() throws Exception {
        TestGraph g = new TestGraph(17, DataType.FLOAT, -1, 1, -1, -1);
        g.node("Conv", List.of(g.init("w", images(DataType.FLOAT, 1, 2, 1, 5, 5))));
        Sequential m = OnnxImport.read(g.build().toByteArray(), "m.onnx").model();
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> Ort.predict(m, images(DataType.FLOAT, 2, 1, 1, 3, 3)));
        assertTrue(e.getMessage().contains("the output would be -1x-1"), e.getMessage());
    }
}
