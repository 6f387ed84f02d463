package org.myelin.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleBinaryOperator;
import java.util.stream.Stream;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The library on its own (no ND4J): each backward kernel against a scalar float64 formula, in both precisions.
 * The engine's tests compare every entry point with its ND4J path over sizes and views.
 */
class NativeKernelsTest {

    private static final double ALPHA = 0.1;
    // z covers the tails (|z| = 30), zero and both signs; g has both signs.
    private static final double[] Z = {-30, -8, -2.5, -1, -0.25, 0, 0.25, 1, 2.5, 8, 30};
    private static final double[] G = {0.7, -1.3, 2.0, -0.4, 1.1, -2.2, 0.9, -0.6, 1.7, -1.9, 0.3};

    @BeforeAll
    static void libraryLoads() {
        assertTrue(NativeKernels.available(), () -> "native kernels did not load: " + NativeKernels.loadError());
    }

    static Stream<Arguments> derivatives() {
        return Stream.of(
                Arguments.of(NativeKernels.IDENTITY, (DoubleBinaryOperator) (z, g) -> g),
                Arguments.of(NativeKernels.LOGISTIC, (DoubleBinaryOperator) (z, g) -> {
                    double s = 1 / (1 + Math.exp(-z));
                    return g * s * (1 - s);
                }),
                Arguments.of(NativeKernels.TANH, (DoubleBinaryOperator) (z, g) -> {
                    double c = Math.cosh(z);
                    return g / (c * c);
                }),
                Arguments.of(NativeKernels.ARCTAN, (DoubleBinaryOperator) (z, g) -> g / (1 + z * z)),
                Arguments.of(NativeKernels.RELU, (DoubleBinaryOperator) (z, g) -> z >= 0 ? g : 0),
                Arguments.of(NativeKernels.LEAKY_RELU, (DoubleBinaryOperator) (z, g) -> z >= 0 ? g : ALPHA * g),
                Arguments.of(NativeKernels.THRESHOLD, (DoubleBinaryOperator) (z, g) -> 0));
    }

