package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.myelin.ops.TestArrays.assertClose;
import static org.myelin.ops.TestArrays.awayFromZero;
import static org.myelin.ops.TestArrays.binary;
import static org.myelin.ops.TestArrays.gaussian;
import static org.myelin.ops.TestArrays.oneHotRows;
import static org.myelin.ops.TestArrays.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward values of every op and loss against hand-computed numbers or plain-Java references written from
 * the notes' formulas (not from the ops' code).
 */
class ForwardValueTest {

    private static final INDArray A = Nd4j.create(new double[][] {{1, 2}, {3, 4}});
    private static final INDArray B = Nd4j.create(new double[][] {{5, 6}, {7, 8}});

    private static Tensor c(INDArray a) {
        return Tensor.constant(a);
    }

    private static INDArray m(double[][] v) {
        return Nd4j.create(v);
    }

    /** {@code f} applied entry by entry in Java. */
    static INDArray map(INDArray x, DoubleUnaryOperator f) {
        INDArray out = x.dup('c');
        INDArray flat = out.reshape(out.length());
        for (long i = 0; i < flat.length(); i++) {
            flat.putScalar(i, f.applyAsDouble(flat.getDouble(i)));
        }
        return out;
    }

    /** Sum over all entries of {@code f(y, t)}. */
    private static double total(INDArray y, INDArray t, DoubleBinaryOperator f) {
        double s = 0;
        for (long i = 0; i < y.length(); i++) {
            s += f.applyAsDouble(y.getDouble(i), t.getDouble(i));
        }
        return s;
    }

