package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.AmxProducts;
import org.myelin.kernels.NativeKernels;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link FrozenModel}: a snapshot (later changes of the model are not seen), in evaluation mode, predicting what
 * {@link Module#forward} does under no-grad: to float32 rounding where its dense weights are on AMX, bit for bit
 * where they are not (machines without AMX, {@code myelin.amx=off}, small batches).
 */
class FrozenModelTest {

    @AfterEach
    void restoreAmxSetting() {
        if (NativeKernels.available()) {
            NativeKernels.amxConfigure(1);
        }
    }

    private static INDArray input(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, shape);
    }

    private static INDArray forward(Module model, INDArray x) {
        try (var scope = Autograd.noGrad()) {
            return model.forward(Tensor.constant(x)).value();
        }
    }

    /** Largest |a - b| over the largest |b|. */
    private static double relative(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / b.amaxNumber().doubleValue();
    }

    @Test
    void predictsWhatForwardDoesToFloat32Rounding() {
        Sequential mlp = Models.mlp(DataType.FLOAT, 7, Activations.RELU, Inits.heNormal(), 784, 512, 256, 10);
        FrozenModel frozen = FrozenModel.of(mlp);
        assertEquals(3, frozen.denseLayers());
        // The 256 -> 10 output layer is too thin for tiles.
        assertEquals(AmxProducts.active() ? 2 : 0, frozen.packedLayers());
        INDArray x = input(1, 128, 784);
        double diff = relative(frozen.predict(x), forward(mlp, x));
        assertTrue(diff < 1e-5, "relative difference " + diff);
    }

    @Test
    void convolutionalModelsFreezeToo() {
        Sequential lenet = Models.lenet5(DataType.FLOAT, 3, 1, 28, 28, 10);
        FrozenModel frozen = FrozenModel.of(lenet);
        assertEquals(3, frozen.denseLayers());
        assertEquals(AmxProducts.active() ? 2 : 0, frozen.packedLayers()); // 400 -> 120 and 120 -> 84
        INDArray x = input(2, 64, 1, 28, 28);
        double diff = relative(frozen.predict(x), forward(lenet, x));
        assertTrue(diff < 1e-5, "relative difference " + diff);
    }

    @Test
    void laterChangesOfTheModelAreNotSeen() {
        Sequential mlp = Models.mlp(DataType.FLOAT, 8, Activations.TANH, Inits.xavierUniform(), 100, 96, 10);
        FrozenModel frozen = FrozenModel.of(mlp);
        INDArray x = input(3, 40, 100);
        float[] before = frozen.predict(x).data().asFloat();
        mlp.namedParameters().values().forEach(p -> p.value().muli(-3));
        assertArrayEquals(before, frozen.predict(x).data().asFloat());
        double diff = relative(FrozenModel.of(mlp).predict(x), forward(mlp, x));
        assertTrue(diff < 1e-5, "a new freeze sees the change: relative difference " + diff);
    }

    @Test
    void smallBatchesAndModelsWithoutAmxPredictExactlyAsForward() {
        Sequential mlp = Models.mlp(DataType.FLOAT, 9, Activations.LOGISTIC, Inits.xavierUniform(), 200, 128, 64, 5);
        INDArray few = input(4, 31, 200);
        assertArrayEquals(
                forward(mlp, few).data().asFloat(),
                FrozenModel.of(mlp).predict(few).data().asFloat());
        if (NativeKernels.available()) {
            NativeKernels.amxConfigure(0);
        }
        FrozenModel onBlas = FrozenModel.of(mlp);
        assertEquals(0, onBlas.packedLayers());
        INDArray many = input(5, 128, 200);
        assertArrayEquals(
                forward(mlp, many).data().asFloat(), onBlas.predict(many).data().asFloat());
    }

    @Test
    void predictsInEvaluationMode() {
        Sequential net = Models.mlpBuilder(120, 80, 3)
                .optDataType(DataType.FLOAT)
                .optSeed(10)
                .optBatchNorm(true)
                .optDropout(0.5)
                .build();
        net.train();
        FrozenModel frozen = FrozenModel.of(net);
        assertTrue(net.isTraining(), "freezing does not change the model's mode");
        INDArray x = input(6, 64, 120);
        net.eval();
        double diff = relative(frozen.predict(x), forward(net, x));
        assertTrue(diff < 1e-5, "relative difference " + diff);
    }

    @Test
    void refusesNullsAndWrongShapesWithTheModelsMessage() {
        assertThrows(IllegalArgumentException.class, () -> FrozenModel.of(null));
        FrozenModel frozen =
                FrozenModel.of(Models.mlp(DataType.FLOAT, 11, Activations.RELU, Inits.heNormal(), 70, 64, 4));
        assertThrows(IllegalArgumentException.class, () -> frozen.predict(null));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> frozen.predict(input(7, 40, 71)));
        assertTrue(e.getMessage().contains("70"), e.getMessage());
    }
}
