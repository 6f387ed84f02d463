package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.io.Json;
import org.myelin.io.ModelFile;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The convolutional layers and models: shapes, checks, initialisation, gradients, configs and model files. */
class ConvLayersTest {

    private static Tensor images(DataType type, long... shape) {
        return Tensor.constant(Nd4j.getRandomFactory()
                .getNewRandomInstance(5)
                .nextGaussian(shape)
                .castTo(type)
                .reshape(shape));
    }

    @Test
    void lenetAndSmallCnnMapMnistImagesToTenLogits() {
        Sequential lenet = Models.lenet5(DataType.FLOAT, 1, 1, 28, 28, 10);
        Sequential cnn = Models.smallCnn(DataType.FLOAT, 1, 1, 28, 28, 10);
        assertEquals(61_706, lenet.parameterCount());
        assertEquals(1_199_882, cnn.parameterCount());
        for (Sequential m : List.of(lenet, cnn)) {
            assertArrayEquals(
                    new long[] {3, 10},
                    m.forward(images(DataType.FLOAT, 3, 1, 28, 28)).shape());
        }
        assertEquals(
                "Sequential[Conv2d[1->6, 5x5, same], ActivationLayer[relu], MaxPool2d[2x2], Conv2d[6->16, 5x5], "
                        + "ActivationLayer[relu], MaxPool2d[2x2], Flatten, Dense[400->120], ActivationLayer[relu], Dense[120->84], "
                        + "ActivationLayer[relu], Dense[84->10]]",
                lenet.toString());
    }

    @Test
    void heInitialisationUsesTheFanInOfAPatch() {
        Conv2d conv = Conv2d.builder(16, 64, 5)
                .optDataType(DataType.DOUBLE)
                .optSeed(3)
                .build();
        double std = conv.weight().value().stdNumber().doubleValue();
        // N(0, 2 / (16 * 25)): std 0.0707; 25,600 draws give a standard error of about 0.0003.
        assertEquals(Math.sqrt(2.0 / (16 * 25)), std, 0.002);
        assertEquals(0.0, conv.bias().value().amaxNumber().doubleValue(), 0.0);
        Conv2d xavier = Conv2d.builder(16, 64, 5)
                .optWeightInit(Inits.xavierUniform())
                .optDataType(DataType.DOUBLE)
                .build();
        double a = Math.sqrt(6.0 / (16 * 25 + 64 * 25));
        assertEquals(a / Math.sqrt(3), xavier.weight().value().stdNumber().doubleValue(), 0.002);
    }

    @Test
    void layersCheckTheirInputBeforeAnyWorkWithTheirNameAndBothShapes() {
        Conv2d conv = Conv2d.builder(3, 8, 3).build();
        var rank = assertThrows(IllegalArgumentException.class, () -> conv.forward(images(DataType.FLOAT, 4, 27)));
        assertEquals(
                "Conv2d[3->8, 3x3]: input has shape [4, 27], expected [*, 3, *, *] (N, C, H, W)", rank.getMessage());
        var channels =
                assertThrows(IllegalArgumentException.class, () -> conv.forward(images(DataType.FLOAT, 4, 1, 9, 9)));
        assertEquals(
                "Conv2d[3->8, 3x3]: input has shape [4, 1, 9, 9], expected [*, 3, *, *] (N, C, H, W)",
                channels.getMessage());
        var small =
                assertThrows(IllegalArgumentException.class, () -> conv.forward(images(DataType.FLOAT, 4, 3, 2, 9)));
        assertEquals(
                "Conv2d[3->8, 3x3]: input has shape [4, 3, 2, 9], expected [*, 3, H, W] with H + 0 >= 3 and"
                        + " W + 0 >= 3 (a 3x3 window, dilation 1x1, padding 0/0 x 0/0); the output would be 0x7",
                small.getMessage());
        var type =
                assertThrows(IllegalArgumentException.class, () -> conv.forward(images(DataType.DOUBLE, 4, 3, 9, 9)));
        assertEquals(
                "Conv2d[3->8, 3x3]: input has data type DOUBLE, expected FLOAT (the layer's parameters)",
                type.getMessage());
        // LeNet on 8x8 images: after the first pooling the second convolution's 5x5 window no longer fits.
        Sequential lenet = Models.lenet5(DataType.FLOAT, 1, 1, 28, 28, 10);
        var shrink =
                assertThrows(IllegalArgumentException.class, () -> lenet.forward(images(DataType.FLOAT, 2, 1, 8, 8)));
        assertEquals(
                "Conv2d[6->16, 5x5]: input has shape [2, 6, 4, 4], expected [*, 6, H, W] with H + 0 >= 5 and"
                        + " W + 0 >= 5 (a 5x5 window, dilation 1x1, padding 0/0 x 0/0); the output would be 0x0",
                shrink.getMessage());
        var tooSmall =
                assertThrows(IllegalArgumentException.class, () -> Models.lenet5(DataType.FLOAT, 1, 1, 8, 8, 10));
        assertTrue(
                tooSmall.getMessage().startsWith("Conv2d[6->16, 5x5]: input has shape [1, 6, 4, 4]"),
                tooSmall.getMessage());
        var pool = assertThrows(
                IllegalArgumentException.class, () -> Pool2d.max(2).forward(images(DataType.FLOAT, 2, 10)));
        assertEquals("MaxPool2d[2x2]: input has shape [2, 10], expected [*, *, *, *] (N, C, H, W)", pool.getMessage());
        var bn = assertThrows(
                IllegalArgumentException.class,
                () -> new BatchNorm(4, DataType.FLOAT).forward(images(DataType.FLOAT, 2, 3, 5, 5)));
        assertEquals("BatchNorm[4]: input has shape [2, 3, 5, 5], expected [*, 4, *, *] (N, C, H, W)", bn.getMessage());
        var dense = assertThrows(
                IllegalArgumentException.class,
                () -> new Dense(784, 10, DataType.FLOAT, 1).forward(images(DataType.FLOAT, 2, 1, 28, 28)));
        assertEquals("Dense[784->10]: input has shape [2, 1, 28, 28], expected [*, 784]", dense.getMessage());
    }