    private static double sigma(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** Row-wise softmax in Java. */
    static INDArray softmaxRows(INDArray z) {
        INDArray out = z.dup('c');
        for (int i = 0; i < z.size(0); i++) {
            double s = 0;
            for (int j = 0; j < z.size(1); j++) {
                s += Math.exp(z.getDouble(i, j));
            }
            for (int j = 0; j < z.size(1); j++) {
                out.putScalar(i, j, Math.exp(z.getDouble(i, j)) / s);
            }
        }
        return out;
    }

    private static void ref(List<Arguments> a, String name, Supplier<Tensor> actual, INDArray expected) {
        a.add(Arguments.of(name, actual, expected));
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        INDArray col = m(new double[][] {{10}, {20}});
        ref(a, "MatMul", () -> Ops.matmul(c(A), c(B)), m(new double[][] {{19, 22}, {43, 50}}));
        ref(a, "BiasAdd", () -> Ops.biasAdd(c(A), c(Nd4j.create(new double[] {10, 20}))), m(new double[][] {
            {11, 22}, {13, 24}
        }));
        ref(a, "Add column", () -> Ops.add(c(A), c(col)), m(new double[][] {{11, 12}, {23, 24}}));
        ref(a, "Sub column", () -> Ops.sub(c(A), c(col)), m(new double[][] {{-9, -8}, {-17, -16}}));
        ref(a, "Mul column", () -> Ops.mul(c(A), c(col)), m(new double[][] {{10, 20}, {60, 80}}));
        ref(a, "Div column", () -> Ops.div(c(A), c(col)), m(new double[][] {{0.1, 0.2}, {0.15, 0.2}}));
        ref(a, "Sub scalar from left", () -> Ops.sub(Tensor.scalar(1), c(A)), m(new double[][] {{0, -1}, {-2, -3}}));
        ref(a, "Div row", () -> Ops.div(c(A), c(m(new double[][] {{2, 4}}))), m(new double[][] {{0.5, 0.5}, {1.5, 1}}));
        INDArray g = gaussian(1, 3, 4);
        INDArray pos = uniform(2, 0.2, 3, 3, 4);
        ref(a, "Neg", () -> Ops.neg(c(g)), map(g, v -> -v));
        ref(a, "Reciprocal", () -> Ops.reciprocal(c(pos)), map(pos, v -> 1 / v));
        ref(a, "Pow 3", () -> Ops.pow(c(g), 3), map(g, v -> v * v * v));
        ref(a, "Pow -0.5", () -> Ops.pow(c(pos), -0.5), map(pos, v -> 1 / Math.sqrt(v)));
        ref(a, "Exp", () -> Ops.exp(c(g)), map(g, Math::exp));
        ref(a, "Log", () -> Ops.log(c(pos)), map(pos, Math::log));
        ref(a, "Sum all", () -> Ops.sum(c(A)), Nd4j.scalar(10.0));
        ref(a, "Sum axis 0", () -> Ops.sum(c(A), 0), m(new double[][] {{4, 6}}));
        ref(a, "Sum axis 1", () -> Ops.sum(c(A), 1), m(new double[][] {{3}, {7}}));
        ref(a, "Mean all", () -> Ops.mean(c(A)), Nd4j.scalar(2.5));
        ref(a, "Mean axis 0", () -> Ops.mean(c(A), 0), m(new double[][] {{2, 3}}));
        ref(a, "Mean axis 1", () -> Ops.mean(c(A), 1), m(new double[][] {{1.5}, {3.5}}));
        ref(a, "Reshape", () -> Ops.reshape(c(A), 1, 4), m(new double[][] {{1, 2, 3, 4}}));
        ref(a, "Reshape of a transposed view", () -> Ops.reshape(c(A.transpose()), 4), Nd4j.create(new double[] {
            1, 3, 2, 4
        }));
        ref(a, "Transpose", () -> Ops.transpose(c(A)), m(new double[][] {{1, 3}, {2, 4}}));

        INDArray z = awayFromZero(3, 0.1, 3, 4);
        ref(a, "logistic", () -> Ops.logistic(c(z)), map(z, ForwardValueTest::sigma));
        ref(a, "tanh", () -> Ops.tanh(c(z)), map(z, Math::tanh));
        ref(a, "arctan", () -> Ops.arctan(c(z)), map(z, Math::atan));
        ref(a, "threshold", () -> Ops.threshold(c(z)), map(z, v -> v >= 0 ? 1 : 0));
        ref(
                a,
                "threshold at 0 is 1",
                () -> Ops.threshold(c(Nd4j.zeros(DataType.DOUBLE, 1, 2))),
                Nd4j.ones(DataType.DOUBLE, 1, 2));
        ref(a, "relu", () -> Ops.relu(c(z)), map(z, v -> Math.max(0, v)));
        ref(a, "leaky relu 0.1", () -> Ops.leakyRelu(c(z), 0.1), map(z, v -> v >= 0 ? v : 0.1 * v));
        ref(a, "identity", () -> Ops.identity(c(z)), z);
        ref(a, "softmax", () -> Ops.softmax(c(z)), softmaxRows(z));
        ref(a, "softmax of large logits", () -> Ops.softmax(c(z.add(800))), softmaxRows(z));

        INDArray y = gaussian(4, 4, 3);
        INDArray t = gaussian(5, 4, 3);
        INDArray p = uniform(6, 0.05, 0.95, 4, 3);
        INDArray bt = binary(7, 4, 3);
        INDArray oh = oneHotRows(8, 4, 3);
        double rows = 4;
        ref(
                a,
                "SquaredError.half(SUM)",
                () -> Ops.loss(SquaredError.half(Reduction.SUM), c(y), c(t)),
                Nd4j.scalar(total(y, t, (u, v) -> 0.5 * (u - v) * (u - v))));
        ref(
                a,
                "halfSquaredError (MEAN)",
                () -> Ops.halfSquaredError(c(y), c(t)),
                Nd4j.scalar(total(y, t, (u, v) -> 0.5 * (u - v) * (u - v)) / rows));
        ref(a, "mse", () -> Ops.mse(c(y), c(t)), Nd4j.scalar(total(y, t, (u, v) -> (u - v) * (u - v)) / rows));
        ref(
                a,
                "AbsoluteError(SUM)",
                () -> Ops.loss(new AbsoluteError(Reduction.SUM), c(y), c(t)),
                Nd4j.scalar(total(y, t, (u, v) -> Math.abs(u - v))));
        ref(
                a,
                "BinaryCrossEntropy(MEAN)",
                () -> Ops.loss(new BinaryCrossEntropy(Reduction.MEAN), c(p), c(bt)),
                Nd4j.scalar(total(p, bt, (u, v) -> -(v * Math.log(u) + (1 - v) * Math.log(1 - u))) / rows));
        ref(
                a,
                "binaryCrossEntropyWithLogits (MEAN)",
                () -> Ops.binaryCrossEntropyWithLogits(c(y), c(bt)),
                Nd4j.scalar(total(y, bt, (u, v) -> -(v * Math.log(sigma(u)) + (1 - v) * Math.log(1 - sigma(u))))
                        / rows));
        ref(
                a,
                "CategoricalCrossEntropy(SUM)",
                () -> Ops.loss(new CategoricalCrossEntropy(Reduction.SUM), c(p), c(oh)),
                Nd4j.scalar(total(p, oh, (u, v) -> -v * Math.log(u))));
        ref(
                a,
                "softmaxCrossEntropy (MEAN)",
                () -> Ops.softmaxCrossEntropy(c(y), c(oh)),
                Nd4j.scalar(total(softmaxRows(y), oh, (u, v) -> -v * Math.log(u)) / rows));
        return a.stream();
    }

    // INDArray is AutoCloseable: JUnit would close (free) the shared expected arrays after each invocation.
    @ParameterizedTest(name = "{0}", autoCloseArguments = false)
    @MethodSource("cases")
    void forwardMatchesReference(String name, Supplier<Tensor> actual, INDArray expected) {
        assertClose(expected, actual.get().value(), 1e-12, name);
    }

    @Test
    void softmaxRowsSumToOne() {
        INDArray s = Ops.softmax(c(gaussian(9, 5, 7).muli(10))).value();
        assertClose(Nd4j.ones(DataType.DOUBLE, 5), s.sum(1), 1e-12, "row sums");
    }

    @Test
    void fusedLossesStayFiniteAtSaturatedLogits() {
        INDArray z = m(new double[][] {{800, -800, 0}, {-900, 900, 5}});
        INDArray t = m(new double[][] {{1, 0, 0}, {1, 0, 0}});
        Tensor zp = Tensor.parameter(z);
        Tensor sce = Ops.loss(new SoftmaxCrossEntropy(Reduction.SUM), zp, c(t));
        // Row 0: loss ln(1 + e^-800 + e^-800) = 0; row 1: 900 + 900 = 1800 up to e^-895.
        assertEquals(1800.0, sce.item(), 1e-9);
        sce.backward();
        assertClose(softmaxRows(z.sub(z.max(1).reshape(2, 1))).sub(t), zp.grad(), 1e-12, "softmax - t");

        Tensor zb = Tensor.parameter(z);
        Tensor bce = Ops.loss(new BinaryCrossEntropyWithLogits(Reduction.SUM), zb, c(t));
        // Per entry -(t ln s + (1 - t) ln(1 - s)): 0, 0, ln 2 | 900, 900, 5 + ln(1 + e^-5).
        assertEquals(Math.log(2) + 1800 + 5 + Math.log1p(Math.exp(-5)), bce.item(), 1e-9);
        bce.backward();
        assertClose(map(z, ForwardValueTest::sigma).sub(t), zb.grad(), 1e-12, "sigma(z) - t");
    }

    @Test
    void probabilityLossesClampSaturatedPredictions() {
        Tensor y = Tensor.parameter(m(new double[][] {{0, 1}}));
        Tensor bce = Ops.loss(new BinaryCrossEntropy(Reduction.SUM), y, c(m(new double[][] {{1, 0}})));
        double big = -2 * Math.log(BinaryCrossEntropy.DEFAULT_EPS);
        assertEquals(big, bce.item(), 1e-6);
        bce.backward();
        assertTrue(Double.isFinite(y.grad().amaxNumber().doubleValue()));
        Tensor cce = Ops.loss(
                new CategoricalCrossEntropy(Reduction.SUM), c(m(new double[][] {{0, 1}})), c(m(new double[][] {{1, 0}
                })));
        assertEquals(-Math.log(BinaryCrossEntropy.DEFAULT_EPS), cce.item(), 1e-6);
    }

    @Test
    void oneHotPicksTheFirstLargestEntryOfEachRow() {
        INDArray z = m(new double[][] {{0.6, 3.4, -1.2, 0.05}, {2, 2, 1, 0}, {-5, -4, -3, -3}});
        assertClose(
                m(new double[][] {{0, 1, 0, 0}, {1, 0, 0, 0}, {0, 0, 1, 0}}),
                Ops.oneHot(c(z)).value(),
                0.0,
                "one-hot");
    }

    @Test
    void oneHotBackwardThrowsAClearError() {
        Tensor z = Tensor.parameter(m(new double[][] {{0.6, 3.4, -1.2, 0.05}}));
        Tensor loss = Ops.sum(Ops.oneHot(z));
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("OneHot") && e.getMessage().contains("softmax"), e.getMessage());
    }
}
