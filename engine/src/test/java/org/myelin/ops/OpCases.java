package org.myelin.ops;

import static org.myelin.ops.TestArrays.awayFromZero;
import static org.myelin.ops.TestArrays.binary;
import static org.myelin.ops.TestArrays.distributionRows;
import static org.myelin.ops.TestArrays.gaussian;
import static org.myelin.ops.TestArrays.oneHotRows;
import static org.myelin.ops.TestArrays.uniform;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.myelin.autodiff.Op;
import org.myelin.kernel.ConvKernels;
import org.myelin.kernel.Convolutions;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gradient-check cases of every op and loss in {@code org.myelin.ops}. {@code OpRegistryTest} fails when
 * an op class or an activation has no case here. The data avoids points where an op has no derivative.
 */
final class OpCases {

    private OpCases() {}

    /** Shapes of the broadcasting cases: (x, y) pairs covering equal, row, column, scalar and rank-padded. */
    private static final long[][][] BROADCAST_SHAPES = {
        {{3, 4}, {3, 4}},
        {{3, 4}, {1, 4}},
        {{3, 4}, {3, 1}},
        {{3, 4}, {}},
        {{3, 4}, {1, 1}},
        {{3, 4}, {4}},
        {{1, 4}, {3, 4}},
        {{3, 1}, {1, 4}},
        {{}, {2, 3}},
        {{2, 3, 4}, {3, 1}},
        {{2, 1, 4}, {3, 1}},
        {{4}, {2, 3, 4}},
        {{2, 3, 4}, {2, 1, 1}},
        {{1}, {3}},
    };