    @Test
    void gradientsOfTheLayersMatchCentralDifferences() {
        Sequential m = new Sequential(
                Conv2d.builder(2, 3, 3)
                        .optPadding(1, 1)
                        .optStride(2, 1)
                        .optDataType(DataType.DOUBLE)
                        .optSeed(4)
                        .build(),
                new BatchNorm(3, DataType.DOUBLE),
                new ActivationLayer(Activations.TANH),
                new Pool2d(false, new int[] {2, 2}, new int[] {1, 1}, new int[] {0, 0}),
                Conv2d.builder(3, 2, 2)
                        .optDilation(2, 1)
                        .optBias(false)
                        .optDataType(DataType.DOUBLE)
                        .optSeed(5)
                        .build(),
                new GlobalAvgPool2d());
        INDArray x = Nd4j.getRandomFactory()
                .getNewRandomInstance(6)
                .nextGaussian(new long[] {2, 2, 7, 6})
                .castTo(DataType.DOUBLE)
                .reshape(2, 2, 7, 6);
        double worst = ModuleGradCheck.worstError(m, x, 7);
        assertTrue(worst < 1e-6, "worst error " + worst);
        Sequential withMaxAndFlatten = new Sequential(
                Conv2d.builder(1, 2, 3)
                        .optSame(true)
                        .optDataType(DataType.DOUBLE)
                        .optSeed(8)
                        .build(),
                Pool2d.max(2),
                new Flatten(),
                new Dense(2 * 3 * 3, 3, DataType.DOUBLE, 9));
        INDArray y = Nd4j.getRandomFactory()
                .getNewRandomInstance(10)
                .nextGaussian(new long[] {2, 1, 6, 7})
                .castTo(DataType.DOUBLE)
                .reshape(2, 1, 6, 7);
        double worst2 = ModuleGradCheck.worstError(withMaxAndFlatten, y, 11);
        assertTrue(worst2 < 1e-6, "worst error " + worst2);
    }

    @Test
    void channelBatchNormKeepsRunningStatisticsPerChannel() {
        BatchNorm bn = new BatchNorm(2, DataType.DOUBLE);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, 2, 3, 3);
        x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(1))
                .addi(10);
        bn.forward(Tensor.constant(x));
        INDArray mean = bn.namedBuffers().get("runningMean");
        assertEquals(0.1 * 0.5, mean.getDouble(0), 0.03);
        assertEquals(0.1 * 10.5, mean.getDouble(1), 0.03);
    }

    @Test
    void configsRoundTripThroughJsonAndRebuildTheSameInitialWeights(@TempDir Path dir) throws Exception {
        Sequential cnn = Models.smallCnn(DataType.FLOAT, 21, 1, 8, 8, 4);
        Map<String, Object> config = cnn.config();
        Map<String, Object> read = Json.readObject("config", Json.write(config));
        Module rebuilt = Modules.fromConfig(read, 21);
        assertEquals(config, rebuilt.config());
        cnn.namedParameters()
                .forEach((k, v) ->
                        assertEquals(v.value(), rebuilt.namedParameters().get(k).value(), k));
        Map<String, Object> bad =
                Map.of("type", "conv2d", "in", 1, "out", 2, "kernel", List.of(3, 0), "dataType", "float32");
        var e = assertThrows(org.myelin.ConfigurationException.class, () -> Modules.fromConfig(bad));
        assertEquals("kernel: must be an integer >= 1 or a list of two, was [3, 0]", e.getMessage());
    }

    @Test
    void modelFilesHoldCnnsAndGiveTheSameOutputsAfterLoading(@TempDir Path dir) throws Exception {
        Sequential lenet = Models.lenet5(DataType.FLOAT, 3, 1, 28, 28, 10);
        lenet.eval();
        Tensor x = images(DataType.FLOAT, 2, 1, 28, 28);
        INDArray before;
        try (var s = Autograd.noGrad()) {
            before = lenet.forward(x).value().dup();
        }
        Path file = dir.resolve("lenet.zip");
        ModelFile.save(file, lenet, Map.of("loss", "softmax_cross_entropy"));
        Module loaded = ModelFile.load(file).model();
        loaded.eval();
        try (var s = Autograd.noGrad()) {
            assertEquals(before, loaded.forward(x).value());
        }
        assertArrayEquals(
                new long[] {6, 1, 5, 5},
                loaded.namedParameters().get("0.weight").shape());
    }
}
