package org.myelin.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.myelin.Preconditions;

/**
 * A train / validation / test split of one dataset (CS 489 §11.1; see docs/notes.md): the model is fitted on
 * {@code train}, its hyper-parameters tuned on {@code validation} (and early stopping watches it, Oxford ML §3.3), and
 * {@code test} is used once at the end to estimate the error on unseen data.
 *
 * <p>Sizes: for fractions {@code (a, b, c)} summing to 1 a group of n samples gives {@code (a n, b n, c n)} rounded
 * by the largest-remainder rule (floors, then the leftover samples go to the largest fractional parts, ties in the
 * order train, validation, test), so the three sizes always add up to n. The three parts are disjoint and together
 * hold every sample once; within each part rows keep their original relative order.
 *
 * <p>Stratified: for a classification dataset {@link #of} splits every class separately, so each part has the
 * class proportions of the whole (each class's share within about one sample of exact), while the part sizes are
 * still exactly those above (MNIST's 60,000 split 55/60, 5/60 gives 55,000 and 5,000). The random choice of which
 * samples go where depends only on {@code seed}.
 *
 * @param train      the training part
 * @param validation the validation part (empty when its fraction is 0)
 * @param test       the test part (empty when its fraction is 0)
 */
public record Split(Dataset train, Dataset validation, Dataset test) {

    /**
     * Splits {@code data} by fractions, stratified by class when {@code data} is a classification dataset.
     *
     * @throws IllegalArgumentException if a fraction is outside [0, 1], the training fraction is 0, or the fractions
     *     do not sum to 1
     */
    public static Split of(
            Dataset data, double trainFraction, double validationFraction, double testFraction, long seed) {
        Preconditions.requireNonNull("Split", "dataset", data);
        return data.isClassification()
                ? stratified(data, trainFraction, validationFraction, testFraction, seed)
                : random(data, trainFraction, validationFraction, testFraction, seed);
    }

    /** Splits {@code data} by fractions over all samples at once, ignoring classes. */
    public static Split random(
            Dataset data, double trainFraction, double validationFraction, double testFraction, long seed) {
        Preconditions.requireNonNull("Split", "dataset", data);
        double[] fractions = checkFractions(trainFraction, validationFraction, testFraction);
        int[] all = Permutations.permutation(data.size(), seed, -1);
        List<int[]> parts = new ArrayList<>();
        parts.add(new int[0]);
        parts.add(new int[0]);
        parts.add(new int[0]);
        distribute(all, sizes(all.length, fractions), parts);
        return build(data, parts);
    }