    static Stream<OpCase> all() {
        List<OpCase> c = new ArrayList<>();
        c.add(OpCase.of("MatMul [3, 4] x [4, 2]", MatMul::new, gaussian(1, 3, 4), gaussian(2, 4, 2)));
        c.add(OpCase.of("MatMul [1, 3] x [3, 1]", MatMul::new, gaussian(3, 1, 3), gaussian(4, 3, 1)));
        c.add(OpCase.of("MatMul [5, 1] x [1, 4]", MatMul::new, gaussian(5, 5, 1), gaussian(6, 1, 4)));
        c.add(OpCase.of("BiasAdd [3, 4] + [4]", BiasAdd::new, gaussian(7, 3, 4), gaussian(8, 4)));
        c.add(OpCase.of("BiasAdd [3, 4] + [1, 4]", BiasAdd::new, gaussian(9, 3, 4), gaussian(10, 1, 4)));

        broadcasting(c, "Add", Add::new, false);
        broadcasting(c, "Sub", Sub::new, false);
        broadcasting(c, "Mul", Mul::new, false);
        broadcasting(c, "Div", Div::new, true);

        c.add(OpCase.of("Neg [3, 4]", Neg::new, gaussian(20, 3, 4)));
        c.add(OpCase.of("Reciprocal [3, 4]", Reciprocal::new, awayFromZero(21, 0.3, 3, 4)));
        for (double p : new double[] {2, 3}) {
            c.add(OpCase.of("Pow " + p + " of signed [3, 4]", () -> new Pow(p), awayFromZero(22, 0.2, 3, 4)));
        }
        for (double p : new double[] {-1, 0.5, 1.5, -2.5, 4}) {
            c.add(OpCase.of("Pow " + p + " of positive [3, 4]", () -> new Pow(p), uniform(23, 0.5, 2, 3, 4)));
        }
        c.add(OpCase.of("Exp [3, 4]", Exp::new, gaussian(24, 3, 4)));
        c.add(OpCase.of("Log [3, 4]", Log::new, uniform(25, 0.2, 3, 3, 4)));

        c.add(OpCase.of("Sum all [3, 4]", Sum::new, gaussian(30, 3, 4)));
        c.add(OpCase.of("Mean all [3, 4]", Mean::new, gaussian(31, 3, 4)));
        c.add(OpCase.of("Sum all [2, 3, 4]", Sum::new, gaussian(32, 2, 3, 4)));
        c.add(OpCase.of("Mean all [5]", Mean::new, gaussian(33, 5)));
        for (int axis = 0; axis < 2; axis++) {
            int a = axis;
            c.add(OpCase.of("Sum axis " + a + " [3, 4]", () -> new Sum(a), gaussian(34 + a, 3, 4)));
            c.add(OpCase.of("Mean axis " + a + " [3, 4]", () -> new Mean(a), gaussian(36 + a, 3, 4)));
        }
        for (int axis = 0; axis < 3; axis++) {
            int a = axis;
            c.add(OpCase.of("Sum axis " + a + " [2, 3, 4]", () -> new Sum(a), gaussian(38 + a, 2, 3, 4)));
            c.add(OpCase.of("Mean axis " + a + " [2, 3, 4]", () -> new Mean(a), gaussian(41 + a, 2, 3, 4)));
        }

        c.add(OpCase.of("Sum axis 0 [5]", () -> new Sum(0), gaussian(44, 5)));
        c.add(OpCase.of("Mean axis 0 [5]", () -> new Mean(0), gaussian(45, 5)));
        c.add(OpCase.of("Sum axis 0 [1, 4]", () -> new Sum(0), gaussian(46, 1, 4)));
        c.add(OpCase.of("Mean axis 1 [4, 1]", () -> new Mean(1), gaussian(47, 4, 1)));

        c.add(OpCase.of("Reshape [3, 4] -> [2, 6]", () -> new Reshape(2, 6), gaussian(50, 3, 4)));
        c.add(OpCase.of("Reshape [3, 4] -> [12]", () -> new Reshape(12), gaussian(51, 3, 4)));
        c.add(OpCase.of("Reshape [12] -> [2, 2, 3]", () -> new Reshape(2, 2, 3), gaussian(52, 12)));
        c.add(OpCase.of("Reshape [1, 1] -> []", () -> new Reshape(), gaussian(53, 1, 1)));
        c.add(OpCase.of("Transpose [3, 4]", Transpose::new, gaussian(54, 3, 4)));
        c.add(OpCase.of("Transpose [1, 5]", Transpose::new, gaussian(55, 1, 5)));

        for (Activation f : differentiableActivations()) {
            c.add(OpCase.activation(f, awayFromZero(60, 0.1, 3, 4)));
        }
        c.add(OpCase.activation(Activations.THRESHOLD, awayFromZero(61, 0.1, 3, 4))
                .withZeroGradient());
        c.add(OpCase.activation(Activations.SOFTMAX, gaussian(62, 3, 4).muli(20).addi(100)));
        c.add(OpCase.activation(Activations.SOFTMAX, gaussian(63, 1, 6)));

        // DropoutOp draws its mask from a freshly seeded stream on every application, so the function the checker
        // differentiates is deterministic: the same mask at every perturbed point.
        for (double rate : new double[] {0.0, 0.3, 0.5}) {
            c.add(OpCase.of(
                    "Dropout rate " + rate + " [4, 5]",
                    () -> new DropoutOp(rate, Nd4j.getRandomFactory().getNewRandomInstance(11)),
                    gaussian(70, 4, 5)));
        }

        c.add(OpCase.of(
                "BatchNorm training, G and B [3]",
                () -> new BatchNormOp(1e-5),
                gaussian(80, 5, 3),
                uniform(81, 0.5, 2, 3),
                gaussian(82, 3)));
        c.add(OpCase.of(
                "BatchNorm training, G and B [1, 3]",
                () -> new BatchNormOp(1e-3),
                gaussian(83, 6, 3).muli(3).addi(1),
                uniform(84, 0.5, 2, 1, 3),
                gaussian(85, 1, 3)));
        INDArray runningMean = gaussian(86, 1, 3);
        INDArray runningVar = uniform(87, 0.5, 2, 1, 3);
        c.add(OpCase.of(
                "BatchNorm eval, running stats [1, 3]",
                () -> new BatchNormOp(1e-5, runningMean, runningVar),
                gaussian(88, 4, 3),
                uniform(89, 0.5, 2, 3),
                gaussian(90, 3)));
        c.add(OpCase.of(
                "BatchNorm eval, running stats [3]",
                () -> new BatchNormOp(1e-5, runningMean.reshape(3), runningVar.reshape(3)),
                gaussian(91, 4, 3),
                uniform(92, 0.5, 2, 1, 3),
                gaussian(93, 1, 3)));
        c.add(OpCase.of(
                "LayerNorm, G and B [5]",
                () -> new LayerNormOp(1e-5),
                gaussian(95, 4, 5),
                uniform(96, 0.5, 2, 5),
                gaussian(97, 5)));
        c.add(OpCase.of(
                "LayerNorm, G and B [1, 5]",
                () -> new LayerNormOp(1e-3),
                gaussian(98, 3, 5).muli(2).subi(1),
                uniform(99, 0.5, 2, 1, 5),
                gaussian(100, 1, 5)));

        convolution(c);
        losses(c);
        return c.stream();
    }

