package org.myelin.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.ops.Ops.add;
import static org.myelin.ops.Ops.exp;
import static org.myelin.ops.Ops.mul;
import static org.myelin.ops.Ops.sum;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The engine's contract: recording, the backward walk, the sum rule, release, no-grad and the errors. */
class AutogradBehaviourTest {

    private static INDArray vec(double... v) {
        return Nd4j.create(v, new long[] {1, v.length}, 'c');
    }

    private static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    /** A test op {@code y = 3x} that counts releases, remembers which gradients it was asked for, and can
     *  return a wrongly shaped or counted gradient. */
    private static final class Probe extends Op {
        enum Fault {
            NONE,
            WRONG_SHAPE,
            WRONG_COUNT
        }

        private final Fault fault;
        int releases;
        boolean[] wanted;
        INDArray saved;

        Probe(Fault fault) {
            this.fault = fault;
        }

        @Override
        protected INDArray forward(INDArray... in) {
            wanted = new boolean[in.length];
            for (int i = 0; i < in.length; i++) {
                wanted[i] = needsGrad(i);
            }
            saved = in[0];
            return in[0].mul(3);
        }

        @Override
        protected INDArray[] backward(INDArray gradOut) {
            INDArray[] g = new INDArray[wanted.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = needsGrad(i) ? gradOut.mul(i == 0 ? 3 : 0) : null;
            }
            return switch (fault) {
                case NONE -> g;
                case WRONG_SHAPE -> new INDArray[] {Nd4j.zeros(DataType.DOUBLE, 7)};
                case WRONG_COUNT -> new INDArray[] {g[0], g[0]};
            };
        }

        @Override
        protected void release() {
            releases++;
            saved = null;
        }
    }

    @Test
    void backwardFromNonScalarWithoutSeedThrowsIllegalState() {
        Tensor x = Tensor.parameter(Nd4j.rand(DataType.DOUBLE, 2, 3));
        Tensor y = mul(x, x);
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertMessage(e, "not a scalar", "[2, 3]", "backward(gradOut)");
    }

    @Test
    void backwardSeedOfWrongShapeOrTypeIsRejected() {
        Tensor x = Tensor.parameter(Nd4j.rand(DataType.DOUBLE, 2, 3));
        IllegalArgumentException shape = assertThrows(
                IllegalArgumentException.class, () -> mul(x, x).backward(Nd4j.ones(DataType.DOUBLE, 3, 2)));
        assertMessage(shape, "[3, 2]", "[2, 3]");
        IllegalArgumentException type =
                assertThrows(IllegalArgumentException.class, () -> mul(x, x).backward(Nd4j.ones(DataType.FLOAT, 2, 3)));
        assertMessage(type, "FLOAT", "DOUBLE");
    }

