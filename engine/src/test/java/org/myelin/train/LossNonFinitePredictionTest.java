package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A loss over a NaN prediction is NaN, as in PyTorch, so that training diagnostics see it; over an infinite one it is
 * not finite either. The probability losses clamped NaN and +-infinity to a finite loss (ND4J's max(NaN, eps) is eps).
 */
class LossNonFinitePredictionTest {

    private static Tensor target(DataType type) {
        return Tensor.constant(Nd4j.createFromArray(new double[][] {{0, 1}, {1, 0}})
                .castTo(type));
    }

    /** Row 1 of the prediction stays finite, so that its gradient can be checked to stay finite. */
    private static INDArray prediction(DataType type, int column, double bad) {
        INDArray y =
                Nd4j.createFromArray(new double[][] {{0.3, 0.7}, {0.6, 0.4}}).castTo(type);
        y.putScalar(0, column, bad);
        return y;
    }

    @ParameterizedTest
    @EnumSource(LossFunction.class)
    void aNanPredictionGivesANanLossAndGradient(LossFunction f) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (int column = 0; column < 2; column++) { // where the target is 0, then where it is 1
                Tensor y = Tensor.parameter(prediction(type, column, Double.NaN));
                Tensor loss = f.apply(y, target(type));
                String what = f.id() + " " + type + " NaN at column " + column;
                assertTrue(Double.isNaN(loss.item()), what + ": loss " + loss.item());
                loss.backward();
                assertTrue(Double.isNaN(y.grad().getDouble(0, column)), what + ": gradient " + y.grad());
                assertFalse(y.grad().getRow(1).isNaN().any(), what + ": gradient of the finite row " + y.grad());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(LossFunction.class)
    void anInfinitePredictionGivesANonFiniteLoss(LossFunction f) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
                for (int column = 0; column < 2; column++) {
                    Tensor loss = f.apply(Tensor.constant(prediction(type, column, bad)), target(type));
                    assertFalse(
                            Double.isFinite(loss.item()),
                            f.id() + " " + type + " " + bad + " at column " + column + ": loss " + loss.item());
                }
            }
        }
    }
}
