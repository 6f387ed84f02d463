package org.myelin.data;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Per-feature standardisation fitted on training data: {@code x' = (x - mu) / sigma}, with {@code mu} and
 * {@code sigma} the column mean and (population) standard deviation of the training features. The same
 * {@code mu, sigma} are then applied to validation and test data, so nothing about them leaks into training.
 * (004 6.8.3 applies the same per-dimension standardisation inside the network as batch normalisation.)
 *
 * <p>Zero-variance columns (for example MNIST's always-blank corner pixels): where {@code sigma < 10 eps} of the
 * data type (as scikit-learn does) the column is only centred, {@code sigma} is taken as 1, so no division by zero
 * and the column maps to 0 on the training data.
 *
 * <p>Shapes: fitted on {@code X [N, d]}; {@code mean()} and {@code scale()} are {@code [d]}; transforms any
 * {@code [M, d]}.
 */
public final class Standardizer {
    private final INDArray mean;
    private final INDArray scale;

    private Standardizer(INDArray mean, INDArray scale) {
        this.mean = mean;
        this.scale = scale;
    }

    /**
     * Fits column means and standard deviations on {@code x}.
     *
     * @throws IllegalArgumentException if {@code x} has no rows or holds NaN/infinity
     */
    public static Standardizer fit(INDArray x) {
        Checks.requireFloatMatrix("Standardizer: training features", x);
        if (x.rows() == 0) {
            throw new IllegalArgumentException("Standardizer: cannot fit on 0 rows");
        }
        Checks.requireFinite("Standardizer: training features", x);
        INDArray mean = x.mean(0).reshape(x.columns());
        INDArray std = x.std(false, 0).reshape(x.columns());
        double tiny = 10 * (x.dataType() == DataType.DOUBLE ? Math.ulp(1.0) : Math.ulp(1.0f));
        BooleanIndexing.replaceWhere(std, 1.0, Conditions.lessThan(tiny));
        return new Standardizer(mean, std);
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
     * Returns {@code (x - mu) / sigma} row by row, in {@code x}'s data type; {@code x} is not modified.
     *
     * @throws IllegalArgumentException if {@code x} does not have d columns
     */
    public INDArray transform(INDArray x) {
        Checks.requireFloatMatrix("Standardizer: input", x);
        if (x.columns() != mean.length()) {
            throw new IllegalArgumentException("Standardizer: input has shape " + Arrays.toString(x.shape())
                    + ", expected [*, " + mean.length() + "] as fitted");
        }
        if (x.rows() == 0) {
            return x.dup();
        }
        DataType t = x.dataType();
        return x.subRowVector(mean.castTo(t)).diviRowVector(scale.castTo(t));
    }

    /** The dataset with standardised features and unchanged targets. */
    public Dataset transform(Dataset data) {
        return data.withFeatures(transform(data.features()));
    }
}