    @Test
    void backwardFromTensorThatNeedsNoGradientFailsClearly() {
        Tensor c = Tensor.constant(vec(1, 2));
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> sum(mul(c, c)).backward());
        assertMessage(e, "does not require a gradient");
    }

    @Test
    void inputsOfDifferentDataTypesAreRejectedNamingBoth() {
        Tensor x = Tensor.parameter(vec(1, 2));
        Tensor f = Tensor.constant(vec(1, 2).castTo(DataType.FLOAT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> add(x, f));
        assertMessage(e, "Add", "DOUBLE", "FLOAT");
    }

    @Test
    void nullInputIsRejectedNamingTheOp() {
        Tensor x = Tensor.parameter(vec(1, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mul(x, null));
        assertMessage(e, "Mul", "input 1");
    }

    @Test
    void noGradRecordsNoGraphAndBackwardThenFails() {
        Tensor x = Tensor.parameter(vec(1, 2));
        Tensor y;
        try (Autograd.NoGradScope scope = Autograd.noGrad()) {
            assertFalse(Autograd.isRecording());
            y = sum(mul(x, x));
        }
        assertTrue(Autograd.isRecording());
        assertFalse(y.requiresGrad());
        assertNull(y.opName());
        assertEquals(5.0, y.item(), 0.0);
        assertThrows(IllegalStateException.class, y::backward);
        assertNull(x.grad());
    }

    @Test
    void noGradScopesNestAndClosingTwiceCountsOnce() {
        Autograd.NoGradScope outer = Autograd.noGrad();
        Autograd.NoGradScope inner = Autograd.noGrad();
        inner.close();
        inner.close();
        assertFalse(Autograd.isRecording(), "the outer scope is still open");
        outer.close();
        assertTrue(Autograd.isRecording());
    }

    @Test
    void opsOnConstantsOnlyRecordNothing() {
        Tensor c = Tensor.constant(vec(1, 2));
        Tensor y = mul(c, c);
        assertFalse(y.requiresGrad());
        assertNull(y.opName());
        assertTrue(y.isLeaf());
    }

    @Test
    void opIsAskedOnlyForTheGradientsThatAreNeeded() {
        Probe probe = new Probe(Probe.Fault.NONE);
        Tensor x = Tensor.parameter(vec(1, 2));
        Tensor c = Tensor.constant(vec(5, 6));
        Tensor y = Autograd.apply(probe, x, c);
        assertArrayEquals(new boolean[] {true, false}, probe.wanted);
        sum(y).backward();
        assertEquals(vec(3, 3), x.grad());
        assertNull(c.grad(), "constants receive no gradient");
    }

    @Test
    void detachStopsGradientFlow() {
        Tensor x = Tensor.parameter(vec(2, 3));
        Tensor y = mul(x, x);
        Tensor d = y.detach();
        assertFalse(d.requiresGrad());
        assertTrue(d.isLeaf());
        // z = sum(detach(x^2) (.) x): dz/dx = x^2 only, the path through y is cut.
        sum(mul(d, x)).backward();
        assertEquals(vec(4, 9), x.grad());
    }

    @Test
    void secondBackwardThroughAReleasedGraphFailsClearly() {
        Tensor x = Tensor.parameter(vec(2, 3));
        Tensor h = mul(x, x);
        Tensor loss = sum(h);
        loss.backward();
        IllegalStateException again = assertThrows(IllegalStateException.class, loss::backward);
        assertMessage(again, "released", "forward pass again");
        assertNull(loss.opName());
        // An intermediate of the released graph cannot be reused either.
        IllegalStateException reuse = assertThrows(IllegalStateException.class, () -> sum(h).backward());
        assertMessage(reuse, "released");
    }

    @Test
    void opsDropSavedArraysWhenTheGraphIsReleased() {
        Probe probe = new Probe(Probe.Fault.NONE);
        Tensor x = Tensor.parameter(vec(1, 2));
        Tensor loss = sum(Autograd.apply(probe, x));
        assertNotNull(probe.saved);
        loss.backward();
        assertEquals(1, probe.releases);
        assertNull(probe.saved);
    }

    @Test
    void opsUnderNoGradAreReleasedAtOnce() {
        Probe probe = new Probe(Probe.Fault.NONE);
        try (Autograd.NoGradScope scope = Autograd.noGrad()) {
            Autograd.apply(probe, Tensor.parameter(vec(1, 2)));
        }
        assertEquals(1, probe.releases);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroGrad() {
        Tensor x = Tensor.parameter(vec(1, 2));
        Tensor three = Tensor.constant(vec(3, 3));
        sum(mul(x, three)).backward();
        assertEquals(vec(3, 3), x.grad());
        sum(mul(x, three)).backward();
        assertEquals(vec(6, 6), x.grad());
        x.zeroGrad();
        assertNull(x.grad());
        sum(mul(x, three)).backward();
        assertEquals(vec(3, 3), x.grad());
    }

    @Test
    void sameTensorTwiceInOneOpGetsBothContributions() {
        Tensor x = Tensor.parameter(vec(1.5, -2));
        sum(mul(x, x)).backward();
        assertEquals(vec(3, -4), x.grad());
        x.zeroGrad();
        // Add hands the same gradient array back for both operands; accumulating must not alias it.
        sum(add(x, x)).backward();
        assertEquals(vec(2, 2), x.grad());
    }

    @Test
    void sumRuleAddsTheGradientsOfEveryUse() {
        INDArray v = vec(0.5, -1, 2);
        Tensor x = Tensor.parameter(v);
        // y = x^2 + e^x + x: dy/dx = 2x + e^x + 1.
        sum(add(add(mul(x, x), exp(x)), x)).backward();
        assertEquals(v.mul(2).addi(Transforms.exp(v, true)).addi(1), x.grad());
    }

    @Test
    void sumRuleThroughASharedIntermediate() {
        INDArray v = vec(0.5, -1, 2);
        Tensor x = Tensor.parameter(v);
        Tensor c = Tensor.constant(vec(2, 3, 4));
        Tensor h = mul(x, c);
        // y = h + h^2 with h = c x: dy/dx = (1 + 2h) c, h's gradient summed before it flows to x.
        sum(add(h, mul(h, h))).backward();
        INDArray hv = v.mul(vec(2, 3, 4));
        assertEquals(hv.mul(2).addi(1).muli(vec(2, 3, 4)), x.grad());
    }

    @Test
    void backwardFromALeafSeedsItsOwnGradient() {
        Tensor x = Tensor.parameter(Nd4j.scalar(4.0));
        x.backward();
        assertEquals(1.0, x.grad().getDouble(0), 0.0);
    }

    @Test
    void deepChainOfTwentyThousandOpsDoesNotOverflowTheStack() {
        Tensor x = Tensor.parameter(Nd4j.scalar(1.0));
        Tensor c = Tensor.scalar(0.5);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = add(y, c);
        }
        assertEquals(10_001.0, y.item(), 0.0);
        y.backward();
        assertEquals(1.0, x.grad().getDouble(0), 0.0);
    }

    @Test
    void zeroUpstreamGivesZeroGradients() {
        Tensor x = Tensor.parameter(vec(0.5, -1, 2));
        Tensor y = mul(exp(x), x);
        y.backward(Nd4j.zeros(DataType.DOUBLE, 1, 3));
        assertEquals(Nd4j.zeros(DataType.DOUBLE, 1, 3), x.grad());
    }

    @Test
    void backwardRunsOnFreshForwardsAgree() {
        INDArray v = vec(0.5, -1, 2);
        INDArray seed = vec(0.3, -0.7, 1.1);
        Tensor a = Tensor.parameter(v.dup());
        mul(exp(a), a).backward(seed);
        Tensor b = Tensor.parameter(v.dup());
        mul(exp(b), b).backward(seed);
        assertEquals(a.grad(), b.grad());
    }

    @Test
    void backwardDoesNotModifyTheSeed() {
        INDArray seed = vec(0.3, -0.7, 1.1);
        INDArray copy = seed.dup();
        Tensor x = Tensor.parameter(vec(0.5, -1, 2));
        mul(x, x).backward(seed);
        assertEquals(copy, seed);
        x.grad().addi(1);
        assertEquals(copy, seed, "the leaf's gradient is not the caller's seed array");
    }

    @Test
    void gradientOfWrongShapeFromAnOpIsReportedWithTheOpName() {
        Tensor x = Tensor.parameter(vec(1, 2));
        Tensor y = sum(Autograd.apply(new Probe(Probe.Fault.WRONG_SHAPE), x));
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertMessage(e, "Probe", "[7]", "[1, 2]");
    }

    @Test
    void wrongNumberOfGradientsFromAnOpIsReportedWithTheOpName() {
        Tensor x = Tensor.parameter(vec(1, 2));
        Tensor y = sum(Autograd.apply(new Probe(Probe.Fault.WRONG_COUNT), x));
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertMessage(e, "Probe", "2 gradients", "1 inputs");
    }

    @Test
    void itemOfANonScalarAndSetGradOfTheWrongShapeAreRejected() {
        Tensor x = Tensor.parameter(vec(1, 2));
        assertMessage(assertThrows(IllegalStateException.class, x::item), "[1, 2]");
        assertMessage(
                assertThrows(IllegalArgumentException.class, () -> x.setGrad(Nd4j.zeros(DataType.DOUBLE, 2, 1))),
                "[2, 1]",
                "[1, 2]");
    }
}
