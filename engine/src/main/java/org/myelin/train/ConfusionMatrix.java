package org.myelin.train;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.myelin.MemoryLimit;

/**
 * Counts of (true class, predicted class) pairs, with accuracy and per-class precision and recall.
 * Rows are true classes, columns predicted classes. A sample can also have no predicted class ({@link #NO_CLASS}:
 * the model's output for it holds NaN); it counts as wrong, in the accuracy and in its true class's recall.
 */
public final class ConfusionMatrix {
    /** The prediction of a sample whose output holds NaN: no class, never correct. */
    public static final int NO_CLASS = -1;

    /**
     * Up to this many classes the counts are one dense {@code classes x classes} table (8 MiB at the bound); beyond
     * it only the pairs that occur are kept: a dense table for 100,000 classes is 80 GB, which ten samples of a
     * 100,000-class data set made the evaluation allocate (an OutOfMemoryError after seconds).
     */
    static final int DENSE_CLASSES = 1024;

    /** {@link #render()} draws the whole table up to this many classes, per-class lines beyond. */
    public static final int MAX_TABLE_CLASSES = 100;

    private final int classes;
    /** Rows are true classes, columns predicted ones; null above {@link #DENSE_CLASSES}. */
    private final long[][] dense;
    /** The counts above {@link #DENSE_CLASSES}, by {@code truth * classes + predicted}; null otherwise. */
    private final Map<Long, Long> sparse;

    private final long[] diagonal;
    /** Per true class, the samples with a predicted class. */
    private final long[] rowTotals;
    /** Per predicted class, its samples. */
    private final long[] columnTotals;
    /** Per true class, the samples predicted as {@link #NO_CLASS}. */
    private final long[] unclassified;

