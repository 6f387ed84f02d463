package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.autodiff.Tensor;
import org.myelin.io.Checkpoint;
import org.myelin.io.ModelFile;
import org.myelin.optim.Optimizers;
import org.myelin.train.Checkpointing;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A null where the public API expects a tensor, a shape, a module, a path or a form is refused with an
 * IllegalArgumentException naming it: each of these was a NullPointerException (Checkpointing.resume's after the
 * checkpoint had been read).
 */
class NullArgumentTest {

    @TempDir
    Path dir;

    private static String refused(Executable call) {
        return assertThrows(IllegalArgumentException.class, call).getMessage();
    }

    @Test
    void everyLayerRefusesANullInputNamingItself() {
        DataType f = DataType.FLOAT;
        List<Module> layers = List.of(
                new Dense(2, 3, f, 1),
                Conv2d.builder(1, 2, 3).build(),
                Pool2d.max(2),
                new GlobalAvgPool2d(),
                new Flatten(),
                new BatchNorm(3, f),
                new LayerNorm(3, f),
                new RmsNorm(3, 1e-8, f),
                new Dropout(0.5, 1),
                ActivationLayer.of("relu"),
                new Sequential(new Dense(2, 3, f, 1)));
        List<String> names = List.of(
                "Dense[2->3]",
                "Conv2d[1->2, 3x3]",
                "MaxPool2d[2x2]",
                "GlobalAvgPool2d",
                "Flatten",
                "BatchNorm[3]",
                "LayerNorm[3]",
                "RmsNorm[3]",
                "Dropout[0.5]",
                "ActivationLayer[relu]",
                "Sequential");
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i);
            assertEquals(
                    names.get(i) + ": input must not be null, expected a batch tensor",
                    refused(() -> m.forward(null)),
                    m.toString());
        }
        Dense d = new Dense(2, 3, f, 1);
        assertEquals(
                "Dense[2->3]: activation must not be null (Activations.IDENTITY for none)",
                refused(() -> d.forward(Tensor.constant(Nd4j.ones(f, 4, 2)), null)));
        assertEquals("Dense[2->3]: the input shape must not be null", refused(() -> d.requirePredictionFits(null, 4)));
        assertEquals(
                "Conv2d[1->2, 3x3]: the input shape must not be null",
                refused(() -> Conv2d.builder(1, 2, 3).build().outputShape(null)));
        assertEquals(
                "MaxPool2d[2x2]: the input shape must not be null",
                refused(() -> Pool2d.max(2).outputShape(null)));
    }

    @Test
    void nullModulesPathsTrainersAndFormsAreNamed() {
        Dense d = new Dense(2, 3, DataType.FLOAT, 1);
        assertEquals("Modules.copyState: target must not be null", refused(() -> Modules.copyState(d, null)));
        assertEquals("Modules.copyState: source must not be null", refused(() -> Modules.copyState(null, d)));
        assertEquals("model file: the path must not be null", refused(() -> ModelFile.load(null)));
        assertEquals("checkpoint file: the path must not be null", refused(() -> Checkpoint.load(null)));
        assertEquals(
                "Checkpointing.resume: trainer must not be null",
                refused(() -> Checkpointing.resume(null, dir.resolve("c.ckpt"))));
        assertEquals(
                "Momentum: form must not be null, expected one of [HEAVY_BALL, FRICTION, CONVEX]",
                refused(() -> Optimizers.momentum().form(null)));
        assertEquals(
                "History.add: the epoch record must not be null",
                refused(() -> new org.myelin.train.History().add(null)));
        assertEquals(
                "History.truncate: the epochs to keep must be >= 0, was -1",
                refused(() -> new org.myelin.train.History().truncate(-1)));
        assertEquals(
                "history: expected a list of epochs, was null", refused(() -> org.myelin.train.History.fromMaps(null)));
        assertEquals(
                "RunIdentity.putData: data set must not be null",
                refused(() -> new org.myelin.train.RunIdentity().putData("train", null)));
        assertEquals(
                "Npy.write: array must not be null",
                refused(() -> org.myelin.io.Npy.write(null, new java.io.ByteArrayOutputStream())));
    }
}
