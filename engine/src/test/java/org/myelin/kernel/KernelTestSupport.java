package org.myelin.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Random data and tolerance checks shared by the kernel tests. */
final class KernelTestSupport {

    /** The elementwise activations the native kernels implement. */
    static final List<Activation> ELEMENTWISE = List.of(
            Activations.LOGISTIC,
            Activations.TANH,
            Activations.ARCTAN,
            Activations.RELU,
            Activations.leakyRelu(0.1),
            Activations.IDENTITY,
            Activations.THRESHOLD);

    /** Lengths that reach every loop branch: empty, one, odd, small, and a large odd one (the vector loops' remainders). */
    static final long[] LENGTHS = {0, 1, 7, 1_000, 1_000_003};

    private KernelTestSupport() {}

    /** Absolute tolerance per unit of scale: 1e-6 for float32, 1e-12 for float64. */
    static double tolerance(DataType type) {
        return type == DataType.FLOAT ? 1e-6 : 1e-12;
    }

    private static final Map<String, INDArray> RANDOM = new ConcurrentHashMap<>();

    /**
     * A fresh copy of {@code scale * N(0, 1)} entries of {@code type} drawn with {@code seed}; an empty array when
     * a dimension is 0. Draws are cached, so the million-element cases pay for the generator once.
     */
    static INDArray randn(long seed, DataType type, double scale, long... shape) {
        for (long d : shape) {
            if (d == 0) {
                return Nd4j.create(type, shape);
            }
        }
        String key = seed + " " + type + " " + scale + " " + Arrays.toString(shape);
        return RANDOM.computeIfAbsent(key, k -> {
                    Nd4j.getRandom().setSeed(seed);
                    return Nd4j.randn(type, shape).muli(scale);
                })
                .dup();
    }

    /**
     * Asserts {@code |actual - expected| <= tol * scale} elementwise, with ND4J ops (no Java loop over a million
     * entries). {@code scale} is typically {@code |gradOut|}.
     */
    static void assertClose(INDArray expected, INDArray actual, INDArray scale, double tol, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        if (expected.isEmpty()) {
            return;
        }
        // In the arrays' own type when they agree (no copies to float64 of a million entries).
        DataType type = expected.dataType() == actual.dataType() && actual.dataType() == scale.dataType()
                ? actual.dataType()
                : DataType.DOUBLE;
        INDArray excess = Transforms.abs(actual.castTo(type).sub(expected.castTo(type)), false)
                .subi(Transforms.abs(scale.castTo(type), true).muli(tol));
        double worst = excess.maxNumber().doubleValue();
        assertTrue(worst <= 0, () -> what + ": some |actual - expected| exceeds " + tol + " x scale by " + worst);
        assertTrue(!Double.isNaN(worst), what + ": NaN in the comparison");
    }

    /** Asserts {@code |actual - expected| <= tol * max(1, |expected|)} elementwise. */
    static void assertCloseRelative(INDArray expected, INDArray actual, double tol, String what) {
        if (expected.isEmpty()) {
            assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
            return;
        }
        INDArray scale = Transforms.max(Transforms.abs(expected, true), 1.0, false);
        assertClose(expected, actual, scale, tol, what);
    }
}
