package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.myelin.Settings;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.nn.ActivationSizes;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.GlobalAvgPool2d;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A custom module (a {@link Module} subclass with its own forward) is not sized as a whole: {@link ActivationSizes}
 * counts nothing of it or after it, rather than guessing its output as its input's shape (which the layers after it
 * were then sized on). Its pass is sized only by the layers it calls, one by one, in a prediction made outside a
 * workspace; an evaluation of it (and so {@code Trainer.fit}'s validation) is not sized. Nothing fails with another
 * error for it. Under a 1 MiB limit, a 3x3 convolution padded by 50 holds 584,272 bytes per sample of [1, 8, 8].
 */
class CustomModuleSizingTest {

    @BeforeEach
    void setLimit() {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1m");
    }

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    /** conv, then global average pooling, summed with itself: [N, 1, 8, 8] to [N, 4]. */
    static final class Doubled extends Module {
        private final Sequential body = registerChild(
                "body",
                new Sequential(
                        Conv2d.builder(1, 4, 3).optPadding(50, 50).optSeed(3).build(), new GlobalAvgPool2d()));

        @Override
        public Tensor forward(Tensor input) {
            Tensor y = body.forward(input);
            return org.myelin.ops.Ops.add(y, y);
        }

        @Override
        public Map<String, Object> config() {
            return Map.of("type", "doubled");
        }
    }

    private static Dataset images(int n) {
        INDArray targets = Nd4j.zeros(DataType.FLOAT, n, 4);
        targets.getColumn(0).assign(1);
        return Dataset.of(Nd4j.rand(DataType.FLOAT, n, 1, 8, 8), targets);
    }

    @Test
    void aCustomModuleAndTheLayersAfterItAreNotCounted() {
        assertEquals(List.of(), ActivationSizes.of(new Doubled(), new long[] {4, 1, 8, 8}));
        // The Dense after it was sized on the input's shape when the custom module counted as element-wise.
        Sequential model =
                new Sequential(new Dense(8, 8, DataType.FLOAT, 1), new Doubled(), new Dense(8, 2, DataType.FLOAT, 1));
        List<ActivationSizes.Layer> layers = ActivationSizes.of(model, new long[] {4, 8});
        assertEquals(1, layers.size(), layers.toString());
        assertArrayEquals(new long[] {4, 8}, layers.get(0).output());
    }

    @Test
    void aPredictionIsSizedByTheLayersTheCustomForwardCalls() {
        try (var scope = Autograd.noGrad()) {
            String m = assertThrows(
                            IllegalArgumentException.class,
                            () -> new Doubled()
                                    .forward(Tensor.constant(images(4).features())))
                    .getMessage();
            assertTrue(m.startsWith("Sequential: a prediction on a batch of 4 [4, 1, 8, 8]"), m);
            assertArrayEquals(
                    new long[] {1, 4},
                    new Doubled().forward(Tensor.constant(images(1).features())).shape());
        }
    }

    @Test
    void anEvaluationOrAFitOfACustomModelIsNotSizedAndRuns() {
        // Two samples fit (the trainer's check runs the model on two as a prediction), four do not.
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1300k");
        // The same layers as a Sequential are refused in batches of 4 ...
        assertThrows(
                IllegalArgumentException.class,
                () -> Evaluation.of(
                        new Doubled().children().get("body"), LossFunction.SOFTMAX_CROSS_ENTROPY, images(4), 4));
        // ... inside the custom module they are not sized: the evaluation runs (documented in Module and
        // docs/reliability.md), as does a fit with validation.
        Doubled model = new Doubled();
        assertEquals(
                4,
                Evaluation.of(model, LossFunction.SOFTMAX_CROSS_ENTROPY, images(4), 4)
                        .samples());
        Trainer trainer = new Trainer(
                model,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.adam().learningRate(0.01).build(model.namedParameters()),
                TrainingOptions.of(1, 4, 7),
                List.of());
        assertEquals(1, trainer.fit(images(4), images(4)).epochs().size());
    }
}
