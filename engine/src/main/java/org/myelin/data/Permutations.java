package org.myelin.data;

import java.util.Random;

/** Seeded permutations: the same (seed, stream) always gives the same order, on every JVM. */
final class Permutations {
    private Permutations() {}

    /**
     * A uniformly random permutation of {@code 0..n-1} (Fisher-Yates) drawn from {@link Random}, whose algorithm
     * the JDK specifies exactly, seeded with a SplitMix64 mix of {@code seed} and {@code stream} so that nearby
     * streams (epochs 0, 1, 2, ...) are unrelated.
     */
    static int[] permutation(int n, long seed, long stream) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        shuffle(p, new Random(mix(seed, stream)));
        return p;
    }

    static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** SplitMix64's finaliser applied to seed and stream: a well-mixed 64-bit seed for each pair. */
    static long mix(long seed, long stream) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
