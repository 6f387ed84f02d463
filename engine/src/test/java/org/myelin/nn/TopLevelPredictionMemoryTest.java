package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.Settings;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.io.ModelFile;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model whose top level is not a {@link Sequential} is sized before a prediction as a Sequential is
 * ({@link Module#requirePredictionFits}): a single layer built directly, one read from a model file whose architecture
 * is that layer, and the layers a custom module calls. Under a 1 MiB limit a 3x3 convolution padded by 50 holds
 * 146,068 values (584,272 bytes) per sample of [1, 8, 8] (its output 4 x 106 x 106 and its im2col matrix 9 x 106 x
 * 106), so one sample fits and four do not. (ONNX imports are always a Sequential: {@code OnnxImport.Imported}.)
 */
class TopLevelPredictionMemoryTest {

    @TempDir
    Path dir;

    @BeforeEach
    void setLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
    }

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    private static Conv2d padded() {
        return Conv2d.builder(1, 4, 3).optPadding(50, 50).optSeed(3).build();
    }

    private static Tensor images(int n) {
        return Tensor.constant(Nd4j.rand(DataType.FLOAT, n, 1, 8, 8));
    }

    private static String refused(Module model, Tensor input) {
        try (var scope = Autograd.noGrad()) {
            return assertThrows(IllegalArgumentException.class, () -> model.forward(input))
                    .getMessage();
        }
    }

    @Test
    void aConvolutionThatIsTheWholeModelIsSizedBeforeItsPrediction() {
        Conv2d conv = padded();
        String m = refused(conv, images(4));
        assertEquals(
                "Conv2d[1->4, 3x3, pad 50x50]: a prediction on a batch of 4 [4, 1, 8, 8] (its largest layer: Conv2d,"
                        + " output [4, 4, 106, 106] and im2col matrix (404,496 values)) needs 2.23 MiB (2337088 bytes)"
                        + " for its 584,272 values, more than the limit of 1.00 MiB (1048576 bytes)"
                        + " (-Dmyelin.maxParameterBytes); to allow it, raise the limit with"
                        + " -Dmyelin.maxParameterBytes=SIZE (e.g. 16g; for scripts/myelin in MYELIN_JAVA_OPTS) on a"
                        + " machine with the memory for it; or predict in batches of at most 1 samples",
                m);
        try (var scope = Autograd.noGrad()) {
            assertArrayEquals(
                    new long[] {1, 4, 106, 106}, conv.forward(images(1)).shape());
        }
        // A recording pass is not a prediction: the trainer's step is sized by its job, as a Sequential's is.
        assertArrayEquals(new long[] {4, 4, 106, 106}, conv.forward(images(4)).shape());
    }

    @Test
    void aModelFileWhoseArchitectureIsOneLayerIsSizedToo() throws IOException {
        Path file = dir.resolve("conv.zip");
        ModelFile.save(file, padded(), Map.of());
        Module loaded = ModelFile.load(file).model();
        assertTrue(loaded instanceof Conv2d, loaded.toString());
        assertTrue(refused(loaded, images(4)).startsWith("Conv2d[1->4, 3x3, pad 50x50]: a prediction on a batch of 4"));
    }

    @Test
    void aDenseLayerWhoseOutputsOutgrowItsInputsIsSized() {
        // 400 KB of parameters; 8 rows of one feature give 8 x 100,000 outputs (3.05 MiB).
        Dense wide = new Dense(1, 100_000, DataType.FLOAT, 1);
        String m = refused(wide, Tensor.constant(Nd4j.ones(DataType.FLOAT, 8, 1)));
        assertTrue(
                m.startsWith("Dense[1->100000]: a prediction on a batch of 8 [8, 1] (its largest layer: Dense, output"
                        + " [8, 100000]) needs 3.05 MiB (3200000 bytes)"),
                m);
        assertTrue(m.endsWith("; or predict in batches of at most 2 samples"), m);
    }

    @Test
    void theLayersACustomModuleCallsAreSizedOneByOne() {
        Module custom = new Module() {
            private final Conv2d conv = registerChild("conv", padded());

            @Override
            public Tensor forward(Tensor input) {
                return org.myelin.ops.Ops.add(conv.forward(input), conv.forward(input));
            }

            @Override
            public Map<String, Object> config() {
                return Map.of("type", "custom");
            }
        };
        assertTrue(refused(custom, images(4)).startsWith("Conv2d[1->4, 3x3, pad 50x50]: a prediction on a batch"));
    }

    @Test
    void insideASequentialThePassIsSizedOnceAsAWhole() {
        Sequential model = new Sequential(padded(), new GlobalAvgPool2d());
        String m = refused(model, images(4));
        assertTrue(
                m.startsWith("Sequential: a prediction on a batch of 4 [4, 1, 8, 8] (its largest layer: layers[0]"
                        + " (Conv2d), output [4, 4, 106, 106]"),
                m);
        try (var scope = Autograd.noGrad()) {
            assertArrayEquals(new long[] {1, 4}, model.forward(images(1)).shape());
        }
    }
}
