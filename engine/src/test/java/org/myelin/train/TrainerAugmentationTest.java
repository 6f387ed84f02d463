package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.data.Dataset;
import org.myelin.data.ImageShift;
import org.myelin.nn.Module;
import org.myelin.nn.Modules;
import org.myelin.optim.Optimizers;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Trainer#augmentWith}: shifted training images, drawn from (seed, step). */
class TrainerAugmentationTest {

    private static Dataset images() {
        Nd4j.getRandom().setSeed(7);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 24, 1, 6, 6);
        int[] labels = new int[24];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        return Dataset.classification(x, labels, 3).asOneHot();
    }

    private static Map<String, INDArray> train(ImageShift shift, int epochs) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("type", "sequential");
        config.put(
                "layers",
                List.of(
                        Map.of("type", "flatten"),
                        Map.of("type", "dense", "in", 36, "out", 3, "data_type", "float64")));
        Module model = Modules.fromConfig(config, 42);
        Trainer trainer = new Trainer(
                        model,
                        LossFunction.SOFTMAX_CROSS_ENTROPY,
                        Optimizers.sgd().learningRate(0.5).build(model.namedParameters()),
                        TrainingOptions.of(epochs, 8, 42),
                        List.of())
                .augmentWith(shift);
        trainer.fit(images(), null);
        Map<String, INDArray> params = new LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> params.put(k, v.value().dup()));
        return params;
    }

    @Test
    void shiftsAreReproducibleFromTheSeed() {
        assertEquals(train(new ImageShift(6, 6, 2), 3), train(new ImageShift(6, 6, 2), 3));
    }

    @Test
    void shiftedTrainingDiffersFromPlainTraining() {
        assertNotEquals(train(null, 3), train(new ImageShift(6, 6, 2), 3));
        // A limit of 0 moves nothing: the same run as without augmentation.
        assertEquals(train(null, 3), train(new ImageShift(6, 6, 0), 3));
    }
}
