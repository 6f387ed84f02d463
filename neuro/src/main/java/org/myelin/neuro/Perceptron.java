package org.myelin.neuro;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A threshold unit trained with the perceptron rule (CS 489 §7.1; see docs/notes.md):
 *
 * <pre>
 *   y = sigma(w . x + b),   sigma(z) = 1 if z >= 0 else 0
 *   E = t - y               ("L1 error": -1, 0 or 1)
 *   w = w + eta E x,   b = b + eta E
 * </pre>
 *
 * The notes' worked OR example uses eta = 1. Their text writes the bias update as b = b + E t, but their own
 * numbers follow b = b + E: from w = [0.6, -0.2], b = -0.1 the pattern [0, 1] (t = 1) gives b = 0.9, and the
 * final weights they reach, w = [0.6, 0.8], b = -0.1, need the pattern [0, 0] (t = 0, E = -1) to lower b by 1,
 * which b = b + E t would not do. This class uses b = b + eta E.
 *
 * <p>Shapes: w {@code [D]}; a sample x {@code [D]}; a data set X {@code [N, D]} with targets {@code [N]} in {0, 1}.
 */
public final class Perceptron {
    private final INDArray w;
    private double b;
    private final double learningRate;

    /** A perceptron starting from the given weights (copied, as DOUBLE) and bias, learning rate eta. */
    public Perceptron(INDArray weights, double bias, double learningRate) {
        if (weights == null || weights.length() < 1) {
            throw new IllegalArgumentException("Perceptron: weights must be a non-empty vector");
        }
        // NaN weights or bias made every drive NaN, so every output 0 and no update could fix it; an infinite
        // learning rate made the first update's weights infinite and later drives NaN.
        SimulationLimits.requireFiniteEntries("Perceptron: weights must be finite", weights);
        if (!Double.isFinite(bias)) {
            throw new IllegalArgumentException("Perceptron: bias must be finite, was " + bias);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Perceptron: learning rate must be > 0 and finite, was " + learningRate);
        }
        this.w = weights.castTo(DataType.DOUBLE).reshape(weights.length()).dup();
        this.b = bias;
        this.learningRate = learningRate;
    }

    /** A perceptron from w, b with eta = 1, as in the notes. */
    public Perceptron(double[] weights, double bias) {
        this(weights == null ? null : Nd4j.createFromArray(weights), bias, 1.0);
    }

    /** A copy of the weights. */
    public INDArray weights() {
        return w.dup();
    }

    public double bias() {
        return b;
    }

    public double learningRate() {
        return learningRate;
    }

    /** The drive z = w . x + b of one sample. */
    public double drive(INDArray x) {
        checkSample(x);
        return driveOf(x);
    }

    /** The output y = sigma(w . x + b) in {0, 1} for one sample. */
    public int predict(INDArray x) {
        return drive(x) >= 0 ? 1 : 0;
    }

    /** Outputs for every row of X: sigma(X w + b). Shapes: X {@code [N, D]} -> {@code [N]}, DOUBLE. */
    public INDArray predictAll(INDArray inputs) {
        checkBatch(inputs, null);
        return predictAllOf(inputs);
    }

    /** Presents one sample, updates w and b in place by the rule, and returns the error E = t - y. */
    public int update(INDArray x, int target) {
        if (target != 0 && target != 1) {
            throw new IllegalArgumentException("Perceptron: target must be 0 or 1, was " + target);
        }
        checkSample(x);
        return learn(x, target);
    }

    /**
     * Presents every row of X once, in order; returns how many were misclassified when presented. Inputs and
     * targets are checked whole before the first update.
     */
    public int trainEpoch(INDArray inputs, INDArray targets) {
        return epoch(inputs, checkBatch(inputs, targets));
    }