    /**
     * Splits every class by the fractions separately and joins the results.
     *
     * @throws IllegalArgumentException if {@code data} is not a classification dataset
     */
    public static Split stratified(
            Dataset data, double trainFraction, double validationFraction, double testFraction, long seed) {
        Preconditions.requireNonNull("Split", "dataset", data);
        double[] fractions = checkFractions(trainFraction, validationFraction, testFraction);
        if (!data.isClassification()) {
            throw new IllegalArgumentException("Split.stratified: needs a classification dataset, got " + data);
        }
        int[] labels = data.labels();
        int[] counts = new int[data.numClasses()];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] members = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            members[c] = new int[counts[c]];
        }
        int[] filled = new int[counts.length];
        for (int i = 0; i < labels.length; i++) {
            members[labels[i]][filled[labels[i]]++] = i;
        }
        int[][] classSizes = stratifiedSizes(counts, fractions);
        List<int[]> parts = new ArrayList<>();
        parts.add(new int[0]);
        parts.add(new int[0]);
        parts.add(new int[0]);
        for (int c = 0; c < counts.length; c++) {
            Permutations.shuffle(members[c], new Random(Permutations.mix(seed, c)));
            distribute(members[c], classSizes[c], parts);
        }
        return build(data, parts);
    }

    /**
     * The largest-remainder sizes of {@code n} samples split by {@code fractions}; they sum to {@code n}.
     * Package-private for the tests.
     */
    static int[] sizes(int n, double[] fractions) {
        int[] sizes = new int[fractions.length];
        double[] remainders = new double[fractions.length];
        int assigned = 0;
        for (int i = 0; i < fractions.length; i++) {
            double exact = fractions[i] * n;
            sizes[i] = (int) Math.floor(exact);
            remainders[i] = exact - sizes[i];
            assigned += sizes[i];
        }
        for (int left = n - assigned; left > 0; left--) {
            int best = -1;
            for (int i = 0; i < fractions.length; i++) {
                if (fractions[i] > 0 && (best < 0 || remainders[i] > remainders[best])) {
                    best = i;
                }
            }
            sizes[best]++;
            remainders[best] = -1;
        }
        return sizes;
    }

    /**
     * Part sizes per class: each class's largest-remainder sizes, then single samples moved between parts (in the
     * class where the move brings both parts closest to their exact share) until the part totals equal the
     * unstratified sizes of all N samples. Package-private for the tests.
     */
    static int[][] stratifiedSizes(int[] classCounts, double[] fractions) {
        int[][] sizes = new int[classCounts.length][];
        int total = 0;
        for (int c = 0; c < classCounts.length; c++) {
            sizes[c] = sizes(classCounts[c], fractions);
            total += classCounts[c];
        }
        int[] target = sizes(total, fractions);
        while (true) {
            int[] totals = new int[fractions.length];
            for (int[] row : sizes) {
                for (int p = 0; p < row.length; p++) {
                    totals[p] += row[p];
                }
            }
            int over = -1;
            int under = -1;
            for (int p = 0; p < fractions.length; p++) {
                if (totals[p] > target[p] && over < 0) {
                    over = p;
                }
                if (totals[p] < target[p] && under < 0) {
                    under = p;
                }
            }
            if (over < 0 || under < 0) {
                return sizes;
            }
            int best = -1;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < sizes.length; c++) {
                if (sizes[c][over] == 0) {
                    continue;
                }
                double gain = (classCounts[c] * fractions[under] - sizes[c][under])
                        + (sizes[c][over] - classCounts[c] * fractions[over]);
                if (gain > bestGain) {
                    bestGain = gain;
                    best = c;
                }
            }
            sizes[best][over]--;
            sizes[best][under]++;
        }
    }

    private static void distribute(int[] shuffled, int[] sizes, List<int[]> parts) {
        int from = 0;
        for (int p = 0; p < 3; p++) {
            int[] old = parts.get(p);
            int[] grown = Arrays.copyOf(old, old.length + sizes[p]);
            System.arraycopy(shuffled, from, grown, old.length, sizes[p]);
            parts.set(p, grown);
            from += sizes[p];
        }
    }

    private static Split build(Dataset data, List<int[]> parts) {
        Dataset[] out = new Dataset[3];
        for (int p = 0; p < 3; p++) {
            int[] rows = parts.get(p);
            Arrays.sort(rows);
            out[p] = data.subset(rows);
        }
        return new Split(out[0], out[1], out[2]);
    }

    private static double[] checkFractions(double train, double validation, double test) {
        check("train fraction", train);
        check("validation fraction", validation);
        check("test fraction", test);
        if (train == 0) {
            throw new IllegalArgumentException("Split: train fraction must be > 0, was 0");
        }
        double sum = train + validation + test;
        if (Math.abs(sum - 1.0) > 1e-9) {
            throw new IllegalArgumentException(
                    "Split: fractions must sum to 1, got " + train + " + " + validation + " + " + test + " = " + sum);
        }
        return new double[] {train, validation, test};
    }

    private static void check(String name, double f) {
        if (!(f >= 0 && f <= 1)) {
            throw new IllegalArgumentException("Split: " + name + " must be in [0, 1], was " + f);
        }
    }
}
