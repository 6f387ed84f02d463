package org.myelin.kernel;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * The two weights of an exponential moving average {@code s = decay s + complement x}, as the arrays' type holds
 * them: {@code decay} is {@code beta} rounded to that type, {@code complement} is {@code 1 - decay}, exact for
 * {@code beta >= 0.5} (Sterbenz), so the weights of the rounded average still add up to 1.
 *
 * <p>Why: rounding {@code beta} and {@code 1 - beta} to float32 separately (0.999 becomes 0.99900001287, 0.001
 * becomes 0.00100000005) makes the weights add up to {@code 1 + 1.3e-8}. Every update then adds that excess, the
 * average of the squared gradients settles 1.3e-8 / (1 - beta) = 1.3e-5 too large, and every float32 Adam step came
 * out up to 6.4e-6 too small (5.5e-6 after the 2,814 steps of the default MNIST job), always in the same direction;
 * RMSprop's steps 4e-7 too small. With complementary weights the average is exact up to unbiased rounding, and
 * {@link #sumAfter} gives Adam the bias correction of the average actually computed.
 *
 * @param decay      the weight of the old average, {@code beta} as the type holds it
 * @param complement the weight of the new value
 */
public record EmaWeights(double decay, double complement) {

    /** The weights for {@code beta} in [0, 1) on arrays of {@code type}. */
    public static EmaWeights of(double beta, DataType type) {
        if (type != DataType.FLOAT) {
            return new EmaWeights(beta, 1 - beta); // float64: 1 - beta is exact for beta >= 0.5, as in float
        }
        float b = (float) beta;
        if (b >= 1f) {
            // A beta within 3e-8 of 1 rounds to 1 in float32, which would freeze the average: keep the nearest
            // float below 1 (a time constant of 1.7e7 updates instead of more).
            b = Math.nextDown(1f);
        }
        return new EmaWeights(b, (float) (1.0 - b));
    }

    /**
     * The total weight an average started at 0 gives the values after {@code t} updates, {@code complement (1 -
     * decay^t) / (1 - decay)}: Adam's bias correction {@code 1 - beta^t}, for the weights as rounded (equal to it
     * where {@code complement = 1 - decay} exactly).
     */
    public double sumAfter(long t) {
        return complement / (1 - decay) * (1 - Math.pow(decay, t));
    }
}
