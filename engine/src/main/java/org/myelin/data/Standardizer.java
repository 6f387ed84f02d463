package org.myelin.data;

import java.util.Arrays;
import org.myelin.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Per-feature standardisation fitted on training data: {@code x' = (x - mu) / sigma}, with {@code mu} and
 * {@code sigma} the column mean and (population) standard deviation of the training features. The same
 * {@code mu, sigma} are then applied to validation and test data, so nothing about them leaks into training.
 * (MIT 6.390 §6.8.3 applies the same per-dimension standardisation inside the network as batch normalisation. See
 * docs/notes.md.)
 *
 * <p>Zero-variance columns (for example MNIST's always-blank corner pixels): where {@code sigma < 10 eps} of the
 * data type (as scikit-learn does) the column is only centred, {@code sigma} is taken as 1, so no division by zero
 * and the column maps to 0 on the training data.
 *
 * <p>Images are standardised per channel: fitted on {@code X [N, C, ...]} (rank above 2), {@code mu} and
 * {@code sigma} are taken per channel over all samples and positions, as convolutional networks expect (one
 * statistic per input channel keeps the translation invariance a per-pixel one would break).
 *
 * <p>Shapes: fitted on {@code X [N, d]}; {@code mean()} and {@code scale()} are {@code [d]}; transforms any
 * {@code [M, d]}. Fitted on {@code X [N, C, ...]}: {@code mean()} and {@code scale()} are {@code [C]};
 * transforms any {@code [M, C, ...]} of the same rank.
 */
public final class Standardizer {
    private final INDArray mean;
    private final INDArray scale;
    /** The rank of the fitted array: 2 for per-feature statistics, above 2 for per-channel ones. */
    private final int rank;

    private Standardizer(INDArray mean, INDArray scale, int rank) {
        this.mean = mean;
        this.scale = scale;
        this.rank = rank;
    }

    /**
     * Fits column means and standard deviations on {@code x [N, d]}, or per-channel ones on {@code x [N, C, ...]}.
     *
     * @throws IllegalArgumentException if {@code x} has no rows or holds NaN/infinity
     */
    public static Standardizer fit(INDArray x) {
        Preconditions.requireFloatBatch("Standardizer: training features", x);
        if (x.size(0) == 0) {
            throw new IllegalArgumentException("Standardizer: cannot fit on 0 rows");
        }
        if (x.length() == 0) {
            throw new IllegalArgumentException("Standardizer: training features have shape "
                    + Arrays.toString(x.shape()) + ", expected at least 1 value per sample");
        }
        Preconditions.requireFinite("Standardizer: training features", x);
        int[] axes = statisticAxes(x.rank());
        long d = x.size(1);
        INDArray mean = x.mean(axes).reshape(d);
        INDArray std = x.std(false, axes).reshape(d);
        if (x.dataType() != DataType.DOUBLE && !(isFinite(mean) && isFinite(std))) {
            // Finite float32 features near Float.MAX_VALUE overflow the float sums: a scale of Infinity turned every
            // transformed value into 0 (or NaN). Recomputed in float64, where they fit; a mean lies within the
            // values' range and a population deviation within half of it, so both fit float32 again.
            INDArray wide = x.castTo(DataType.DOUBLE);
            mean = wide.mean(axes).reshape(d).castTo(x.dataType());
            std = wide.std(false, axes).reshape(d).castTo(x.dataType());
        }
        double tiny = 10 * (x.dataType() == DataType.DOUBLE ? Math.ulp(1.0) : Math.ulp(1.0f));
        BooleanIndexing.replaceWhere(std, 1.0, Conditions.lessThan(tiny));
        return new Standardizer(mean, std, x.rank());
    }

    private static boolean isFinite(INDArray a) {
        return !BooleanIndexing.or(a, Conditions.notFinite());
    }

    /** Axes the statistics run over: the samples for {@code [N, d]}, every axis but the channels for images. */
    private static int[] statisticAxes(int rank) {
        int[] axes = new int[rank - 1];
        axes[0] = 0;
        for (int i = 2; i < rank; i++) {
            axes[i - 1] = i;
        }
        return axes;
    }

    /** Fits on the dataset's features (its targets are not used). */
    public static Standardizer fit(Dataset train) {
        return fit(train.features());
    }

    /** The column means {@code mu}, {@code [d]} (a copy). */
    public INDArray mean() {
        return mean.dup();
    }

    /** The column divisors {@code sigma}, 1 for zero-variance columns, {@code [d]} (a copy). */
    public INDArray scale() {
        return scale.dup();
    }

    /**
     * Returns {@code (x - mu) / sigma} row by row (channel by channel for images), in {@code x}'s data type;
     * {@code x} is not modified.
     *
     * @throws IllegalArgumentException if {@code x} does not have d columns (C channels and the fitted rank)
     */
    public INDArray transform(INDArray x) {
        Preconditions.requireFloatBatch("Standardizer: input", x);
        if (x.rank() != rank || x.size(1) != mean.length()) {
            throw new IllegalArgumentException("Standardizer: input has shape " + Arrays.toString(x.shape())
                    + ", expected "
                    + (rank == 2 ? "[*, " + mean.length() + "]" : "[*, " + mean.length() + ", *...] of rank " + rank)
                    + " as fitted");
        }
        if (x.size(0) == 0) {
            return x.dup();
        }
        DataType t = x.dataType();
        if (rank == 2) {
            return x.subRowVector(mean.castTo(t)).diviRowVector(scale.castTo(t));
        }
        long[] channelShape = new long[rank];
        java.util.Arrays.fill(channelShape, 1);
        channelShape[1] = mean.length();
        return x.sub(mean.castTo(t).reshape(channelShape)).divi(scale.castTo(t).reshape(channelShape));
    }

    /** The dataset with standardised features and unchanged targets. */
    public Dataset transform(Dataset data) {
        return data.withFeatures(transform(data.features()));
    }
}
