package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.ops.TestArrays.assertClose;
import static org.myelin.ops.TestArrays.gaussian;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Inverted dropout (CS 489 §12.1, MIT 6.390 §6.8.2; see docs/notes.md): kept units scaled by 1/keep, the forward mask reused backward. */
class DropoutTest {

    private static final int ROWS = 200;
    private static final int COLS = 50;

    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    @ParameterizedTest(name = "rate {0}")
    @ValueSource(doubles = {0.1, 0.25, 0.5, 0.8})
    void dropoutScalesKeptUnitsByInverseKeep(double rate) {
        double keep = 1 - rate;
        Tensor x = Tensor.constant(Nd4j.ones(DataType.DOUBLE, ROWS, COLS));
        INDArray y = Ops.dropout(x, rate, rng(5)).value();
        long kept = y.neq(0.0).castTo(DataType.DOUBLE).sumNumber().longValue();
        long scaled = y.eq(1.0 / keep).castTo(DataType.DOUBLE).sumNumber().longValue();
        assertEquals(kept, scaled, "every kept unit is exactly 1/keep");
        // Kept fraction and output mean within 5 standard deviations of keep and 1 (the input's mean).
        long n = (long) ROWS * COLS;
        double sdFraction = Math.sqrt(keep * rate / n);
        assertEquals(keep, (double) kept / n, 5 * sdFraction, "fraction kept");
        assertEquals(1.0, y.meanNumber().doubleValue(), 5 * sdFraction / keep, "mean preserved");
    }

    @Test
    void backwardReusesTheForwardMask() {
        DropoutOp op = new DropoutOp(0.4, rng(9));
        INDArray xv = gaussian(1, 6, 7);
        Tensor x = Tensor.parameter(xv);
        Tensor y = Autograd.apply(op, x);
        INDArray mask = op.scaledMask().dup();
        assertTrue(mask.eq(0.0).castTo(DataType.DOUBLE).sumNumber().doubleValue() > 0, "some units dropped");
        assertClose(xv.mul(mask), y.value(), 0.0, "output is x times the scaled mask");
        INDArray gradOut = gaussian(2, 6, 7);
        y.backward(gradOut);
        assertClose(gradOut.mul(mask), x.grad(), 0.0, "gradient is gradOut times the same mask");
    }

    @Test
    void sameSeedGivesSameMaskAndOtherSeedsDiffer() {
        Tensor x = Tensor.constant(Nd4j.ones(DataType.DOUBLE, 20, 20));
        INDArray a = Ops.dropout(x, 0.5, rng(3)).value();
        INDArray b = Ops.dropout(x, 0.5, rng(3)).value();
        INDArray c = Ops.dropout(x, 0.5, rng(4)).value();
        assertClose(a, b, 0.0, "same seed");
        assertTrue(a.sub(c).amaxNumber().doubleValue() > 0, "a different seed gives a different mask");
    }

    @Test
    void successiveCallsOnOneStreamDrawNewMasks() {
        Random r = rng(3);
        Tensor x = Tensor.constant(Nd4j.ones(DataType.DOUBLE, 20, 20));
        INDArray a = Ops.dropout(x, 0.5, r).value();
        INDArray b = Ops.dropout(x, 0.5, r).value();
        assertTrue(a.sub(b).amaxNumber().doubleValue() > 0);
    }

    @Test
    void rateZeroIsTheIdentity() {
        INDArray xv = gaussian(4, 5, 5);
        Tensor x = Tensor.parameter(xv);
        Tensor y = Ops.dropout(x, 0.0, rng(1));
        assertClose(xv, y.value(), 0.0, "output");
        Ops.sum(y).backward();
        assertClose(Nd4j.ones(DataType.DOUBLE, 5, 5), x.grad(), 0.0, "gradient");
    }

    @Test
    void float32InputGivesFloat32MaskAndOutput() {
        DropoutOp op = new DropoutOp(0.5, rng(2));
        Tensor y = Autograd.apply(op, Tensor.parameter(Nd4j.ones(DataType.FLOAT, 4, 4)));
        assertEquals(DataType.FLOAT, y.dataType());
        assertEquals(DataType.FLOAT, op.scaledMask().dataType());
    }
}
