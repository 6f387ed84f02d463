package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.GradCheck;
import org.myelin.autodiff.GradCheckLedger;
import org.myelin.autodiff.Op;
import org.myelin.autodiff.OpHarness;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-op checks over every case of {@link OpCases}: the gradient matches float64 central differences, zero
 * upstream gives zero gradients, two runs agree, inputs and {@code gradOut} are left untouched, and the op
 * drops its saved arrays when the graph is released.
 */
@ExtendWith(GradCheckLedger.class)
class OpGradientTest {

    /** Small results an op exposes after the pass (not arrays saved for backward). */
    private static final Set<String> RESULTS_KEPT_AFTER_RELEASE =
            Set.of("BatchNormOp.batchMean", "BatchNormOp.batchVariance");

    static Stream<OpCase> cases() {
        return OpCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gradientMatchesCentralDifferences(OpCase c) {
        if (!c.zeroGradient()) {
            GradCheckLedger.assertGradientsMatch(c.name(), c.function(), c.checkedInputs());
            return;
        }
        // Derivative 0 wherever it exists: the numeric gradient is exactly 0 away from the jumps, and so must
        // backward's be.
        GradCheck.Result r = GradCheckLedger.record(c.name(), GradCheck.check(c.function(), c.checkedInputs()));
        assertEquals(0.0, r.worstError(), c.name() + ": " + r);
        for (INDArray g : GradCheckLedger.analyticGradients(c.function(), c.checkedInputs())) {
            assertNotNull(g);
            assertEquals(0.0, g.norm1Number().doubleValue(), c.name() + ": gradient is exactly zero");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void zeroUpstreamGivesZeroGradients(OpCase c) {
        Tensor[] params = parameters(c);
        Tensor out = Autograd.apply(c.op().get(), c.tensors(params));
        out.backward(out.value().ulike());
        for (Tensor p : params) {
            assertNotNull(p.grad(), c.name());
            assertEquals(0.0, p.grad().norm1Number().doubleValue(), c.name());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twoBackwardRunsOnFreshForwardsAgree(OpCase c) {
        INDArray[] first = GradCheckLedger.analyticGradients(c.function(), c.checkedInputs());
        INDArray[] second = GradCheckLedger.analyticGradients(c.function(), c.checkedInputs());
        for (int i = 0; i < first.length; i++) {
            TestArrays.assertClose(first[i], second[i], 0.0, c.name() + ": gradient of input " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardAndBackwardLeaveInputsUntouched(OpCase c) {
        INDArray[] copies = copies(c.inputs());
        Tensor[] params = parameters(c);
        Tensor out = Autograd.apply(c.op().get(), c.tensors(params));
        INDArray outCopy = out.value().dup();
        out.backward(seed(out.value()));
        for (int i = 0; i < copies.length; i++) {
            TestArrays.assertClose(copies[i], c.inputs()[i], 0.0, c.name() + ": input " + i + " changed");
        }
        TestArrays.assertClose(outCopy, out.value(), 0.0, c.name() + ": the output changed during backward");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardLeavesGradOutUntouched(OpCase c) {
        Op op = c.op().get();
        INDArray out = OpHarness.forward(op, c.differentiable(), copies(c.inputs()));
        INDArray gradOut = seed(out);
        INDArray gradOutCopy = gradOut.dup();
        INDArray[] grads = OpHarness.backward(op, gradOut);
        TestArrays.assertClose(gradOutCopy, gradOut, 0.0, c.name() + ": gradOut changed");
        assertEquals(c.inputs().length, grads.length, c.name());
        for (int i = 0; i < grads.length; i++) {
            if (c.differentiable()[i]) {
                assertArrayEquals(c.inputs()[i].shape(), grads[i].shape(), c.name() + ": gradient " + i + " shape");
            } else {
                assertNull(grads[i], c.name() + ": input " + i + " wants no gradient");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void savedArraysAreReleasedAfterBackward(OpCase c) throws IllegalAccessException {
        Op op = c.op().get();
        Tensor out = Autograd.apply(op, c.tensors(parameters(c)));
        out.backward(seed(out.value()));
        for (Class<?> k = op.getClass(); k != Op.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int m = f.getModifiers();
                if (Modifier.isStatic(m)
                        || Modifier.isFinal(m)
                        || f.getType().isPrimitive()
                        || f.getType() == long[].class) {
                    continue;
                }
                if (RESULTS_KEPT_AFTER_RELEASE.contains(k.getSimpleName() + "." + f.getName())) {
                    continue;
                }
                f.setAccessible(true);
                assertNull(
                        f.get(op),
                        c.name() + ": " + k.getSimpleName() + "." + f.getName()
                                + " is still held after backward released the graph");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void viewInputsGiveTheSameResultsAsContiguousOnes(OpCase c) {
        INDArray[] contiguous = copies(c.inputs());
        INDArray[] views = new INDArray[contiguous.length];
        for (int i = 0; i < views.length; i++) {
            views[i] = TestArrays.offsetView(contiguous[i]);
        }
        Tensor[] a = run(c, contiguous);
        Tensor[] b = run(c, views);
        TestArrays.assertClose(a[0].value(), b[0].value(), 1e-12, c.name() + ": output");
        for (int i = 1; i < a.length; i++) {
            if (c.differentiable()[i - 1]) {
                TestArrays.assertClose(a[i].grad(), b[i].grad(), 1e-12, c.name() + ": gradient of input " + (i - 1));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void float32InputsGiveFloat32ResultsCloseToFloat64(OpCase c) {
        INDArray[] doubles = copies(c.inputs());
        INDArray[] floats = new INDArray[doubles.length];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = doubles[i].castTo(DataType.FLOAT);
        }
        Tensor[] a = run(c, doubles);
        Tensor[] b = run(c, floats);
        assertEquals(DataType.FLOAT, b[0].dataType(), c.name() + ": output type");
        double scale = Math.max(1, a[0].value().amaxNumber().doubleValue());
        TestArrays.assertClose(a[0].value(), b[0].value(), 1e-4 * scale, c.name() + ": output");
        for (int i = 1; i < a.length; i++) {
            if (c.differentiable()[i - 1]) {
                assertEquals(DataType.FLOAT, b[i].grad().dataType(), c.name() + ": gradient type");
                double s = Math.max(1, a[i].grad().amaxNumber().doubleValue());
                TestArrays.assertClose(a[i].grad(), b[i].grad(), 1e-4 * s, c.name() + ": gradient of input " + (i - 1));
            }
        }
    }

    /** Output (element 0) and the input tensors with their gradients, after a seeded backward. */
    private static Tensor[] run(OpCase c, INDArray[] inputs) {
        Tensor[] t = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            t[i] = c.differentiable()[i] ? Tensor.parameter(inputs[i]) : Tensor.constant(inputs[i]);
        }
        Tensor out = Autograd.apply(c.op().get(), t);
        Tensor result = Tensor.constant(out.value().dup());
        out.backward(seed(out.value()).castTo(out.dataType()));
        Tensor[] all = new Tensor[inputs.length + 1];
        all[0] = result;
        System.arraycopy(t, 0, all, 1, t.length);
        return all;
    }

    private static Tensor[] parameters(OpCase c) {
        INDArray[] in = c.checkedInputs();
        Tensor[] p = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            p[i] = Tensor.parameter(in[i]);
        }
        return p;
    }

    private static INDArray[] copies(INDArray[] a) {
        INDArray[] out = new INDArray[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].dup();
        }
        return out;
    }

    private static INDArray seed(INDArray like) {
        return Nd4j.getRandomFactory()
                .getNewRandomInstance(3)
                .nextGaussian(like.shape())
                .castTo(like.dataType())
                .reshape(like.shape());
    }
}