    @ParameterizedTest
    @MethodSource("derivatives")
    void float64BackwardMatchesScalarFormula(int act, DoubleBinaryOperator expected) {
        int n = Z.length;
        try (DoublePointer z = new DoublePointer(Z);
                DoublePointer g = new DoublePointer(G);
                DoublePointer out = new DoublePointer(n)) {
            assertEquals(0, NativeKernels.backwardF64(act, ALPHA, z.address(), g.address(), out.address(), n));
            for (int i = 0; i < n; i++) {
                double want = expected.applyAsDouble(Z[i], G[i]);
                assertEquals(want, out.get(i), 1e-15 * Math.abs(G[i]), "act " + act + " at z=" + Z[i]);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("derivatives")
    void float32BackwardMatchesScalarFormula(int act, DoubleBinaryOperator expected) {
        int n = Z.length;
        float[] zf = new float[n];
        float[] gf = new float[n];
        for (int i = 0; i < n; i++) {
            zf[i] = (float) Z[i];
            gf[i] = (float) G[i];
        }
        try (FloatPointer z = new FloatPointer(zf);
                FloatPointer g = new FloatPointer(gf);
                FloatPointer out = new FloatPointer(n)) {
            assertEquals(0, NativeKernels.backwardF32(act, (float) ALPHA, z.address(), g.address(), out.address(), n));
            for (int i = 0; i < n; i++) {
                double want = expected.applyAsDouble(zf[i], gf[i]);
                assertEquals(want, out.get(i), 1e-6 * Math.abs(gf[i]), "act " + act + " at z=" + zf[i]);
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1, 7, 8, 9, 1003})
    void sumOfSquaresMatchesAScalarLoopForEveryTailLength(int n) {
        float[] x = new float[n];
        double want = 0;
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(i * 0.37) * (i % 5 + 1);
            want += (double) x[i] * x[i];
        }
        try (FloatPointer xf = new FloatPointer(x);
                org.bytedeco.javacpp.DoublePointer xd =
                        new org.bytedeco.javacpp.DoublePointer(java.util.stream.IntStream.range(0, n)
                                .mapToDouble(i -> x[i])
                                .toArray())) {
            assertEquals(want, NativeKernels.sumSquaresF32(n == 0 ? 0 : xf.address(), n), 1e-12 * (1 + want));
            assertEquals(want, NativeKernels.sumSquaresF64(n == 0 ? 0 : xd.address(), n), 1e-12 * (1 + want));
        }
    }

    @Test
    void sumOfSquaresIsNotFiniteWhenAnElementIsNot() {
        try (FloatPointer x = new FloatPointer(1f, Float.NaN, 2f, 0f, 0f, 0f, 0f, 0f, 0f, 3f);
                FloatPointer y = new FloatPointer(1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, Float.POSITIVE_INFINITY)) {
            assertTrue(Double.isNaN(NativeKernels.sumSquaresF32(x.address(), 10)));
            assertEquals(Double.POSITIVE_INFINITY, NativeKernels.sumSquaresF32(y.address(), 9));
        }
    }

    @Test
    void softmaxCrossEntropyMatchesTheFormulaAndStaysFiniteForLargeLogits() {
        double[] y = {1.0, 2.0, 3.0, 1000.0, 0.0, -1000.0};
        double[] t = {0.0, 0.0, 1.0, 0.0, 1.0, 0.0};
        try (org.bytedeco.javacpp.DoublePointer yp = new org.bytedeco.javacpp.DoublePointer(y);
                org.bytedeco.javacpp.DoublePointer tp = new org.bytedeco.javacpp.DoublePointer(t);
                org.bytedeco.javacpp.DoublePointer p = new org.bytedeco.javacpp.DoublePointer(6)) {
            double total = NativeKernels.softmaxXentF64(yp.address(), tp.address(), p.address(), 2, 3);
            double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
            // Row 0: -log softmax_2 = log z - 3; row 1: the target's logit is 1000 below the max, the loss 1000.
            assertEquals(Math.log(z) - 3 + 1000, total, 1e-9);
            assertEquals(Math.exp(3) / z, p.get(2), 1e-15);
            assertEquals(1.0, p.get(3), 1e-15);
            assertEquals(0.0, p.get(5), 1e-300);
        }
    }

    @Test
    void adamFlushesDenormalMomentsAndLeavesTheCallersFloatingPointModeAsItWas() {
        float tiny = Float.MIN_NORMAL / 4; // denormal
        try (FloatPointer w = new FloatPointer(1f, 2f);
                FloatPointer g = new FloatPointer(0f, 0f);
                FloatPointer m = new FloatPointer(tiny, 0.5f);
                FloatPointer v = new FloatPointer(tiny, 0.25f)) {
            NativeKernels.adamF32(
                    w.address(),
                    g.address(),
                    m.address(),
                    v.address(),
                    2,
                    0.9f,
                    0.1f,
                    0.999f,
                    1e-3f,
                    1e-8f,
                    0f,
                    1f,
                    2e-3f,
                    (float) (1 / Math.sqrt(0.5)));
            assertEquals(0f, m.get(0), "a denormal first moment is flushed to zero");
            assertEquals(1f, w.get(0), "and moves nothing");
            assertEquals(0.45f, m.get(1), 1e-7f);
        }
        // The kernel restored MXCSR: Java arithmetic still produces denormals (the operands are not constants).
        float half = Float.parseFloat("0.5");
        assertTrue(Float.MIN_NORMAL * half > 0f, "flush-to-zero leaked into the JVM's thread");
    }

    @Test
    void adamUsesTheGivenCoefficientsAndDerivesNoneInFloat() {
        // 1 - 0.999f in float is 9.99987e-4: a kernel that derived (1 - b2) from b2 would write that into v.
        try (FloatPointer w = new FloatPointer(1f);
                FloatPointer g = new FloatPointer(1f);
                FloatPointer m = new FloatPointer(0f);
                FloatPointer v = new FloatPointer(0f)) {
            NativeKernels.adamF32(
                    w.address(),
                    g.address(),
                    m.address(),
                    v.address(),
                    1,
                    0.9f,
                    0.1f,
                    0.999f,
                    1e-3f,
                    0f,
                    0f,
                    1f,
                    0.01f,
                    (float) (1 / Math.sqrt(1e-3)));
            assertEquals(1e-3f, v.get(0), "v = c2 g^2 with the given c2");
            assertEquals(0.1f, m.get(0), "m = c1 g with the given c1");
            // m / (sqrt(v) / sqrt(bc2)) = 0.1 / 1: w = 1 - 0.01 * 0.1 within float rounding.
            assertEquals(1 - 1e-3, w.get(0), 1e-7);
        }
        // AdamW's decay factor multiplies the weight before the step; wd = 0 leaves the gradient alone.
        try (DoublePointer w = new DoublePointer(2.0);
                DoublePointer g = new DoublePointer(0.0);
                DoublePointer m = new DoublePointer(0.0);
                DoublePointer v = new DoublePointer(0.0)) {
            NativeKernels.adamF64(
                    w.address(),
                    g.address(),
                    m.address(),
                    v.address(),
                    1,
                    0.9,
                    0.1,
                    0.999,
                    1e-3,
                    1e-8,
                    0.0,
                    0.99,
                    0.01,
                    1.0);
            assertEquals(1.98, w.get(0), 1e-15);
        }
    }

    @Test
    void logisticTailKeepsRelativeAccuracy() {
        // sigma'(-30) = 9.4e-14: s (1 - s) in float32 would give 0 or garbage; e / (1 + e)^2 keeps ~1 ulp.
        try (FloatPointer z = new FloatPointer(-30f, 30f);
                FloatPointer g = new FloatPointer(1f, 1f);
                FloatPointer out = new FloatPointer(2)) {
            NativeKernels.backwardF32(NativeKernels.LOGISTIC, 0f, z.address(), g.address(), out.address(), 2);
            double want = Math.exp(-30) / Math.pow(1 + Math.exp(-30), 2);
            assertEquals(want, out.get(0), 1e-6 * want);
            assertEquals(want, out.get(1), 1e-6 * want);
        }
    }

    @Test
    void unknownActivationIdIsRejected() {
        try (FloatPointer buf = new FloatPointer(1)) {
            assertEquals(-1, NativeKernels.backwardF32(99, 0f, buf.address(), buf.address(), buf.address(), 1));
            assertEquals(
                    -1,
                    NativeKernels.backwardFromOutputF32(
                            NativeKernels.RELU, buf.address(), buf.address(), buf.address(), 1));
        }
    }

    @Test
    void reportsWhichBuildTheLoaderChose() {
        assertTrue(NativeKernels.isa().startsWith("x86-64"), NativeKernels.isa());
    }
}
