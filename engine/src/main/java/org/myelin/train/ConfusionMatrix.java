package org.myelin.train;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs, with accuracy and per-class precision and recall.
 * Rows are true classes, columns predicted classes. A sample can also have no predicted class ({@link #NO_CLASS}:
 * the model's output for it holds NaN); it counts as wrong, in the accuracy and in its true class's recall.
 */
public final class ConfusionMatrix {
    /** The prediction of a sample whose output holds NaN: no class, never correct. */
    public static final int NO_CLASS = -1;

    private final long[][] counts;
    /** Per true class, the samples predicted as {@link #NO_CLASS}. */
    private final long[] unclassified;

    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("ConfusionMatrix: classes must be >= 1, was " + classes);
        }
        counts = new long[classes][classes];
        unclassified = new long[classes];
    }

    /** Adds one sample per index: {@code truth[i]} predicted as {@code predicted[i]} (a class or {@link #NO_CLASS}). */
    public void add(int[] truth, int[] predicted) {
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(
                    "ConfusionMatrix.add: " + truth.length + " true labels but " + predicted.length + " predictions");
        }
        for (int i = 0; i < truth.length; i++) {
            check("true label", i, truth[i]);
            if (predicted[i] == NO_CLASS) {
                unclassified[truth[i]]++;
                continue;
            }
            check("prediction", i, predicted[i]);
            counts[truth[i]][predicted[i]]++;
        }
    }

    private void check(String what, int i, int c) {
        if (c < 0 || c >= counts.length) {
            throw new IllegalArgumentException(
                    "ConfusionMatrix.add: " + what + " " + i + " is " + c + ", expected 0.." + (counts.length - 1));
        }
    }

    public int classes() {
        return counts.length;
    }

    public long count(int truth, int predicted) {
        return counts[truth][predicted];
    }

    /** Samples of true class {@code truth} with no predicted class (a NaN in the model's output). */
    public long unclassified(int truth) {
        return unclassified[truth];
    }

    /** All samples added, those with no predicted class included. */
    public long total() {
        long n = Arrays.stream(unclassified).sum();
        for (long[] row : counts) {
            for (long v : row) {
                n += v;
            }
        }
        return n;
    }

    /** Fraction of samples on the diagonal (a sample with no predicted class is wrong); NaN when empty. */
    public double accuracy() {
        long correct = 0;
        for (int i = 0; i < counts.length; i++) {
            correct += counts[i][i];
        }
        long n = total();
        return n == 0 ? Double.NaN : (double) correct / n;
    }

    /** Of the samples predicted as {@code c}, the fraction truly {@code c}; NaN when none was predicted. */
    public double precision(int c) {
        long predicted = 0;
        for (long[] row : counts) {
            predicted += row[c];
        }
        return predicted == 0 ? Double.NaN : (double) counts[c][c] / predicted;
    }

    /** Of the samples truly {@code c}, the fraction predicted as {@code c}; NaN when there are none. */
    public double recall(int c) {
        long actual = Arrays.stream(counts[c]).sum() + unclassified[c];
        return actual == 0 ? Double.NaN : (double) counts[c][c] / actual;
    }

    /**
     * A fixed-width table with per-class precision and recall, for terminals and logs; with a column {@code NaN} of
     * the samples that had no predicted class, when there are any.
     */
    public String render() {
        boolean anyUnclassified = Arrays.stream(unclassified).anyMatch(v -> v > 0);
        StringBuilder sb = new StringBuilder("true\\pred");
        for (int j = 0; j < counts.length; j++) {
            sb.append(String.format("%7d", j));
        }
        if (anyUnclassified) {
            sb.append(String.format("%7s", "NaN"));
        }
        sb.append("   precision  recall\n");
        for (int i = 0; i < counts.length; i++) {
            sb.append(String.format("%9d", i));
            for (int j = 0; j < counts.length; j++) {
                sb.append(String.format("%7d", counts[i][j]));
            }
            if (anyUnclassified) {
                sb.append(String.format("%7d", unclassified[i]));
            }
            sb.append(String.format("   %9.4f  %6.4f%n", precision(i), recall(i)));
        }
        return sb.toString();
    }
}
