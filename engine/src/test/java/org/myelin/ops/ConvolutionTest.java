package org.myelin.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Op;
import org.myelin.autodiff.OpHarness;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Conv2dGeometry;
import org.myelin.kernel.ConvKernels;
import org.myelin.kernel.Convolutions;
import org.myelin.kernel.Kernels;
import org.myelin.kernel.Pooling;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution and pooling values against direct loops over the definitions, the native im2col path against ND4J's
 * ops (the reference), the max-pool tie rule, and the shape errors.
 */
class ConvolutionTest {

    /** The definition, looped: Y[n,o,y,x] = b[o] + sum W[o,c,i,j] X[n,c,y sh - pt + i dh, x sw - pl + j dw]. */
    private static INDArray direct(
            INDArray x, INDArray w, INDArray b, int sh, int sw, int pt, int pl, int dh, int dw, long oh, long ow) {
        long n = x.size(0);
        long c = x.size(1);
        long h = x.size(2);
        long wd = x.size(3);
        long o = w.size(0);
        INDArray y = Nd4j.create(DataType.DOUBLE, n, o, oh, ow);
        for (int ni = 0; ni < n; ni++) {
            for (int oi = 0; oi < o; oi++) {
                for (int yy = 0; yy < oh; yy++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b == null ? 0 : b.getDouble(oi);
                        for (int ci = 0; ci < c; ci++) {
                            for (int i = 0; i < w.size(2); i++) {
                                for (int j = 0; j < w.size(3); j++) {
                                    long iy = (long) yy * sh - pt + (long) i * dh;
                                    long ix = (long) xx * sw - pl + (long) j * dw;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += w.getDouble(oi, ci, i, j) * x.getDouble(ni, ci, iy, ix);
                                    }
                                }
                            }
                        }
                        y.putScalar(new long[] {ni, oi, yy, xx}, s);
                    }
                }
            }
        }
        return y;
    }

    private static INDArray forward(Op op, INDArray... in) {
        boolean[] needs = new boolean[in.length];
        java.util.Arrays.fill(needs, true);
        return OpHarness.forward(op, needs, in);
    }

    @ParameterizedTest(name = "{0}: stride {1}x{2} pad {3}x{4} dilation {5}x{6}")
    @CsvSource({
        "nd4j, 1, 1, 0, 0, 1, 1",
        "nd4j, 2, 1, 1, 2, 1, 2",
        "im2col, 1, 1, 0, 0, 1, 1",
        "im2col, 2, 1, 1, 2, 1, 2",
        "im2col, 3, 2, 2, 1, 2, 1"
    })
    void forwardEqualsTheDefinition(String impl, int sh, int sw, int ph, int pw, int dh, int dw) {
        ConvKernels k = kernels(impl);
        INDArray x = TestArrays.gaussian(1, 2, 3, 9, 8);
        INDArray w = TestArrays.gaussian(2, 4, 3, 3, 2);
        INDArray b = TestArrays.gaussian(3, 4);
        INDArray y = forward(new Conv2dOp(sh, sw, ph, pw, dh, dw, false, k), x, w, b);
        long oh = (9 + 2 * ph - (3 - 1) * dh - 1) / sh + 1;
        long ow = (8 + 2 * pw - (2 - 1) * dw - 1) / sw + 1;
        TestArrays.assertClose(direct(x, w, b, sh, sw, ph, pw, dh, dw, oh, ow), y, 1e-12, impl);
    }

    @ParameterizedTest(name = "{0}: H {1}, stride {2}")
    @CsvSource({"nd4j, 6, 2", "nd4j, 7, 2", "im2col, 6, 2", "im2col, 7, 3", "im2col, 5, 1"})
    void samePaddingGivesCeilOfSizeOverStrideWithTheSmallerHalfOnTop(String impl, int size, int stride) {
        INDArray x = TestArrays.gaussian(4, 1, 2, size, size);
        INDArray w = TestArrays.gaussian(5, 3, 2, 4, 4);
        INDArray y = forward(new Conv2dOp(stride, stride, 0, 0, 1, 1, true, kernels(impl)), x, w);
        long out = (size + stride - 1) / stride;
        assertArrayEquals(new long[] {1, 3, out, out}, y.shape());
        int pad = (int) Math.max((out - 1) * stride + 4 - size, 0) / 2;
        TestArrays.assertClose(direct(x, w, null, stride, stride, pad, pad, 1, 1, out, out), y, 1e-12, impl);
    }

    @Test
    void nativeIm2colAgreesWithNd4jOnALayerSizedCaseInFloat32() {
        assumeTrue(Kernels.nativeCpuAvailable(), "native kernels not loaded");
        INDArray x = TestArrays.gaussian(6, 8, 16, 14, 14).castTo(DataType.FLOAT);
        INDArray w = TestArrays.gaussian(7, 32, 16, 3, 3).castTo(DataType.FLOAT).muli(0.1);
        INDArray b = TestArrays.gaussian(8, 32).castTo(DataType.FLOAT);
        INDArray g = TestArrays.gaussian(9, 8, 32, 7, 7).castTo(DataType.FLOAT);
        INDArray[][] results = new INDArray[2][];
        int r = 0;
        for (ConvKernels k : new ConvKernels[] {Convolutions.nd4j(), Convolutions.im2col()}) {
            Op op = new Conv2dOp(2, 2, 1, 1, 1, 1, false, k);
            INDArray y = forward(op, x, w, b);
            INDArray[] grads = OpHarness.backward(op, g);
            results[r++] = new INDArray[] {y, grads[0], grads[1], grads[2]};
        }
        String[] what = {"Y", "dX", "dW", "db"};
        for (int i = 0; i < 4; i++) {
            double scale = Math.max(1, results[0][i].amaxNumber().doubleValue());
            // float32 sums of up to 8*7*7 = 392 products in different orders: agreement within 1e-5 relative.
            TestArrays.assertClose(results[0][i], results[1][i], 1e-5 * scale, what[i]);
        }
    }

    /** ND4J's maxpool2d / maxpool2d_bp, the reference of the native kernels. */
    private static INDArray[] nd4jMaxPool(INDArray x, INDArray gradOut, Conv2dGeometry g, boolean same) {
        int[] args = {
            g.kh(), g.kw(), g.sh(), g.sw(), same ? 0 : g.padTop(), same ? 0 : g.padLeft(), 1, 1, same ? 1 : 0, 0, 0
        };
        INDArray y = Nd4j.create(x.dataType(), g.batch(), g.channels(), g.outHeight(), g.outWidth());
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d")
                .addInputs(x)
                .addOutputs(y)
                .addIntegerArguments(args)
                .build());
        INDArray gx = Nd4j.create(x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
                .addInputs(x, gradOut)
                .addOutputs(gx)
                .addIntegerArguments(args)
                .build());
        return new INDArray[] {y, gx};
    }

    @ParameterizedTest(name = "{0}: {1}x{2} window, stride {3}x{4}, padding {5}x{6}, same {7}, {8}x{9} images")
    @CsvSource({
        "FLOAT, 2, 2, 2, 2, 0, 0, false, 24, 24",
        "DOUBLE, 2, 2, 2, 2, 0, 0, false, 7, 9",
        "FLOAT, 3, 3, 2, 2, 1, 1, false, 9, 8",
        "DOUBLE, 3, 2, 1, 2, 1, 0, false, 5, 7",
        "FLOAT, 3, 3, 2, 2, 0, 0, true, 7, 6",
        "DOUBLE, 2, 2, 1, 1, 0, 0, true, 5, 5"
    })
    void nativeMaxPoolEqualsNd4jsOpsForwardAndBackward(
            DataType type, int kh, int kw, int sh, int sw, int ph, int pw, boolean same, int h, int w) {
        assumeTrue(Kernels.nativeCpuAvailable(), "native kernels not loaded");
        // Values on a coarse grid, so windows hold ties and the tie rule is compared too.
        INDArray x = TestArrays.gaussian(20, 3, 4, h, w)
                .muli(2)
                .castTo(DataType.INT32)
                .castTo(type);
        Conv2dGeometry g = Conv2dGeometry.of("test", x.shape(), kh, kw, sh, sw, ph, pw, 1, 1, same);
        INDArray gradOut = TestArrays.gaussian(21, 3, 4, (int) g.outHeight(), (int) g.outWidth())
                .castTo(type);
        INDArray[] reference = nd4jMaxPool(x, gradOut, g, same);
        // Exact: a maximum is one of the inputs, and each input gradient a sum of the same upstream values in the
        // same (row-major window) order.
        TestArrays.assertClose(reference[0], Pooling.maxPool(x, g), 0, "Y");
        TestArrays.assertClose(
                reference[1], Pooling.maxPoolBackward(x, gradOut, g), type == DataType.FLOAT ? 1e-6 : 1e-12, "dX");
    }

    @Test
    void maxPoolTiesSendTheWholeGradientToTheFirstCellInRowMajorOrder() {
        // One 2x2 window holding four equal values, one holding a tie between its bottom-left and bottom-right cell.
        INDArray x = TestArrays.create(new double[] {5, 5, 1, 2, 5, 5, 7, 7}, 1, 1, 2, 4);
        Op op = new MaxPool2d(2, 2, 2, 2, 0, 0);
        INDArray y = forward(op, x);
        TestArrays.assertClose(TestArrays.create(new double[] {5, 7}, 1, 1, 1, 2), y, 0, "Y");
        INDArray gx = OpHarness.backward(op, TestArrays.create(new double[] {10, 20}, 1, 1, 1, 2))[0];
        TestArrays.assertClose(TestArrays.create(new double[] {10, 0, 0, 0, 0, 0, 20, 0}, 1, 1, 2, 4), gx, 0, "dX");
    }

    @Test
    void maxPoolIgnoresPaddingAndOverlappingWindowsAddTheirGradients() {
        INDArray x = TestArrays.create(new double[] {-3, -1, -2, -4, -5, -6, -7, -8, -9}, 1, 1, 3, 3);
        Op op = new MaxPool2d(2, 2, 1, 1, 1, 1); // 4x4 windows over the padded image; padding never wins
        INDArray y = forward(op, x);
        assertArrayEquals(new long[] {1, 1, 4, 4}, y.shape());
        assertEquals(-3.0, y.getDouble(0, 0, 0, 0), 0.0, "a corner window holds one real cell");
        INDArray gx = OpHarness.backward(op, Nd4j.ones(DataType.DOUBLE, 1, 1, 4, 4))[0];
        // -1 is the maximum of windows (0,1), (0,2), (1,1), (1,2); -3 of (0,0), (1,0); -2 of (0,3), (1,3); ...
        assertEquals(16.0, gx.sumNumber().doubleValue(), 0.0, "every window sends its gradient somewhere");
        assertEquals(4.0, gx.getDouble(0, 0, 0, 1), 0.0);
    }

    @Test
    void avgPoolDividesByTheCellsInsideTheImage() {
        INDArray x = TestArrays.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        INDArray y = forward(new AvgPool2d(3, 3, 2, 2, 1, 1), x);
        // The top-left window covers cells 1, 2, 4, 5 of the image (5 of its 9 cells are padding).
        TestArrays.assertClose(TestArrays.create(new double[] {3, 4, 6, 7}, 1, 1, 2, 2), y, 1e-12, "Y");
    }

    @Test
    void globalAveragePoolingAndFlattenGiveMatrices() {
        INDArray x = TestArrays.gaussian(10, 2, 3, 4, 5);
        INDArray y = forward(new GlobalAvgPool2dOp(), x);
        assertArrayEquals(new long[] {2, 3}, y.shape());
        assertEquals(
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1), org.nd4j.linalg.indexing.NDArrayIndex.point(2))
                        .meanNumber()
                        .doubleValue(),
                y.getDouble(1, 2),
                1e-12);
        INDArray f = forward(new FlattenOp(), x);
        assertArrayEquals(new long[] {2, 60}, f.shape());
        assertEquals(x.getDouble(1, 2, 3, 4), f.getDouble(1, 59), 0.0);
    }

    @Test
    void channelBatchNormStandardisesEachChannelOverBatchAndPositions() {
        INDArray x = TestArrays.gaussian(11, 4, 3, 5, 5).muli(3).addi(2);
        INDArray y = forward(new BatchNormOp(1e-12), x, Nd4j.ones(DataType.DOUBLE, 3), Nd4j.zeros(DataType.DOUBLE, 3));
        for (int c = 0; c < 3; c++) {
            INDArray ch =
                    y.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(c));
            assertEquals(0.0, ch.meanNumber().doubleValue(), 1e-10);
            assertEquals(1.0, ch.varNumber().doubleValue() * (ch.length() - 1.0) / ch.length(), 1e-8);
        }
    }

    @Test
    void wrongChannelCountAndWindowsLargerThanTheImageAreRejectedWithBothShapes() {
        INDArray w = TestArrays.gaussian(12, 4, 3, 3, 3);
        var channels = assertThrows(
                IllegalArgumentException.class,
                () -> Autograd.apply(
                        new Conv2dOp(), Tensor.constant(TestArrays.gaussian(13, 2, 2, 5, 5)), Tensor.constant(w)));
        assertEquals(
                "Conv2d: input X has shape [2, 2, 5, 5], expected [*, 3, *, *] for weight W [4, 3, 3, 3]",
                channels.getMessage());
        var small = assertThrows(
                IllegalArgumentException.class,
                () -> Autograd.apply(
                        new Conv2dOp(), Tensor.constant(TestArrays.gaussian(14, 2, 3, 2, 5)), Tensor.constant(w)));
        assertEquals(
                "Conv2d: input has shape [2, 3, 2, 5], expected [*, 3, H, W] with H + 0 >= 3 and W + 0 >= 3"
                        + " (a 3x3 window, dilation 1x1, padding 0/0 x 0/0); the output would be 0x3",
                small.getMessage());
        var pool = assertThrows(
                IllegalArgumentException.class,
                () -> Autograd.apply(
                        new MaxPool2d(2, 2, 2, 2, 0, 0), Tensor.constant(TestArrays.gaussian(15, 1, 1, 1, 4))));
        assertEquals(
                "MaxPool2d: input has shape [1, 1, 1, 4], expected [*, 1, H, W] with H + 0 >= 2 and W + 0 >= 2"
                        + " (a 2x2 window, dilation 1x1, padding 0/0 x 0/0); the output would be 0x2",
                pool.getMessage());
        var rank = assertThrows(
                IllegalArgumentException.class,
                () -> Autograd.apply(new MaxPool2d(2, 2, 2, 2, 0, 0), Tensor.constant(TestArrays.gaussian(16, 4, 16))));
        assertEquals("MaxPool2d: input has shape [4, 16], expected [N, C, H, W] (rank 4, NCHW)", rank.getMessage());
        var padding = assertThrows(IllegalArgumentException.class, () -> new MaxPool2d(2, 2, 2, 2, 2, 0));
        assertEquals("MaxPool2d: padding 2x0 must be at most half the kernel 2x2 (1x1)", padding.getMessage());
        var stride = assertThrows(
                IllegalArgumentException.class, () -> new Conv2dOp(0, 1, 0, 0, 1, 1, false, Convolutions.nd4j()));
        assertEquals(
                "Conv2d: stride and dilation must be >= 1 and padding >= 0, was stride 0x1, padding 0x0, "
                        + "dilation 1x1",
                stride.getMessage());
    }

    private static ConvKernels kernels(String name) {
        if (name.equals("im2col")) {
            assumeTrue(Kernels.nativeCpuAvailable(), "native kernels not loaded");
            return Convolutions.im2col();
        }
        return Convolutions.nd4j();
    }
}
