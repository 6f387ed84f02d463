package org.myelin.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.myelin.ops.Ops.add;
import static org.myelin.ops.Ops.matmul;
import static org.myelin.ops.Ops.mul;
import static org.myelin.ops.Ops.reciprocal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** The worked backprop examples of 001, through the public autodiff API. */
class NotesWorkedExamplesTest {

    @Test
    void reciprocalOfLinearMatchesLecture001() {
        // f = 1 / (w0 x0 + w1) at w0 = -2, x0 = 3, w1 = 4: f = 1/(-2) = -0.5.
        Tensor w0 = Tensor.parameter(Nd4j.scalar(-2.0).reshape(1, 1));
        Tensor x0 = Tensor.parameter(Nd4j.scalar(3.0).reshape(1, 1));
        Tensor w1 = Tensor.parameter(Nd4j.scalar(4.0).reshape(1, 1));
        Tensor f = reciprocal(add(matmul(w0, x0), w1));
        assertEquals(-0.5, f.item(), 1e-15);
        f.backward();
        assertEquals(-0.75, w0.grad().getDouble(0), 1e-15);
        assertEquals(0.5, x0.grad().getDouble(0), 1e-15);
        assertEquals(-0.25, w1.grad().getDouble(0), 1e-15);
    }

    @Test
    void sumRuleAddsBothPathsOfLecture001() {
        // y = 2 a1 + a2 with a1 = 3x and a2 = -x: dy/dx = 2*3 + (-1) = 5.
        Tensor x = Tensor.parameter(Nd4j.scalar(0.7));
        Tensor a1 = mul(Tensor.scalar(3.0), x);
        Tensor a2 = mul(Tensor.scalar(-1.0), x);
        Tensor y = add(mul(Tensor.scalar(2.0), a1), a2);
        y.backward();
        assertEquals(5.0, x.grad().getDouble(0), 1e-15);
    }
}
