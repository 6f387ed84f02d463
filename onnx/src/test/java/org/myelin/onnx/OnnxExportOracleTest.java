package org.myelin.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import onnx.Onnx.ModelProto;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.BatchNorm;
import org.myelin.nn.Conv2d;
import org.myelin.nn.Dense;
import org.myelin.nn.Dropout;
import org.myelin.nn.Flatten;
import org.myelin.nn.GlobalAvgPool2d;
import org.myelin.nn.LayerNorm;
import org.myelin.nn.Module;
import org.myelin.nn.Pool2d;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Runtime as the oracle of the export, one setting at a time: every layer type alone and each setting that
 * changes its arithmetic (Dense with and without bias; each activation on [-3, 3], on large negative and positive
 * inputs and on [-1000, 1000]; leaky ReLU slopes 0 to 0.999; batch and layer norm epsilons 1e-5, 1e-3 and 0.5 with
 * random running statistics; layer norm over one feature; dropout; Flatten; max and average pooling over a grid of
 * kernels, strides and pads; Conv over a grid of kernels, strides, dilations and explicit or "same" padding; global
 * average pooling; batch norm on images), in float32 and float64, on batches of 1 and 7, with random seeded
 * parameters. The difference is relative to the output's scale ({@code max |Myelin - ORT| / max(1, max |Myelin|)}):
 * within 1e-6 in float32 and 1e-12 in float64, except where ONNX's float32 attributes round a float64 model's
 * setting (LeakyRelu's alpha: 1e-7; epsilon 1e-3: 1e-9; docs/onnx.md).
 */
class OnnxExportOracleTest {

    /**
     * One model: {@code model} builds it in a data type, {@code inShape} is one sample's shape, inputs are uniform in
     * [lo, hi); {@code float64Tolerance} overrides 1e-12 where a float32 attribute rounds the setting.
     */
    record Case(
            String name,
            Function<DataType, Module> model,
            long[] inShape,
            double lo,
            double hi,
            double float64Tolerance) {
        Case(String name, Function<DataType, Module> model, long[] inShape, double lo, double hi) {
            this(name, model, inShape, lo, hi, 1e-12);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        long[] f = {6};
        c.add(new Case("dense bias", t -> new Sequential(new Dense(6, 5, t, 1)), f, -2, 2));
        c.add(new Case(
                "dense no bias",
                t -> new Sequential(new Dense(6, 5, false, t, Dense.DEFAULT_WEIGHT_INIT, Dense.DEFAULT_BIAS_INIT, 1)),
                f,
                -2,
                2));
        for (var a : Fixtures.activations()) {
            double tol = a instanceof Activations.LeakyRelu ? 1e-7 : 1e-12; // alpha 0.2 rounded to float32
            c.add(new Case(
                    a + " [-3,3]", t -> new Sequential(new Dense(6, 6, t, 1), new ActivationLayer(a)), f, -3, 3, tol));
            c.add(new Case(
                    a + " [-60,-5]",
                    t -> new Sequential(new Dense(6, 6, t, 1), new ActivationLayer(a)),
                    f,
                    -60,
                    -5,
                    tol));
            c.add(new Case(
                    a + " [5,60]", t -> new Sequential(new Dense(6, 6, t, 1), new ActivationLayer(a)), f, 5, 60, tol));
            c.add(new Case(
                    a + " [-1000,1000]",
                    t -> new Sequential(new Dense(6, 6, t, 1), new ActivationLayer(a)),
                    f,
                    -1000,
                    1000,
                    tol));
        }
        for (double s : new double[] {0, 0.01, 0.3, 0.999}) {
            c.add(new Case(
                    "leaky " + s,
                    t -> new Sequential(new Dense(6, 6, t, 1), new ActivationLayer(Activations.leakyRelu(s))),
                    f,
                    -5,
                    1,
                    s == 0 ? 1e-12 : 1e-7));
        }
        for (double eps : new double[] {1e-5, 1e-3, 0.5}) {
            double tol =
                    eps == 1e-3 ? 1e-9 : 1e-12; // epsilon 1e-3 rounded to float32; 0.5 is exact, 1e-5 moves by 2.5e-14
            c.add(new Case("bn eps " + eps, t -> new Sequential(new BatchNorm(6, eps, 0.1, t)), f, -3, 3, tol));
            c.add(new Case("ln eps " + eps, t -> new Sequential(new LayerNorm(6, eps, t)), f, -3, 3, tol));
        }
        c.add(new Case("ln n=1", t -> new Sequential(new LayerNorm(1, t)), new long[] {1}, -3, 3));
        c.add(new Case("dropout 0.5", t -> new Sequential(new Dropout(0.5, 1), new Dense(6, 3, t, 2)), f, -3, 3));
        c.add(new Case("flatten 2d", t -> new Sequential(new Flatten(), new Dense(6, 3, t, 2)), f, -3, 3));
        long[] img = {3, 9, 7};
        int[][] ks = {{1, 1}, {2, 2}, {3, 3}, {3, 2}, {2, 5}};
        int[][] ss = {{1, 1}, {2, 2}, {3, 1}};
        int[][] ps = {{0, 0}, {1, 1}, {1, 0}};
        for (int[] k : ks) {
            for (int[] s : ss) {
                for (int[] p : ps) {
                    if (p[0] * 2 > k[0] || p[1] * 2 > k[1]) {
                        continue;
                    }
                    for (boolean max : new boolean[] {true, false}) {
                        String n = (max ? "max" : "avg") + " k" + k[0] + "x" + k[1] + " s" + s[0] + "x" + s[1] + " p"
                                + p[0] + "x" + p[1];
                        c.add(new Case(n, t -> new Sequential(new Pool2d(max, k, s, p)), img, -3, 3));
                    }
                }
            }
        }
        for (int[] k : new int[][] {{1, 1}, {3, 3}, {2, 5}, {4, 4}}) {
            for (int[] s : ss) {
                for (int[] d : new int[][] {{1, 1}, {2, 1}}) {
                    for (Object p : new Object[] {new int[] {0, 0}, new int[] {1, 2}, "same"}) {
                        String n = "conv k" + k[0] + "x" + k[1] + " s" + s[0] + "x" + s[1] + " d" + d[0] + "x" + d[1]
                                + " p" + (p instanceof int[] q ? q[0] + "x" + q[1] : p);
                        c.add(new Case(
                                n,
                                t -> {
                                    var b = Conv2d.builder(3, 4, 3)
                                            .optKernel(k[0], k[1])
                                            .optStride(s[0], s[1])
                                            .optDilation(d[0], d[1])
                                            .optDataType(t)
                                            .optSeed(3);
                                    if (p instanceof int[] q) {
                                        b.optPadding(q[0], q[1]);
                                    } else {
                                        b.optSame(true);
                                    }
                                    return new Sequential(b.build());
                                },
                                img,
                                -3,
                                3));
                    }
                }
            }
        }
        c.add(new Case(
                "conv no bias",
                t -> new Sequential(
                        Conv2d.builder(3, 4, 3).optBias(false).optDataType(t).build()),
                img,
                -3,
                3));
        c.add(new Case("gap", t -> new Sequential(new GlobalAvgPool2d()), img, -3, 3));
        c.add(new Case(
                "gap+dense",
                t -> new Sequential(
                        Conv2d.builder(3, 4, 3).optDataType(t).build(), new GlobalAvgPool2d(), new Dense(4, 2, t, 1)),
                img,
                -3,
                3));
        for (double eps : new double[] {1e-5, 0.5}) {
            c.add(new Case(
                    "bn img eps " + eps,
                    t -> new Sequential(Pool2d.max(1), new BatchNorm(3, eps, 0.1, t)),
                    img,
                    -3,
                    3));
        }
        c.add(new Case("flatten img", t -> new Sequential(new Flatten()), img, -3, 3));
        c.add(new Case(
                "pool flatten dense",
                t -> new Sequential(Pool2d.max(2), new Flatten(), new Dense(3 * 4 * 3, 2, t, 1)),
                img,
                -3,
                3));
        return c;
    }

    static Stream<Arguments> settings() {
        List<Arguments> out = new ArrayList<>();
        for (Case c : cases()) {
            for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                for (int batch : new int[] {1, 7}) {
                    out.add(Arguments.of(c, t, batch));
                }
            }
        }
        return out.stream();
    }

    /** The ops whose float64 kernels ONNX Runtime's CPU provider lacks (docs/onnx.md). */
    private static boolean runsInFloat64(ModelProto onnx) {
        return onnx.getGraph().getNodeList().stream()
                .noneMatch(n ->
                        List.of("Conv", "GlobalAveragePool", "Atan", "Hardmax").contains(n.getOpType()));
    }

    @ParameterizedTest(name = "{0} {1} batch {2}")
    @MethodSource("settings")
    void exportAgreesWithOnnxRuntime(Case c, DataType type, int batch) throws Exception {
        Module m = c.model().apply(type);
        Fixtures.randomize(m, 5);
        if (m instanceof Sequential s
                && s.size() == 2
                && s.get(0) instanceof Dense d
                && s.get(1) instanceof ActivationLayer) { // the activation sees the inputs as drawn
            d.weight().value().assign(Nd4j.eye(d.in()).castTo(type));
            d.bias().value().assign(0);
        }
        long[] shape = new long[c.inShape().length + 1];
        shape[0] = batch;
        System.arraycopy(c.inShape(), 0, shape, 1, c.inShape().length);
        DataType xType = m.namedParameters().isEmpty() ? DataType.FLOAT : type; // no parameters: float32
        Nd4j.getRandom().setSeed(batch * 31L);
        INDArray x = Nd4j.rand(xType, shape).muli(c.hi() - c.lo()).addi(c.lo());
        ModelProto onnx = OnnxExport.toModel(m, null);
        if (xType == DataType.DOUBLE && !runsInFloat64(onnx)) {
            var e = assertThrows(ai.onnxruntime.OrtException.class, () -> Ort.run(onnx, x), c.name());
            assertTrue(e.getMessage().contains("NOT_IMPLEMENTED"), e.getMessage());
            return;
        }
        INDArray expected = Ort.predict(m, x);
        double d = Ort.difference(expected, Ort.run(onnx, x), c.name() + " " + xType + " batch " + batch);
        double relative = d / Math.max(1, expected.amaxNumber().doubleValue());
        double tolerance = xType == DataType.FLOAT ? 1e-6 : c.float64Tolerance();
        assertTrue(
                relative <= tolerance,
                c.name() + " " + xType + " batch " + batch + ": relative difference " + relative + " over "
                        + tolerance);
    }
}
