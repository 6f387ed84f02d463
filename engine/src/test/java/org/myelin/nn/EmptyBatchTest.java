package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.train.LossFunction;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An empty batch is refused with the layer's or loss's name: it failed inside ND4J ("C array should NOT be a view",
 * "Length must be >= 1") or, for a loss, returned NaN.
 */
class EmptyBatchTest {

    @Test
    void layersAndLossesRefuseAnEmptyBatch() {
        Dense dense = new Dense(3, 2, DataType.FLOAT, 1);
        Tensor empty = Tensor.constant(Nd4j.create(DataType.FLOAT, 0, 3));
        assertEquals(
                "Dense[3->2]: input has shape [0, 3], expected at least 1 sample",
                assertThrows(IllegalArgumentException.class, () -> dense.forward(empty))
                        .getMessage());
        Sequential model = Models.mlpBuilder(3, 4, 2).build();
        try (var scope = Autograd.noGrad()) {
            assertEquals(
                    "Dense[3->4]: input has shape [0, 3], expected at least 1 sample",
                    assertThrows(IllegalArgumentException.class, () -> model.forward(empty))
                            .getMessage());
        }
        Tensor none = Tensor.constant(Nd4j.create(DataType.FLOAT, 0, 3));
        assertEquals(
                "softmax_cross_entropy: prediction has shape [0, 3], expected at least 1 row",
                assertThrows(IllegalArgumentException.class, () -> LossFunction.SOFTMAX_CROSS_ENTROPY.apply(none, none))
                        .getMessage());
    }
}
