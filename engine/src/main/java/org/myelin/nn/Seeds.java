package org.myelin.nn;

import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/** Derivation of independent seeds for the parts of a model from one model seed. */
final class Seeds {

    private Seeds() {}

    /**
     * The seed of child {@code index} of a module built with {@code seed}: the SplitMix64 finaliser of
     * {@code seed + (index + 1) * golden gamma}, so neighbouring seeds and indices give unrelated streams.
     */
    static long child(long seed, long index) {
        long z = seed + (index + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A fresh ND4J random stream seeded with {@code seed}; the global ND4J stream is left alone. */
    static Random newRandom(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** Frees a stream's native state. */
    static void close(Random rng) {
        try {
            rng.close();
        } catch (Exception e) {
            throw new IllegalStateException("could not release an ND4J random stream", e);
        }
    }
}
