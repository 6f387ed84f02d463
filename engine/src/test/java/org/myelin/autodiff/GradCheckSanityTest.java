package org.myelin.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The checker itself: it passes a correct backward and catches wrong ones by a wide margin. */
class GradCheckSanityTest {

    /** {@code x^2} elementwise with a chosen (possibly wrong) backward. */
    private static final class Square extends Op {
        enum Backward {
            CORRECT,
            MISSING_FACTOR_TWO,
            IGNORES_UPSTREAM,
            WRONG_SIGN_AT_ONE_ELEMENT
        }

        private final Backward mode;
        private INDArray x;

        Square(Backward mode) {
            this.mode = mode;
        }

        @Override
        protected INDArray forward(INDArray... in) {
            x = in[0];
            return x.mul(x);
        }

        @Override
        protected INDArray[] backward(INDArray gradOut) {
            INDArray g = switch (mode) {
                case CORRECT -> x.mul(2).muli(gradOut);
                case MISSING_FACTOR_TWO -> x.mul(gradOut);
                case IGNORES_UPSTREAM -> x.mul(2);
                case WRONG_SIGN_AT_ONE_ELEMENT -> {
                    INDArray r = x.mul(2).muli(gradOut);
                    r.putScalar(3, -r.getDouble(3));
                    yield r;
                }
            };
            return new INDArray[] {g};
        }
    }

    private static final INDArray X = Nd4j.create(new double[] {0.5, -1.2, 2.0, 0.7, -0.3, 1.1}, new long[] {2, 3});

    private static GradCheck.Result check(Square.Backward mode) {
        return GradCheck.check(t -> Autograd.apply(new Square(mode), t), X);
    }

    @Test
    void correctBackwardPasses() {
        GradCheck.Result r = GradCheckLedger.record("Square (test op)", check(Square.Backward.CORRECT));
        assertTrue(r.passed(GradCheckLedger.TOLERANCE), r.toString());
        assertEquals(6, r.checked());
    }

    @Test
    void derivativeMissingAFactorIsDetected() {
        GradCheck.Result r = check(Square.Backward.MISSING_FACTOR_TWO);
        assertFalse(r.passed(GradCheckLedger.TOLERANCE));
        assertEquals(0.5, r.worstError(), 1e-6, r.toString());
    }

    @Test
    void backwardIgnoringTheUpstreamGradientIsDetected() {
        GradCheck.Result r = check(Square.Backward.IGNORES_UPSTREAM);
        assertTrue(r.worstError() > 0.1, r.toString());
    }

    @Test
    void wrongSignAtASingleElementIsDetectedAtThatElement() {
        GradCheck.Result r = check(Square.Backward.WRONG_SIGN_AT_ONE_ELEMENT);
        assertEquals(2.0, r.worstError(), 1e-6, r.toString());
        assertEquals(0, r.input());
        assertEquals(3, r.index());
        assertEquals(-r.numeric(), r.analytic(), 1e-6);
    }

    @Test
    void numericGradientIsAccurate() {
        // d/dx sum(x^2 (.) R) = 2 x R; for a one-element input the upstream is 1.
        GradCheck.Result r =
                GradCheck.check(t -> Autograd.apply(new Square(Square.Backward.CORRECT), t), Nd4j.scalar(1.5));
        assertEquals(3.0, r.numeric(), 1e-9);
        assertEquals(3.0, r.analytic(), 0.0);
    }

    @Test
    void inputsAreNotModified() {
        INDArray copy = X.dup();
        check(Square.Backward.CORRECT);
        assertEquals(copy, X);
    }

    @Test
    void float32InputIsRejectedNamingTheType() {
        INDArray f32 = X.castTo(DataType.FLOAT);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> GradCheck.check(t -> Autograd.apply(new Square(Square.Backward.CORRECT), t), f32));
        assertTrue(e.getMessage().contains("FLOAT") && e.getMessage().contains("float64"), e.getMessage());
    }

    @Test
    void nonPositiveStepIsRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> GradCheck.check(t -> Autograd.apply(new Square(Square.Backward.CORRECT), t), 0.0, 1L, X));
        assertTrue(e.getMessage().contains("step"), e.getMessage());
    }
}