    /**
     * Trains epoch by epoch until an epoch has no mistakes or {@code maxEpochs} are done. Returns the mistakes
     * of each epoch run (the last is 0 exactly when the data were learned).
     */
    public int[] train(INDArray inputs, INDArray targets, int maxEpochs) {
        if (maxEpochs < 1) {
            throw new IllegalArgumentException("Perceptron: maxEpochs must be >= 1, was " + maxEpochs);
        }
        int[] t = checkBatch(inputs, targets);
        // Grown as epochs run: an int[maxEpochs] up front claimed 8 GB for maxEpochs = Integer.MAX_VALUE, a
        // natural "until learned", before the first epoch.
        int[] history = new int[Math.min(maxEpochs, 16)];
        for (int e = 0; e < maxEpochs; e++) {
            if (e == history.length) {
                history = Arrays.copyOf(history, (int) Math.min(maxEpochs, 2L * e));
            }
            history[e] = epoch(inputs, t);
            if (history[e] == 0) {
                return Arrays.copyOf(history, e + 1);
            }
        }
        return history;
    }

    /** Number of rows of X whose output differs from the target. */
    public int errors(INDArray inputs, INDArray targets) {
        checkBatch(inputs, targets);
        return predictAllOf(inputs)
                .neq(targets.castTo(DataType.DOUBLE).reshape(inputs.rows()))
                .castTo(DataType.INT)
                .sumNumber()
                .intValue();
    }

    private double driveOf(INDArray x) {
        return x.castTo(DataType.DOUBLE).reshape(w.length()).mul(w).sumNumber().doubleValue() + b;
    }

    private INDArray predictAllOf(INDArray inputs) {
        INDArray z =
                inputs.castTo(DataType.DOUBLE).mmul(w.reshape(w.length(), 1)).addi(b);
        return z.gte(0.0).castTo(DataType.DOUBLE).reshape(inputs.rows());
    }

    /** The rule for one checked sample and target. */
    private int learn(INDArray x, int target) {
        int error = target - (driveOf(x) >= 0 ? 1 : 0);
        if (error != 0) {
            w.addi(x.castTo(DataType.DOUBLE).reshape(w.length()).mul(learningRate * error));
            b += learningRate * error;
        }
        return error;
    }

    /** One epoch over checked inputs and their targets. */
    private int epoch(INDArray inputs, int[] targets) {
        int mistakes = 0;
        for (int i = 0; i < inputs.rows(); i++) {
            if (learn(inputs.getRow(i), targets[i]) != 0) {
                mistakes++;
            }
        }
        return mistakes;
    }

    private void checkSample(INDArray x) {
        if (x == null || x.length() != w.length()) {
            throw new IllegalArgumentException("Perceptron: input has shape "
                    + (x == null ? "null" : Arrays.toString(x.shape())) + ", expected [" + w.length() + "]");
        }
        // A NaN input made the drive NaN, so the output 0 (NaN >= 0 is false), and an update added NaN to the
        // weights, after which every output was 0; an infinite one did the same through inf - inf.
        SimulationLimits.requireFiniteEntries("Perceptron: input must be finite", x.reshape(x.length()));
    }

    /**
     * Checks a data set before any work: X {@code [N, D]} finite, and (when given) N targets each 0 or 1, which
     * it returns as ints (a target of 0.5 or 2 was truncated by getInt, or failed part way through an epoch
     * after the rows before it had updated the weights).
     */
    private int[] checkBatch(INDArray inputs, INDArray targets) {
        if (inputs == null || inputs.rank() != 2 || inputs.columns() != w.length()) {
            throw new IllegalArgumentException(
                    "Perceptron: inputs have shape " + (inputs == null ? "null" : Arrays.toString(inputs.shape()))
                            + ", expected [*, " + w.length() + "]");
        }
        if (inputs.rows() == 0) {
            throw new IllegalArgumentException(
                    "Perceptron: inputs have shape " + Arrays.toString(inputs.shape()) + ", expected at least one row");
        }
        if (targets != null && targets.length() != inputs.rows()) {
            throw new IllegalArgumentException("Perceptron: " + targets.length() + " targets for " + inputs.rows()
                    + " inputs, expected one per row");
        }
        SimulationLimits.requireFiniteEntries("Perceptron: inputs must be finite", inputs);
        if (targets == null) {
            return null;
        }
        double[] t = targets.castTo(DataType.DOUBLE).reshape(targets.length()).toDoubleVector();
        int[] out = new int[t.length];
        for (int i = 0; i < t.length; i++) {
            if (t[i] != 0 && t[i] != 1) {
                throw new IllegalArgumentException("Perceptron: targets must be 0 or 1, entry " + i + " was " + t[i]);
            }
            out[i] = (int) t[i];
        }
        return out;
    }
}