    public ConfusionMatrix(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("ConfusionMatrix: classes must be >= 1, was " + classes);
        }
        // Four counts per class, and the dense table where there is one: Integer.MAX_VALUE classes were an
        // OutOfMemoryError ("Requested array size exceeds VM limit").
        long cells = 4L * classes + (classes <= DENSE_CLASSES ? (long) classes * classes : 0);
        MemoryLimit.check("ConfusionMatrix of " + classes + " classes", cells, Long.BYTES, "counts");
        this.classes = classes;
        dense = classes <= DENSE_CLASSES ? new long[classes][classes] : null;
        sparse = dense == null ? new HashMap<>() : null;
        diagonal = new long[classes];
        rowTotals = new long[classes];
        columnTotals = new long[classes];
        unclassified = new long[classes];
    }

    /** Adds one sample per index: {@code truth[i]} predicted as {@code predicted[i]} (a class or {@link #NO_CLASS}). */
    public void add(int[] truth, int[] predicted) {
        if (truth == null || predicted == null) {
            throw new IllegalArgumentException(
                    "ConfusionMatrix.add: " + (truth == null ? "true labels" : "predictions") + " must not be null");
        }
        if (truth.length != predicted.length) {
            throw new IllegalArgumentException(
                    "ConfusionMatrix.add: " + truth.length + " true labels but " + predicted.length + " predictions");
        }
        for (int i = 0; i < truth.length; i++) { // every index first: a refused call adds nothing
            check("true label", i, truth[i]);
            if (predicted[i] != NO_CLASS) {
                check("prediction", i, predicted[i]);
            }
        }
        for (int i = 0; i < truth.length; i++) {
            int t = truth[i];
            int p = predicted[i];
            if (p == NO_CLASS) {
                unclassified[t]++;
                continue;
            }
            if (dense != null) {
                dense[t][p]++;
            } else {
                sparse.merge((long) t * classes + p, 1L, Long::sum);
            }
            rowTotals[t]++;
            columnTotals[p]++;
            if (t == p) {
                diagonal[t]++;
            }
        }
    }

    private void check(String what, int i, int c) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException(
                    "ConfusionMatrix.add: " + what + " " + i + " is " + c + ", expected 0.." + (classes - 1));
        }
    }

    /** Refuses a class index out of range by name (an ArrayIndexOutOfBoundsException before). */
    private int requireClass(String method, String what, int c) {
        if (c < 0 || c >= classes) {
            throw new IllegalArgumentException("ConfusionMatrix." + method + ": " + what + " " + c
                    + " is not a class, expected 0.." + (classes - 1));
        }
        return c;
    }

    public int classes() {
        return classes;
    }

    public long count(int truth, int predicted) {
        requireClass("count", "true class", truth);
        requireClass("count", "predicted class", predicted);
        return dense != null ? dense[truth][predicted] : sparse.getOrDefault((long) truth * classes + predicted, 0L);
    }

    /** Samples of true class {@code truth} with no predicted class (a NaN in the model's output). */
    public long unclassified(int truth) {
        return unclassified[requireClass("unclassified", "true class", truth)];
    }

    /** All samples added, those with no predicted class included. */
    public long total() {
        return Arrays.stream(rowTotals).sum() + Arrays.stream(unclassified).sum();
    }

    /** Fraction of samples on the diagonal (a sample with no predicted class is wrong); NaN when empty. */
    public double accuracy() {
        long n = total();
        return n == 0 ? Double.NaN : (double) Arrays.stream(diagonal).sum() / n;
    }

    /** Of the samples predicted as {@code c}, the fraction truly {@code c}; NaN when none was predicted. */
    public double precision(int c) {
        long predicted = columnTotals[requireClass("precision", "class", c)];
        return predicted == 0 ? Double.NaN : (double) diagonal[c] / predicted;
    }

    /** Of the samples truly {@code c}, the fraction predicted as {@code c}; NaN when there are none. */
    public double recall(int c) {
        long actual = rowTotals[requireClass("recall", "class", c)] + unclassified[c];
        return actual == 0 ? Double.NaN : (double) diagonal[c] / actual;
    }

    /**
     * The unweighted mean of {@link #precision} over the classes that occur, in the true labels or in the
     * predictions; a class that occurs but was never predicted has no precision and counts as 0 (as scikit-learn's
     * {@code precision_score(average="macro")} does): a model that never predicts a class is not rewarded for it. A
     * class that occurs nowhere is left out. NaN when no class occurs.
     */
    public double macroPrecision() {
        return macro(true);
    }

    /** The unweighted mean of {@link #recall} over the classes that occur, as {@link #macroPrecision()} takes it. */
    public double macroRecall() {
        return macro(false);
    }

    private double macro(boolean precision) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes; c++) {
            if (rowTotals[c] + unclassified[c] + columnTotals[c] == 0) {
                continue;
            }
            double v = precision ? precision(c) : recall(c);
            sum += Double.isNaN(v) ? 0 : v;
            n++;
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** What {@link #render()} prints for a precision or recall that is undefined (no sample to divide by). */
    public static final String UNDEFINED = "n/a";

    private static String ratio(double v, int width) {
        return Double.isNaN(v)
                ? " ".repeat(Math.max(0, width - UNDEFINED.length())) + UNDEFINED
                : String.format(java.util.Locale.ROOT, "%" + width + ".4f", v);
    }

    /**
     * A fixed-width table with per-class precision and recall and their macro averages ({@link #macroPrecision}),
     * for terminals and logs; with a column {@code NaN} of the samples that had no predicted class (their model output
     * held NaN), when there are any. A precision of a class never predicted, or a recall of a class absent from the
     * data, is {@value #UNDEFINED}, explained in a line under the table. Beyond {@value #MAX_TABLE_CLASSES} classes (a
     * table of classes x classes cells: 10^10 for 100,000 classes) one line per class: its samples, those predicted
     * right, those with no predicted class, precision and recall.
     */
    public String render() {
        boolean anyUnclassified = Arrays.stream(unclassified).anyMatch(v -> v > 0);
        StringBuilder sb = new StringBuilder();
        if (classes > MAX_TABLE_CLASSES) {
            sb.append(String.format("%9s%12s%12s%12s   precision  recall%n", "class", "samples", "correct", "NaN"));
            for (int i = 0; i < classes; i++) {
                sb.append(String.format(
                        "%9d%12d%12d%12d   %s  %s%n",
                        i,
                        rowTotals[i] + unclassified[i],
                        diagonal[i],
                        unclassified[i],
                        ratio(precision(i), 9),
                        ratio(recall(i), 6)));
            }
            sb.append(String.format(
                    "%45s   %s  %s%n", "macro average", ratio(macroPrecision(), 9), ratio(macroRecall(), 6)));
            return sb.append(legend()).toString();
        }
        sb.append("true\\pred");
        for (int j = 0; j < classes; j++) {
            sb.append(String.format("%7d", j));
        }
        if (anyUnclassified) {
            sb.append(String.format("%7s", "NaN"));
        }
        sb.append("   precision  recall\n");
        for (int i = 0; i < classes; i++) {
            sb.append(String.format("%9d", i));
            for (int j = 0; j < classes; j++) {
                sb.append(String.format("%7d", count(i, j)));
            }
            if (anyUnclassified) {
                sb.append(String.format("%7d", unclassified[i]));
            }
            sb.append(String.format("   %s  %s%n", ratio(precision(i), 9), ratio(recall(i), 6)));
        }
        int width = 9 + 7 * classes + (anyUnclassified ? 7 : 0);
        sb.append(String.format(
                "%" + width + "s   %s  %s%n", "macro average", ratio(macroPrecision(), 9), ratio(macroRecall(), 6)));
        return sb.append(legend()).toString();
    }

    /** The line that explains {@value #UNDEFINED} when the table shows it, else nothing. */
    private String legend() {
        boolean neverPredicted = false;
        boolean absent = false;
        for (int c = 0; c < classes; c++) {
            neverPredicted |= columnTotals[c] == 0;
            absent |= rowTotals[c] + unclassified[c] == 0;
        }
        if (!neverPredicted && !absent) {
            return "";
        }
        return UNDEFINED + ": " + (neverPredicted ? "precision of a class never predicted" : "")
                + (neverPredicted && absent ? "; " : "")
                + (absent ? "recall of a class with no samples" : "")
                + " (no sample to divide by); the macro average counts it as 0, over the classes found in the labels"
                + " or the predictions\n";
    }
}
