package org.myelin.kernel;

/**
 * The scalar coefficients of one Adam or AdamW update ({@link ElementwiseKernels#adam}), computed once per call in
 * float64 and handed finished to every implementation, so that each is rounded to the parameters' type exactly
 * once. Deriving one inside a float32 kernel instead ({@code 1 - beta2} from {@code (float) 0.999} is 9.99987e-4,
 * not 1e-3) puts the same relative error, with the same sign, into every step: the second moment came out 1.3e-5
 * too small and every step 6.4e-6 too large, and a ReLU network's trajectory split from the float64 one within
 * 20 steps.
 *
 * <p>The update they parameterise: {@code w' = decay w; g' = g + weightDecay w'; m = beta1 m + oneMinusBeta1 g';
 * v = beta2 v + oneMinusBeta2 g'^2; w = w' - stepSize m / (sqrt(v) invSqrtBc2 + eps)}.
 *
 * @param weightDecay   Adam's coupled (L2) coefficient; 0 for AdamW
 * @param decay         AdamW's factor {@code 1 - lr lambda}; 1 for Adam
 * @param stepSize      {@code lr / (1 - beta1^t)}
 * @param invSqrtBc2    {@code 1 / sqrt(1 - beta2^t)}
 */
record AdamCoefficients(
        double beta1,
        double oneMinusBeta1,
        double beta2,
        double oneMinusBeta2,
        double eps,
        double weightDecay,
        double decay,
        double stepSize,
        double invSqrtBc2) {

    /** The coefficients of update number {@code step} (1-based); {@code decoupled} selects AdamW. */
    static AdamCoefficients of(
            double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled, long step) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        return new AdamCoefficients(
                beta1,
                1 - beta1,
                beta2,
                1 - beta2,
                eps,
                decoupled ? 0 : weightDecay,
                decoupled ? 1 - lr * weightDecay : 1,
                lr / bc1,
                1 / Math.sqrt(bc2));
    }
}