    /** Every differentiable activation, as the registry test and the network checks see them. */
    static List<Activation> differentiableActivations() {
        return List.of(
                Activations.LOGISTIC,
                Activations.TANH,
                Activations.ARCTAN,
                Activations.RELU,
                Activations.leakyRelu(0.01),
                Activations.leakyRelu(0.2),
                Activations.IDENTITY,
                Activations.SOFTMAX);
    }

    private static void broadcasting(List<OpCase> c, String name, Supplier<Op> op, boolean divisor) {
        long seed = name.hashCode();
        for (long[][] s : BROADCAST_SHAPES) {
            INDArray x = gaussian(seed++, s[0]);
            INDArray y = divisor ? awayFromZero(seed++, 0.5, s[1]) : gaussian(seed++, s[1]);
            c.add(OpCase.of(name + " " + Shapes.str(s[0]) + " and " + Shapes.str(s[1]), op, x, y));
        }
        // The same array as both operands.
        INDArray same = divisor ? awayFromZero(seed, 0.5, 2, 3) : gaussian(seed, 2, 3);
        c.add(OpCase.of(name + " [2, 3] with itself", op, same, same));
    }

    /**
     * Conv2dOp over a grid of stride, padding (numbers and "same"), dilation, odd spatial sizes, batch 1 and 2, one
     * and several channels, with and without bias, on every convolution implementation; the pooling, flattening
     * and channel batch-norm ops; dropout of rank 4.
     */
    private static void convolution(List<OpCase> c) {
        List<ConvKernels> impls = new ArrayList<>(List.of(Convolutions.nd4j()));
        if (Kernels.nativeCpuAvailable()) {
            impls.add(Convolutions.im2col());
        }
        // {N, C, H, W, O, kh, kw, sh, sw, ph, pw, dh, dw, same, bias}
        int[][] grid = {
            {1, 1, 5, 5, 1, 3, 3, 1, 1, 0, 0, 1, 1, 0, 1},
            {2, 3, 5, 7, 4, 3, 3, 1, 1, 1, 1, 1, 1, 0, 1},
            {2, 2, 7, 5, 3, 3, 2, 2, 2, 0, 1, 1, 1, 0, 0},
            {1, 3, 7, 7, 2, 3, 3, 1, 2, 1, 0, 2, 2, 0, 1},
            {2, 2, 6, 5, 2, 3, 3, 2, 1, 0, 0, 1, 1, 1, 1},
            {1, 1, 5, 6, 2, 2, 2, 1, 1, 0, 0, 1, 1, 1, 0},
            {2, 1, 9, 9, 2, 5, 5, 3, 3, 2, 2, 1, 1, 0, 1},
            {1, 2, 5, 5, 3, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1},
        };
        long seed = 200;
        for (ConvKernels k : impls) {
            for (int[] g : grid) {
                INDArray x = gaussian(seed++, g[0], g[1], g[2], g[3]);
                INDArray w = gaussian(seed++, g[4], g[1], g[5], g[6]);
                boolean same = g[13] == 1;
                String name = "Conv2d[" + k.name() + "] X " + Shapes.str(x.shape()) + " W " + Shapes.str(w.shape())
                        + " stride " + g[7] + "x" + g[8] + (same ? " same" : " pad " + g[9] + "x" + g[10])
                        + " dilation " + g[11] + "x" + g[12] + (g[14] == 1 ? " bias" : "");
                Supplier<Op> op = () -> new Conv2dOp(g[7], g[8], g[9], g[10], g[11], g[12], same, k);
                c.add(g[14] == 1 ? OpCase.of(name, op, x, w, gaussian(seed++, g[4])) : OpCase.of(name, op, x, w));
            }
        }
        // Pooling: distinct values, spaced far beyond the difference step, so no arg-max flips under perturbation.
        c.add(OpCase.of(
                "MaxPool2d 2x2 stride 2 [1, 1, 4, 4]",
                () -> new MaxPool2d(2, 2, 2, 2, 0, 0),
                distinct(230, 1, 1, 4, 4)));
        c.add(OpCase.of(
                "MaxPool2d 3x3 stride 2 pad 1 [2, 3, 5, 7]",
                () -> new MaxPool2d(3, 3, 2, 2, 1, 1),
                distinct(231, 2, 3, 5, 7)));
        c.add(OpCase.of(
                "MaxPool2d 3x2 stride 1 [1, 2, 5, 5]",
                () -> new MaxPool2d(3, 2, 1, 1, 0, 0),
                distinct(232, 1, 2, 5, 5)));
        c.add(OpCase.of(
                "MaxPool2d 2x2 stride 2 same [2, 1, 5, 5]",
                () -> MaxPool2d.same(2, 2, 2, 2),
                distinct(233, 2, 1, 5, 5)));
        c.add(OpCase.of(
                "AvgPool2d 2x2 stride 2 [1, 1, 4, 4]",
                () -> new AvgPool2d(2, 2, 2, 2, 0, 0),
                gaussian(234, 1, 1, 4, 4)));
        c.add(OpCase.of(
                "AvgPool2d 3x3 stride 2 pad 1 [2, 3, 5, 7]",
                () -> new AvgPool2d(3, 3, 2, 2, 1, 1),
                gaussian(235, 2, 3, 5, 7)));
        c.add(OpCase.of(
                "AvgPool2d 3x2 stride 1 [1, 2, 5, 5]",
                () -> new AvgPool2d(3, 2, 1, 1, 0, 0),
                gaussian(236, 1, 2, 5, 5)));
        c.add(OpCase.of("GlobalAvgPool2d [2, 3, 5, 7]", GlobalAvgPool2dOp::new, gaussian(237, 2, 3, 5, 7)));
        c.add(OpCase.of("GlobalAvgPool2d [1, 1, 3, 3]", GlobalAvgPool2dOp::new, gaussian(238, 1, 1, 3, 3)));
        c.add(OpCase.of("Flatten [2, 3, 4, 5]", FlattenOp::new, gaussian(239, 2, 3, 4, 5)));
        c.add(OpCase.of("Flatten [3, 4]", FlattenOp::new, gaussian(240, 3, 4)));
        c.add(OpCase.of(
                "BatchNorm training over channels [2, 3, 3, 5]",
                () -> new BatchNormOp(1e-5),
                gaussian(241, 2, 3, 3, 5),
                uniform(242, 0.5, 2, 3),
                gaussian(243, 3)));
        c.add(OpCase.of(
                "BatchNorm training over channels [1, 2, 3, 3]",
                () -> new BatchNormOp(1e-3),
                gaussian(244, 1, 2, 3, 3).muli(3).addi(1),
                uniform(245, 0.5, 2, 1, 2),
                gaussian(246, 1, 2)));
        INDArray runningMean = gaussian(247, 3);
        INDArray runningVar = uniform(248, 0.5, 2, 3);
        c.add(OpCase.of(
                "BatchNorm eval over channels [2, 3, 2, 3]",
                () -> new BatchNormOp(1e-5, runningMean, runningVar),
                gaussian(249, 2, 3, 2, 3),
                uniform(250, 0.5, 2, 3),
                gaussian(251, 3)));
        c.add(OpCase.of(
                "Dropout rate 0.4 [2, 3, 4, 5]",
                () -> new DropoutOp(0.4, Nd4j.getRandomFactory().getNewRandomInstance(12)),
                gaussian(252, 2, 3, 4, 5)));
    }

