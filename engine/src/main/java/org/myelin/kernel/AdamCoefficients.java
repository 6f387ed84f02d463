package org.myelin.kernel;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The scalar coefficients of one Adam or AdamW update ({@link ElementwiseKernels#adam}), computed once per call in
 * float64 and handed finished to every implementation, so that each is rounded to the parameters' type exactly
 * once. Deriving one inside a float32 kernel instead ({@code 1 - beta2} from {@code (float) 0.999} is 9.99987e-4,
 * while the bias correction took the exact 0.999) put the same relative error, with the same sign, into every step:
 * the second moment came out 1.3e-5 too small and every step 6.4e-6 too large. The moments' weights come from
 * {@link EmaWeights}: {@code beta} as the type holds it and its exact complement, with the bias corrections of those
 * very weights ({@link EmaWeights#sumAfter}); rounding {@code beta} and {@code 1 - beta} separately left the
 * opposite lean, steps up to 6.4e-6 too small late in a run.
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

    /**
     * The coefficients of update number {@code step} (1-based) on parameters of {@code type}; {@code decoupled}
     * selects AdamW.
     */
    static AdamCoefficients of(
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            boolean decoupled,
            long step,
            DataType type) {
        EmaWeights first = EmaWeights.of(beta1, type);
        EmaWeights second = EmaWeights.of(beta2, type);
        return new AdamCoefficients(
                first.decay(),
                first.complement(),
                second.decay(),
                second.complement(),
                eps,
                decoupled ? 0 : weightDecay,
                decoupled ? 1 - lr * weightDecay : 1,
                lr / first.sumAfter(step),
                1 / Math.sqrt(second.sumAfter(step)));
    }
}
