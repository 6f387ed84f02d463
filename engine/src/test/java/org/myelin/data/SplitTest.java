package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SplitTest {

    /** Feature = row index; classes 0 (first n0 rows) and 1 (the rest). */
    private static Dataset twoClasses(int n0, int n1) {
        int n = n0 + n1;
        int[] labels = new int[n];
        Arrays.fill(labels, n0, n, 1);
        return Dataset.classification(Nd4j.arange(n).reshape(n, 1).castTo(DataType.FLOAT), labels, 2);
    }

    private static int[] rows(Dataset d) {
        return Arrays.stream(d.features().reshape(d.size()).toDoubleVector())
                .mapToInt(v -> (int) v)
                .toArray();
    }

    private static long count(int[] labels, int c) {
        return Arrays.stream(labels).filter(l -> l == c).count();
    }

    @ParameterizedTest(name = "n={0} fractions=({1}, {2}, {3})")
    @CsvSource({
        "100, 0.7, 0.15, 0.15, 70, 15, 15",
        "10, 0.8, 0.1, 0.1, 8, 1, 1",
        "7, 0.5, 0.25, 0.25, 3, 2, 2",
        "6, 0.5, 0.25, 0.25, 3, 2, 1",
        "3, 0.34, 0.33, 0.33, 1, 1, 1",
        "5, 0.8, 0.2, 0.0, 4, 1, 0",
        "1, 0.5, 0.5, 0.0, 1, 0, 0"
    })
    void largestRemainderSizesSumToN(int n, double a, double b, double c, int ta, int tb, int tc) {
        assertArrayEquals(new int[] {ta, tb, tc}, Split.sizes(n, new double[] {a, b, c}));
    }

    @ParameterizedTest(name = "classes {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "5923,6742,5958,6131,5842,5421,5918,6265,5851,5949 | 0.9166666666666666 | 0.08333333333333333 | 0.0",
                "1,1,1,1,1,1,1 | 0.6 | 0.2 | 0.2",
                "3,5,7,11,13 | 0.7 | 0.15 | 0.15",
                "100,1 | 0.5 | 0.25 | 0.25"
            })
    void stratifiedPartSizesMatchTheUnstratifiedOnesAndStayNearEachClassShare(
            String countList, double a, double b, double c) {
        int[] counts =
                Arrays.stream(countList.split(",")).mapToInt(Integer::parseInt).toArray();
        double[] f = {a, b, c};
        int[][] sizes = Split.stratifiedSizes(counts, f);
        int[] totals = new int[3];
        for (int k = 0; k < counts.length; k++) {
            assertEquals(counts[k], Arrays.stream(sizes[k]).sum(), "class " + k + " loses samples");
            for (int p = 0; p < 3; p++) {
                assertTrue(
                        Math.abs(sizes[k][p] - counts[k] * f[p]) < 1.5 && sizes[k][p] >= 0,
                        "class " + k + " part " + p + ": " + sizes[k][p] + " vs exact " + counts[k] * f[p]);
                totals[p] += sizes[k][p];
            }
        }
        assertArrayEquals(Split.sizes(Arrays.stream(counts).sum(), f), totals);
    }

    @Test
    void partsAreDisjointAndCoverEverySample() {
        Dataset d =
                Dataset.of(Nd4j.arange(101).reshape(101, 1).castTo(DataType.FLOAT), Nd4j.zeros(DataType.FLOAT, 101, 1));
        Split s = Split.of(d, 0.6, 0.2, 0.2, 5);
        assertEquals(61, s.train().size());
        assertEquals(20, s.validation().size());
        assertEquals(20, s.test().size());
        Set<Integer> all = new HashSet<>();
        for (Dataset part : new Dataset[] {s.train(), s.validation(), s.test()}) {
            for (int r : rows(part)) {
                assertTrue(all.add(r), "row " + r + " is in two parts");
            }
        }
        assertEquals(101, all.size());
    }

    @Test
    void partsKeepTheOriginalRelativeOrderAndTheirTargets() {
        Dataset d = twoClasses(30, 30);
        Split s = Split.of(d, 0.5, 0.25, 0.25, 1);
        int[] r = rows(s.train());
        int[] sorted = r.clone();
        Arrays.sort(sorted);
        assertArrayEquals(sorted, r);
        int[] labels = s.train().labels();
        for (int i = 0; i < r.length; i++) {
            assertEquals(r[i] < 30 ? 0 : 1, labels[i]);
        }
    }

    @Test
    void stratifiedSplitKeepsClassProportionsInEveryPart() {
        Dataset d = twoClasses(100, 300);
        Split s = Split.of(d, 0.7, 0.1, 0.2, 9);
        assertEquals(70, count(s.train().labels(), 0));
        assertEquals(210, count(s.train().labels(), 1));
        assertEquals(10, count(s.validation().labels(), 0));
        assertEquals(30, count(s.validation().labels(), 1));
        assertEquals(20, count(s.test().labels(), 0));
        assertEquals(60, count(s.test().labels(), 1));
    }

    @Test
    void unstratifiedSplitOfAClassificationSetDoesNotPreserveRareClassExactly() {
        // 10 rare samples among 1000: a random 10% test part holds some number of them, stratified exactly 1.
        Dataset d = twoClasses(990, 10);
        assertEquals(1, count(Split.stratified(d, 0.9, 0.0, 0.1, 3).test().labels(), 1));
        long[] counts = new long[5];
        for (int seed = 0; seed < counts.length; seed++) {
            counts[seed] = count(Split.random(d, 0.9, 0.0, 0.1, seed).test().labels(), 1);
        }
        assertTrue(Arrays.stream(counts).anyMatch(c -> c != 1), Arrays.toString(counts));
    }

    @Test
    void sameSeedSameSplitDifferentSeedDifferentSplit() {
        Dataset d = twoClasses(40, 60);
        assertArrayEquals(
                rows(Split.of(d, 0.8, 0.1, 0.1, 77).test()),
                rows(Split.of(d, 0.8, 0.1, 0.1, 77).test()));
        assertFalse(Arrays.equals(
                rows(Split.of(d, 0.8, 0.1, 0.1, 77).test()),
                rows(Split.of(d, 0.8, 0.1, 0.1, 78).test())));
    }

    @Test
    void zeroFractionGivesAnEmptyPart() {
        Split s = Split.of(twoClasses(5, 5), 0.8, 0.0, 0.2, 1);
        assertEquals(0, s.validation().size());
        assertEquals(1, s.validation().numFeatures());
        assertEquals(8, s.train().size());
    }

    @Test
    void invalidFractionsAreRejectedWithTheirName() {
        Dataset d = twoClasses(5, 5);
        var e = assertThrows(IllegalArgumentException.class, () -> Split.of(d, 0.8, 0.3, 0.1, 1));
        assertEquals("Split: fractions must sum to 1, got 0.8 + 0.3 + 0.1 = 1.2000000000000002", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Split.of(d, 1.2, -0.1, -0.1, 1));
        assertEquals("Split: train fraction must be in [0, 1], was 1.2", e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> Split.of(d, 0.0, 0.5, 0.5, 1));
        assertEquals("Split: train fraction must be > 0, was 0", e3.getMessage());
        INDArray x = Nd4j.zeros(DataType.FLOAT, 3, 1);
        var e4 = assertThrows(
                IllegalArgumentException.class, () -> Split.stratified(Dataset.of(x, x.dup()), 1.0, 0.0, 0.0, 1));
        assertTrue(e4.getMessage().startsWith("Split.stratified: needs a classification dataset"));
    }
}