    /** Values {@code 0.1 k} for k = 0..n-1 in a seeded random order, minus their mean: distinct and well spaced. */
    static INDArray distinct(long seed, long... shape) {
        int n = (int) TestArrays.length(shape);
        java.util.List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            v.add(0.1 * i - 0.05 * n);
        }
        java.util.Collections.shuffle(v, new java.util.Random(seed));
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = v.get(i);
        }
        return TestArrays.create(a, shape);
    }

    private static void losses(List<OpCase> c) {
        for (Reduction r : Reduction.values()) {
            c.add(OpCase.loss(
                    "SquaredError.half(" + r + ")",
                    () -> SquaredError.half(r),
                    gaussian(110, 4, 3),
                    gaussian(111, 4, 3)));
            c.add(OpCase.loss(
                    "AbsoluteError(" + r + ")", () -> new AbsoluteError(r), gaussian(112, 4, 3), gaussian(113, 4, 3)));
            c.add(OpCase.loss(
                    "BinaryCrossEntropy(" + r + "), 0/1 targets",
                    () -> new BinaryCrossEntropy(r),
                    uniform(114, 0.05, 0.95, 4, 3),
                    binary(115, 4, 3)));
            c.add(OpCase.loss(
                    "BinaryCrossEntropy(" + r + "), soft targets",
                    () -> new BinaryCrossEntropy(r),
                    uniform(116, 0.05, 0.95, 4, 3),
                    uniform(117, 0, 1, 4, 3)));
            c.add(OpCase.loss(
                    "BinaryCrossEntropyWithLogits(" + r + "), 0/1 targets",
                    () -> new BinaryCrossEntropyWithLogits(r),
                    gaussian(118, 4, 3).muli(3),
                    binary(119, 4, 3)));
            c.add(OpCase.loss(
                    "BinaryCrossEntropyWithLogits(" + r + "), soft targets",
                    () -> new BinaryCrossEntropyWithLogits(r),
                    gaussian(120, 4, 3).muli(3),
                    uniform(121, 0, 1, 4, 3)));
            c.add(OpCase.loss(
                    "CategoricalCrossEntropy(" + r + "), one-hot targets",
                    () -> new CategoricalCrossEntropy(r),
                    uniform(122, 0.05, 1, 4, 3),
                    oneHotRows(123, 4, 3)));
            c.add(OpCase.loss(
                    "CategoricalCrossEntropy(" + r + "), soft targets",
                    () -> new CategoricalCrossEntropy(r),
                    uniform(124, 0.05, 1, 4, 3),
                    distributionRows(125, 4, 3)));
            c.add(OpCase.loss(
                    "SoftmaxCrossEntropy(" + r + "), one-hot targets",
                    () -> new SoftmaxCrossEntropy(r),
                    gaussian(126, 4, 3).muli(2),
                    oneHotRows(127, 4, 3)));
            c.add(OpCase.loss(
                    "SoftmaxCrossEntropy(" + r + "), soft targets",
                    () -> new SoftmaxCrossEntropy(r),
                    gaussian(128, 4, 3).muli(2),
                    distributionRows(129, 4, 3)));
        }
        c.add(OpCase.loss("SquaredError.mse()", SquaredError::mse, gaussian(130, 4, 3), gaussian(131, 4, 3)));
    }
}
