package org.myelin.nn;

import org.myelin.Preconditions;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model frozen for predictions: a private copy of its layers and of every parameter and buffer value, taken once,
 * in evaluation mode. Later training or changes of the model are not seen (freeze it again to see them), as with an
 * exported model; in exchange, the copy's weights never change, so they can be prepared once for the fastest product
 * the machine has.
 *
 * <p>Where the CPU has AMX tile units (Intel Xeon from Sapphire Rapids on) and the native kernels are active, each
 * float32 dense layer's weights are split into three bfloat16 pieces and packed as tiles when the model is frozen
 * ({@code org.myelin.kernel.PackedWeights}); a prediction then splits only its input rows and runs six piece
 * products per product, summed in float32: float32 accuracy (tested against float64: no worse than the BLAS's
 * float32 product), not the BLAS's bits. Everywhere else, and for batches under 32 rows, a frozen model predicts
 * exactly as {@link Module#forward} under {@link Autograd#noGrad()} does. {@code -Dmyelin.amx=off} turns the tile
 * products off.
 *
 * <p>The copy costs the model's memory again, plus 1.5 times its packed float32 dense weights.
 */
public final class FrozenModel {
    private final Module copy;
    private final int denseLayers;
    private final int packedLayers;

    private FrozenModel(Module copy, int denseLayers, int packedLayers) {
        this.copy = copy;
        this.denseLayers = denseLayers;
        this.packedLayers = packedLayers;
    }

    /**
     * Freezes {@code model}: copies it (through its config and {@link Modules#copyState}) and packs the copy's dense
     * weights where the machine allows.
     *
     * @throws IllegalArgumentException for a null model, or a model whose config does not rebuild it
     */
    public static FrozenModel of(Module model) {
        Preconditions.requireNonNull("FrozenModel.of", "model", model);
        Module copy = Modules.fromConfig(model.config());
        Modules.copyState(model, copy);
        copy.eval();
        int[] counts = new int[2];
        freeze(copy, counts);
        return new FrozenModel(copy, counts[0], counts[1]);
    }

    private static void freeze(Module m, int[] counts) {
        if (m instanceof Dense d) {
            d.freeze();
            counts[0]++;
            counts[1] += d.isPacked() ? 1 : 0;
        }
        for (Module child : m.children().values()) {
            freeze(child, counts);
        }
    }

    /**
     * The model's output for {@code input} ({@code [batch, ...]}, as {@link Module#forward} takes it), computed without
     * recording gradients, in evaluation mode.
     *
     * @throws IllegalArgumentException for a null input, or one the model refuses (its shape or data type)
     */
    public INDArray predict(INDArray input) {
        Preconditions.requireNonNull("FrozenModel.predict", "input", input);
        try (var scope = Autograd.noGrad()) {
            return copy.forward(Tensor.constant(input)).value();
        }
    }

    /** How many dense layers the model has. */
    public int denseLayers() {
        return denseLayers;
    }

    /** How many of them multiply on AMX tile units (0 on machines without them, or with {@code myelin.amx=off}). */
    public int packedLayers() {
        return packedLayers;
    }
}
