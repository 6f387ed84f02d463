package org.myelin.data;

import org.myelin.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input perturbation (MIT 6.390 §6.8.1.3, Oxford ML §3.3 noise injection; see docs/notes.md): every feature gets
 * independent zero-mean Gaussian noise, {@code x' = x + e}, {@code e ~ N(0, s^2)}, drawn afresh on every call so the
 * network never sees exactly the same sample twice. Applied to training batches only.
 *
 * <p>Shapes: any ({@code x [B, d]}, images {@code [B, C, H, W]}) in, the same out, same data type; the input is not modified.
 */
public final class InputNoise {
    private final double std;

    /**
     * @param std the standard deviation {@code s} of the noise, {@code >= 0} (0 returns a copy of the input)
     */
    public InputNoise(double std) {
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("InputNoise: standard deviation must be finite and >= 0, was " + std);
        }
        this.std = std;
    }

    /** The noise standard deviation s. */
    public double std() {
        return std;
    }

    /**
     * Returns {@code x + e} with {@code e ~ N(0, std^2)} elementwise, drawn natively from {@code rng}.
     *
     * @param rng the random stream (seeded by the caller, e.g. {@code Nd4j.getRandomFactory().getNewRandomInstance(seed)})
     */
    public INDArray apply(INDArray x, Random rng) {
        if (x == null) {
            throw new IllegalArgumentException("InputNoise: input is null");
        }
        Preconditions.requireFloatType("InputNoise: input", x.dataType());
        if (rng == null) {
            throw new IllegalArgumentException("InputNoise: random stream is null, expected an ND4J Random "
                    + "(Nd4j.getRandomFactory().getNewRandomInstance(seed))");
        }
        if (std == 0 || x.isEmpty()) {
            return x.dup();
        }
        double max = x.dataType() == org.nd4j.linalg.api.buffer.DataType.DOUBLE ? Double.MAX_VALUE : Float.MAX_VALUE;
        if (std > max / 64) {
            // The draws overflowed the array's type: std 1e308 on float32 features returned infinities, no error.
            throw new IllegalArgumentException("InputNoise: standard deviation " + std + " overflows " + x.dataType()
                    + " values (at most " + max / 64 + " for them)");
        }
        INDArray noise = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new GaussianDistribution(noise, 0.0, std), rng);
        return noise.addi(x);
    }

    /** The dataset with perturbed features and unchanged targets. */
    public Dataset apply(Dataset data, Random rng) {
        return data.withFeatures(apply(data.features(), rng));
    }
}
