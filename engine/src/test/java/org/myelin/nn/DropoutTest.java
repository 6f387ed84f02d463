package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DropoutTest {

    @Test
    void evalModeIsTheIdentity() {
        Dropout d = new Dropout(0.5, 1);
        d.eval();
        Tensor x = Tensor.constant(Nd4j.rand(DataType.DOUBLE, 4, 6));
        assertSame(x, d.forward(x));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5, 0.8})
    void dropoutScalesKeptUnitsByInverseKeep(double rate) {
        Dropout d = new Dropout(rate, 7);
        INDArray y =
                d.forward(Tensor.constant(Nd4j.ones(DataType.DOUBLE, 200, 100))).value();
        double keep = 1 - rate;
        INDArray kept = y.gt(0.0).castTo(DataType.DOUBLE);
        // Every unit is 0 or exactly 1/keep.
        assertEquals(0.0, y.sub(kept.mul(1 / keep)).amaxNumber().doubleValue(), 1e-12);
        double n = y.length();
        assertEquals(keep, kept.meanNumber().doubleValue(), 6 * Math.sqrt(keep * (1 - keep) / n));
    }

    @Test
    void backwardPassesGradientOnlyThroughKeptUnits() {
        Dropout d = new Dropout(0.5, 3);
        Tensor x = Tensor.parameter(Nd4j.ones(DataType.DOUBLE, 10, 10));
        Tensor y = d.forward(x);
        Ops.sum(y).backward();
        // With X = 1, Y is the scaled mask, and so is dL/dX for L = sum(Y).
        assertEquals(y.value(), x.grad());
    }

    @Test
    void sameSeedGivesSameMasksAndReseedRestartsTheStream() {
        Tensor x = Tensor.constant(Nd4j.ones(DataType.FLOAT, 8, 8));
        Dropout a = new Dropout(0.5, 11);
        Dropout b = new Dropout(0.5, 11);
        INDArray first = a.forward(x).value();
        assertEquals(first, b.forward(x).value());
        INDArray second = a.forward(x).value();
        assertNotEquals(first, second, "consecutive masks must differ");
        a.reseed(11);
        assertEquals(first, a.forward(x).value());
        assertNotEquals(first, new Dropout(0.5, 12).forward(x).value());
    }

    @Test
    void rateZeroIsTheIdentityInTraining() {
        Tensor x = Tensor.constant(Nd4j.rand(DataType.FLOAT, 3, 3));
        assertSame(x, new Dropout(0.0, 1).forward(x));
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.0, Double.NaN})
    void rateOutsideZeroOneIsRejected(double rate) {
        assertEquals(
                "Dropout: rate must be in [0, 1), was " + rate,
                assertThrows(IllegalArgumentException.class, () -> new Dropout(rate, 0))
                        .getMessage());
    }

    @Test
    void configHoldsTheRate() {
        assertEquals("{type=dropout, rate=0.3}", new Dropout(0.3, 5).config().toString());
        assertTrue(Modules.fromConfig(new Dropout(0.3, 5).config()) instanceof Dropout);
    }
}
