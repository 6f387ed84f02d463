package org.myelin.data;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The small data sets of the notes, generated exactly (logic gates) or from a seed (everything random).
 *
 * <p>The gates are binary datasets ({@code Y [N, 1]} of 0/1, see {@link Dataset#binary}); the two-class point
 * clouds too, in the form of Oxford ML §1.2 (one logistic output unit; see docs/notes.md); {@link Dataset#asOneHot()}
 * gives the softmax form. The same seed always gives the same data. Arrays are of the requested type (FLOAT in the
 * overloads without one).
 */
public final class Synthetic {
    private Synthetic() {}

    /** OR on {0,1}^2 (CS 489 §7.1, the perceptron example; see docs/notes.md): rows [0,0],[0,1],[1,0],[1,1] -> 0, 1, 1, 1. */
    public static Dataset or() {
        return or(DataType.FLOAT);
    }

    /** {@link #or()} with arrays of {@code type}. */
    public static Dataset or(DataType type) {
        checkType("or", type);
        return gate(type, 0, 1, 1, 1);
    }

    /** AND on {0,1}^2: rows [0,0],[0,1],[1,0],[1,1] -> 0, 0, 0, 1. */
    public static Dataset and() {
        return and(DataType.FLOAT);
    }

    /** {@link #and()} with arrays of {@code type}. */
    public static Dataset and(DataType type) {
        checkType("and", type);
        return gate(type, 0, 0, 0, 1);
    }

    /**
     * XOR on {0,1}^2, the truth table of CS 489 §6.2 (see docs/notes.md): rows [0,0],[0,1],[1,0],[1,1] -> 0, 1, 1, 0.
     * No linear classifier separates it (CS 489 §7.1, Remark 7.1). (CS 489 §7.1's later line "[0,0] -> 1, ..., [1,1] ->
     * 0" is a typo for NAND; the table of 6.2 is the XOR used here.)
     */
    public static Dataset xor() {
        return xor(DataType.FLOAT);
    }

    /** {@link #xor()} with arrays of {@code type}. */
    public static Dataset xor(DataType type) {
        checkType("xor", type);
        return gate(type, 0, 1, 1, 0);
    }

    /**
     * NOT as in Oxford ML §3.1.1 (the saturation example; see docs/notes.md): inputs {@code x in {-1, 1}}, target
     * {@code y = (1 - x) / 2}, so rows [1] -> 0 and [-1] -> 1.
     */
    public static Dataset not() {
        return not(DataType.FLOAT);
    }

    /** {@link #not()} with arrays of {@code type}. */
    public static Dataset not(DataType type) {
        checkType("not", type);
        INDArray x = Nd4j.createFromArray(new double[][] {{1}, {-1}}).castTo(type);
        return Dataset.binary(x, new int[] {0, 1});
    }

    /**
     * Two interleaved spirals, a two-class set no line separates (Oxford ML §1.2; see docs/notes.md). Class {@code c}
     * point {@code i} of {@code m = n/2}: {@code t = 0.25 + 3.75 i/m}, radius {@code r = t}, angle
     * {@code theta = pi t + pi c}, so {@code x = (r cos theta, r sin theta) + N(0, noise^2)}; each spiral makes
     * {@code 2} turns over radius 0.25-4.
     *
     * <p>Shapes: {@code X [n, 2]}, {@code Y [n, 1]}; rows alternate class 0, class 1.
     *
     * @param n     number of points, even and {@code >= 2}
     * @param noise standard deviation of the Gaussian jitter added to each coordinate, {@code >= 0}
     */
    public static Dataset twoSpirals(int n, double noise, long seed) {
        return twoSpirals(n, noise, seed, DataType.FLOAT);
    }

    /** {@link #twoSpirals(int, double, long)} with arrays of {@code type}. */
    public static Dataset twoSpirals(int n, double noise, long seed, DataType type) {
        checkPoints("twoSpirals", n, noise);
        checkType("twoSpirals", type);
        Random rng = new Random(seed);
        int m = n / 2;
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < m; i++) {
            double t = 0.25 + 3.75 * i / m;
            for (int c = 0; c < 2; c++) {
                double theta = Math.PI * t + Math.PI * c;
                int row = 2 * i + c;
                x[row][0] = t * Math.cos(theta) + noise * rng.nextGaussian();
                x[row][1] = t * Math.sin(theta) + noise * rng.nextGaussian();
                y[row] = c;
            }
        }
        return Dataset.binary(Nd4j.createFromArray(x).castTo(type), y);
    }

    /**
     * Two interleaving half circles ("moons"), a two-class set no line separates (Oxford ML §1.2; see docs/notes.md).
     * Class 0: {@code (cos t, sin t)}, class 1: {@code (1 - cos t, 0.5 - sin t)}, {@code t} evenly spaced in [0, pi],
     * plus {@code N(0, noise^2)} per coordinate.
     *
     * <p>Shapes: {@code X [n, 2]}, {@code Y [n, 1]}; rows alternate class 0, class 1.
     *
     * @param n     number of points, even and {@code >= 2}
     * @param noise standard deviation of the Gaussian jitter, {@code >= 0}
     */
    public static Dataset twoMoons(int n, double noise, long seed) {
        return twoMoons(n, noise, seed, DataType.FLOAT);
    }

    /** {@link #twoMoons(int, double, long)} with arrays of {@code type}. */
    public static Dataset twoMoons(int n, double noise, long seed, DataType type) {
        checkPoints("twoMoons", n, noise);
        checkType("twoMoons", type);
        Random rng = new Random(seed);
        int m = n / 2;
        double[][] x = new double[n][2];
        int[] y = new int[n];
        for (int i = 0; i < m; i++) {
            double t = m == 1 ? 0 : Math.PI * i / (m - 1);
            x[2 * i][0] = Math.cos(t) + noise * rng.nextGaussian();
            x[2 * i][1] = Math.sin(t) + noise * rng.nextGaussian();
            x[2 * i + 1][0] = 1 - Math.cos(t) + noise * rng.nextGaussian();
            x[2 * i + 1][1] = 0.5 - Math.sin(t) + noise * rng.nextGaussian();
            y[2 * i + 1] = 1;
        }
        return Dataset.binary(Nd4j.createFromArray(x).castTo(type), y);
    }

    /** The slope of the ideal mapping of CS 489 Example 11.1 (see docs/notes.md), {@code y = 0.4 x - 0.9}. */
    public static final double LINE_SLOPE = 0.4;
    /** The intercept of the ideal mapping of CS 489 Example 11.1 (see docs/notes.md). */
    public static final double LINE_INTERCEPT = -0.9;

    /**
     * Noisy samples of the ideal mapping {@code y = 0.4 x - 0.9} (CS 489 Example 11.1, the overfitting example: 5
     * training samples, 1 input, 1 linear output, MSE; see docs/notes.md): {@code x ~ U[xMin, xMax]},
     * {@code t = 0.4 x - 0.9 + N(0, noise^2)}. The notes give the mapping and the sample count but not the noise
     * level or x range (they are in a figure the text lost); {@link #noisyLine(int, long)} uses x in [-1, 1] and
     * noise 0.1 (a choice made here, not the notes').
     *
     * <p>Shapes: {@code X [n, 1]}, {@code Y [n, 1]} (regression).
     */
    public static Dataset noisyLine(int n, double xMin, double xMax, double noise, long seed, DataType type) {
        if (n < 1) {
            throw new IllegalArgumentException("noisyLine: n must be >= 1, was " + n);
        }
        if (!(xMin < xMax) || !Double.isFinite(xMin) || !Double.isFinite(xMax)) {
            throw new IllegalArgumentException(
                    "noisyLine: x range must satisfy xMin < xMax, was [" + xMin + ", " + xMax + "]");
        }
        if (!Double.isFinite(xMax - xMin)) {
            // The width xMax - xMin overflowed: every x was infinite and Dataset.of blamed "features: row 0".
            throw new IllegalArgumentException("noisyLine: x range width xMax - xMin must be finite, was [" + xMin
                    + ", " + xMax + "] (width " + (xMax - xMin) + ")");
        }
        checkNoise("noisyLine", noise);
        checkType("noisyLine", type);
        double limit = largest(type);
        if (Math.abs(xMin) > limit || Math.abs(xMax) > limit) {
            throw new IllegalArgumentException(
                    "noisyLine: x range [" + xMin + ", " + xMax + "] exceeds the largest " + type + " value " + limit);
        }
        Random rng = new Random(seed);
        double[][] x = new double[n][1];
        double[][] t = new double[n][1];
        for (int i = 0; i < n; i++) {
            x[i][0] = xMin + (xMax - xMin) * rng.nextDouble();
            t[i][0] = LINE_SLOPE * x[i][0] + LINE_INTERCEPT + noise * rng.nextGaussian();
        }
        return Dataset.of(
                Nd4j.createFromArray(x).castTo(type), Nd4j.createFromArray(t).castTo(type));
    }

    /** {@code n} noisy samples with x in [-1, 1] and noise standard deviation 0.1, FLOAT. */
    public static Dataset noisyLine(int n, long seed) {
        return noisyLine(n, -1.0, 1.0, 0.1, seed, DataType.FLOAT);
    }

    private static Dataset gate(DataType type, int y00, int y01, int y10, int y11) {
        INDArray x = Nd4j.createFromArray(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}})
                .castTo(type);
        return Dataset.binary(x, new int[] {y00, y01, y10, y11});
    }

    private static void checkPoints(String name, int n, double noise) {
        if (n < 2 || n % 2 != 0) {
            throw new IllegalArgumentException(name + ": n must be even and >= 2, was " + n);
        }
        checkNoise(name, noise);
    }

    private static void checkType(String name, DataType type) {
        org.myelin.Preconditions.requireFloatType("Synthetic." + name, type);
    }

    /** The largest finite value of a floating-point type. */
    private static double largest(DataType type) {
        return switch (type) {
            case DOUBLE -> Double.MAX_VALUE;
            case HALF -> 65504.0;
            default -> Float.MAX_VALUE; // FLOAT, and BFLOAT16 whose largest value is just above
        };
    }

    private static void checkNoise(String name, double noise) {
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException(name + ": noise must be finite and >= 0, was " + noise);
        }
    }
}
