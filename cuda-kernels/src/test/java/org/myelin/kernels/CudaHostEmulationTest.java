package org.myelin.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The emulated CUDA kernels on raw buffers against the CPU library: what the engine's tests cannot reach (an
 * empty launch, grids smaller than the data so that every thread loops, a refused launch). The engine's kernel
 * tests run the whole size/precision/view matrix through the engine's launch code.
 */
class CudaHostEmulationTest {

    private static final int[] ACTIVATIONS = {
        NativeKernels.IDENTITY,
        NativeKernels.LOGISTIC,
        NativeKernels.TANH,
        NativeKernels.ARCTAN,
        NativeKernels.RELU,
        NativeKernels.LEAKY_RELU,
        NativeKernels.THRESHOLD
    };

    private static PointerPointer<Pointer> params(Pointer... values) {
        PointerPointer<Pointer> p = new PointerPointer<>(values.length);
        for (int i = 0; i < values.length; i++) {
            p.put(i, values[i]);
        }
        return p;
    }

    private static LongPointer value(long v) {
        return new LongPointer(1).put(v);
    }

    private static IntPointer value(int v) {
        return new IntPointer(1).put(v);
    }

    private static double[] random(long seed, int n, double scale) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * r.nextGaussian();
        }
        return x;
    }

    /** Grids of one thread, fewer threads than elements, exactly one per element, and the engine's own. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3, 37, 1000})
    void float64BackwardOfEveryActivationEqualsTheCpuKernelForAnyGrid(int blocks) {
        int n = 1_000;
        int threads = blocks == 1000 ? CudaLaunchGeometry.forLength(n).threads() : 32;
        int grid = blocks == 1000 ? CudaLaunchGeometry.forLength(n).blocks() : blocks;
        try (DoublePointer z = new DoublePointer(random(1, n, 4));
                DoublePointer g = new DoublePointer(random(2, n, 1));
                DoublePointer want = new DoublePointer(n);
                DoublePointer got = new DoublePointer(n)) {
            for (int act : ACTIVATIONS) {
                assertEquals(0, NativeKernels.backwardF64(act, 0.1, z.address(), g.address(), want.address(), n));
                got.fill(0xff); // NaN everywhere: an element no thread writes stays NaN
                try (PointerPointer<Pointer> p = params(
                        value(act),
                        new DoublePointer(1).put(0.1),
                        value(z.address()),
                        value(g.address()),
                        value(got.address()),
                        value((long) n))) {
                    assertEquals(0, CudaHostEmulation.launch("myelin_backward_f64", grid, threads, p));
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(
                            want.get(i),
                            got.get(i),
                            1e-15 * (1 + Math.abs(want.get(i))),
                            "activation " + act + ", grid " + grid + " x " + threads + ", element " + i);
                }
            }
        }
    }

    @Test
    void float32BiasForwardEqualsTheCpuKernelWithAGridSmallerThanTheBatch() {
        int rows = 33;
        int cols = 29;
        int n = rows * cols;
        float[] xs = new float[n];
        double[] x64 = random(3, n, 3);
        for (int i = 0; i < n; i++) {
            xs[i] = (float) x64[i];
        }
        float[] bs = {
            0.5f, -0.25f, 1f, -2f, 0f, 0.125f, 3f, -1f, 0.75f, -0.5f, 2f, 0.1f, -0.1f, 0.2f, -0.2f, 0.3f, -0.3f, 0.4f,
            -0.4f, 0.6f, -0.6f, 0.7f, -0.7f, 0.8f, -0.8f, 0.9f, -0.9f, 1.5f, -1.5f
        };
        try (FloatPointer x = new FloatPointer(xs);
                FloatPointer b = new FloatPointer(bs);
                FloatPointer zWant = new FloatPointer(n);
                FloatPointer aWant = new FloatPointer(n);
                FloatPointer zGot = new FloatPointer(n);
                FloatPointer aGot = new FloatPointer(n)) {
            for (int act : ACTIVATIONS) {
                assertEquals(
                        0,
                        NativeKernels.biasForwardF32(
                                act, 0.1f, x.address(), b.address(), zWant.address(), aWant.address(), rows, cols));
                zGot.fill(0xff);
                aGot.fill(0xff);
                try (PointerPointer<Pointer> p = params(
                        value(act),
                        new FloatPointer(1).put(0.1f),
                        value(x.address()),
                        value(b.address()),
                        value(zGot.address()),
                        value(aGot.address()),
                        value((long) rows),
                        value((long) cols))) {
                    assertEquals(0, CudaHostEmulation.launch("myelin_bias_forward_f32", 5, 64, p));
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(zWant.get(i), zGot.get(i), 0f, "z, activation " + act + ", element " + i);
                    assertEquals(
                            aWant.get(i),
                            aGot.get(i),
                            1e-6f * (1 + Math.abs(aWant.get(i))),
                            "a, activation " + act + ", element " + i);
                }
            }
        }
    }

    @Test
    void anEmptyLaunchWritesNothing() {
        try (DoublePointer z = new DoublePointer(1.0, 2.0);
                DoublePointer out = new DoublePointer(7.0, 8.0);
                PointerPointer<Pointer> p = params(
                        value(NativeKernels.RELU),
                        new DoublePointer(1).put(0.0),
                        value(z.address()),
                        value(z.address()),
                        value(out.address()),
                        value(0L))) {
            CudaLaunchGeometry geometry = CudaLaunchGeometry.forLength(0);
            assertEquals(0, CudaHostEmulation.launch("myelin_backward_f64", geometry.blocks(), geometry.threads(), p));
            assertEquals(7.0, out.get(0));
            assertEquals(8.0, out.get(1));
        }
    }

    @Test
    void unknownKernelsAndImpossibleGridsAreRefused() {
        try (PointerPointer<Pointer> p = new PointerPointer<>(1)) {
            assertEquals(-1, CudaHostEmulation.launch("myelin_no_such_kernel", 1, 1, p));
            assertEquals(-2, CudaHostEmulation.launch("myelin_backward_f32", 0, 256, p));
            assertEquals(-2, CudaHostEmulation.launch("myelin_backward_f32", 1, 1025, p));
        }
    }
}
