package org.myelin.data;

import java.util.Arrays;
import org.myelin.MemoryLimit;
import org.myelin.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * A supervised data set: features {@code X} and targets {@code Y}, one sample per row (CS 489 §6.2: input/target
 * pairs {@code (x_i, t_i)}).
 *
 * <p>Shapes: {@code X [N, ...]} (a matrix {@code [N, d]} for dense models, images {@code [N, C, H, W]} for
 * convolutional ones: any rank >= 2, one sample per index of the first axis), {@code Y [N, k]}, both of the same
 * floating-point type. {@link #featureShape()} is the shape of one sample, {@link #numFeatures()} its element
 * count; {@link #reshapeFeatures} and {@link #flattenFeatures()} switch between the two views. Three kinds of
 * target:
 * <ul>
 *   <li>regression ({@link #of}): any finite {@code Y [N, k]}; {@link #numClasses()} is 0;</li>
 *   <li>one-hot classification ({@link #classification}, {@link #oneHot}): {@code Y [N, C]}, each row one 1
 *       and {@code C-1} zeros (CS 489 §6.3, one-hot; see docs/notes.md), for softmax + categorical cross-entropy;</li>
 *   <li>binary classification ({@link #binary}): {@code Y [N, 1]} of 0/1, for one logistic output unit with
 *       Bernoulli cross-entropy (CS 489 §6.3); {@link #numClasses()} is 2.</li>
 * </ul>
 *
 * <p>Every factory validates: row counts agree, no NaN or infinity (the message names the row and column:
 * {@code features: row 17 column 3 is NaN}), labels in range and one-hot rows really one-hot (named by row).
 * A dataset is immutable: {@link #features()} and {@link #targets()} return the arrays it holds, which callers
 * must not modify in place; every method that changes something returns a new dataset.
 */
public final class Dataset {
    private final INDArray features;
    private final INDArray targets;
    private final int numClasses;

    private Dataset(INDArray features, INDArray targets, int numClasses) {
        this.features = features;
        this.targets = targets;
        this.numClasses = numClasses;
    }

    /**
     * A regression (or general-target) dataset: {@code Y} is used as given.
     *
     * <p>Shapes: {@code features [N, d]}, {@code targets [N, k]}, same floating-point type.
     *
     * @throws IllegalArgumentException on a shape or type mismatch, or a NaN/infinite entry (row and column named)
     */
    public static Dataset of(INDArray features, INDArray targets) {
        validatePair(features, targets);
        return new Dataset(features, targets, 0);
    }

    /**
     * A classification dataset with one-hot targets built from integer class labels: {@code Y[i, labels[i]] = 1}.
     *
     * <p>Shapes: {@code features [N, d]}, {@code labels [N]} in {@code 0..numClasses-1}; result {@code Y [N, numClasses]}
     * of the features' type.
     *
     * @throws IllegalArgumentException if a label is out of range ({@code labels: row 4 is 10, expected 0..9}),
     *     counts differ, or a feature is NaN/infinite
     */
    public static Dataset classification(INDArray features, int[] labels, int numClasses) {
        Preconditions.requireFloatBatch("features", features);
        if (numClasses < 2) {
            throw new IllegalArgumentException("Dataset: numClasses must be >= 2, was " + numClasses);
        }
        checkLabels(features, labels, numClasses);
        int n = labels.length;
        if ((long) n * numClasses > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Dataset: one-hot targets of " + n + " rows x " + numClasses
                    + " classes exceed the " + (Integer.MAX_VALUE - 8) + " values one array holds");
        }
        // Before anything is allocated: 10 labels with numClasses = 100,000,000 made a 4 GB float[] (an
        // OutOfMemoryError) before this check. Csv's one-hot targets are sized the same way.
        MemoryLimit.check(
                "Dataset: one-hot targets of " + n + " rows x " + numClasses + " classes",
                (long) n * numClasses,
                features.dataType().width(),
                "values");
        Preconditions.requireFinite("features", features);
        float[] flat = new float[n * numClasses];
        for (int i = 0; i < n; i++) {
            flat[i * numClasses + labels[i]] = 1f;
        }
        INDArray y = Nd4j.create(flat, new long[] {n, numClasses}, 'c').castTo(features.dataType());
        return new Dataset(features, y, numClasses);
    }

    /**
     * A classification dataset whose targets are already one-hot; {@code numClasses = k}.
     *
     * <p>Shapes: {@code features [N, d]}, {@code targets [N, k]} with {@code k >= 2}.
     *
     * @throws IllegalArgumentException if a row is not one-hot ({@code targets: row 3 is not one-hot: its entries
     *     sum to 2.0, expected exactly one 1 and zeros}), or as {@link #of}
     */
    public static Dataset oneHot(INDArray features, INDArray targets) {
        validatePair(features, targets);
        if (targets.columns() < 2) {
            throw new IllegalArgumentException("targets: one-hot targets need >= 2 columns, got shape "
                    + Arrays.toString(targets.shape()) + " (use Dataset.binary for one 0/1 column)");
        }
        requireOneHot(targets);
        return new Dataset(features, targets, (int) targets.columns());
    }

    /**
     * A two-class dataset with a single 0/1 target column, for one logistic output unit (CS 489 §6.3 cross-entropy,
     * Oxford ML §1.2 (see docs/notes.md)). {@link #asOneHot()} turns it into the two-column form.
     *
     * <p>Shapes: {@code features [N, d]}, {@code labels [N]} in {0, 1}; result {@code Y [N, 1]}.
     */
    public static Dataset binary(INDArray features, int[] labels) {
        Preconditions.requireFloatBatch("features", features);
        checkLabels(features, labels, 2);
        float[] flat = new float[labels.length];
        for (int i = 0; i < labels.length; i++) {
            flat[i] = labels[i];
        }
        INDArray y = Nd4j.create(flat, new long[] {labels.length, 1}, 'c').castTo(features.dataType());
        Preconditions.requireFinite("features", features);
        return new Dataset(features, y, 2);
    }

    /** Number of samples N (the first axis of X). */
    public int size() {
        return (int) features.size(0);
    }

    /** Number of input values per sample: d for {@code X [N, d]}, {@code C*H*W} for {@code X [N, C, H, W]}. */
    public int numFeatures() {
        long n = 1;
        for (long d : featureShape()) {
            n *= d;
        }
        return (int) n;
    }

    /** The shape of one sample: {@code [d]} for {@code X [N, d]}, {@code [C, H, W]} for images (a copy). */
    public long[] featureShape() {
        long[] s = features.shape();
        return Arrays.copyOfRange(s, 1, s.length);
    }

    /**
     * The same samples with each one's features viewed in {@code sampleShape} (row-major order, as
     * {@code INDArray.reshape('c', ...)}): {@code reshapeFeatures(1, 28, 28)} turns flattened MNIST rows
     * {@code [N, 784]} into images {@code [N, 1, 28, 28]}.
     *
     * @throws IllegalArgumentException if a dimension is not positive or the element count per sample differs
     */
    public Dataset reshapeFeatures(long... sampleShape) {
        if (sampleShape == null) {
            throw new IllegalArgumentException("Dataset.reshapeFeatures: sample shape is null");
        }
        long n = 1;
        for (long d : sampleShape) {
            if (d < 1) {
                throw new IllegalArgumentException(
                        "Dataset.reshapeFeatures: every dimension must be >= 1, was " + Arrays.toString(sampleShape));
            }
            // A wrapped product could equal the sample size and pass the check below into ND4J.
            if (n > Long.MAX_VALUE / d) {
                throw new IllegalArgumentException("Dataset.reshapeFeatures: samples of shape "
                        + Arrays.toString(featureShape()) + " (" + numFeatures() + " values) cannot be viewed as "
                        + Arrays.toString(sampleShape) + " (more than " + Long.MAX_VALUE + " values)");
            }
            n *= d;
        }
        if (sampleShape.length == 0 || n != numFeatures()) {
            throw new IllegalArgumentException("Dataset.reshapeFeatures: samples of shape "
                    + Arrays.toString(featureShape()) + " (" + numFeatures() + " values) cannot be viewed as "
                    + Arrays.toString(sampleShape) + " (" + n + " values)");
        }
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = size();
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return new Dataset(features.dup('c').reshape('c', shape), targets, numClasses);
    }

    /** The same samples with features flattened to {@code [N, d]} (unchanged when already rank 2). */
    public Dataset flattenFeatures() {
        return features.rank() == 2 ? this : reshapeFeatures(numFeatures());
    }

    /** Number of target columns k (columns of Y). */
    public int numTargets() {
        return (int) targets.columns();
    }

    /** Number of classes for a classification dataset, 0 for regression targets. */
    public int numClasses() {
        return numClasses;
    }

    /** Whether the targets encode class labels (one-hot or binary). */
    public boolean isClassification() {
        return numClasses > 0;
    }

    /** The feature array {@code X [N, ...]}: the dataset's own array, not a copy; do not modify it in place. */
    public INDArray features() {
        return features;
    }

    /** The target array {@code Y [N, k]}: the dataset's own array, not a copy; do not modify it in place. */
    public INDArray targets() {
        return targets;
    }

    /** The floating-point type of both arrays. */
    public DataType dataType() {
        return features.dataType();
    }

    /**
     * The integer class label of every row: the index of the 1 of a one-hot row, or the 0/1 value of a binary row.
     *
     * <p>Shapes: result {@code [N]}.
     *
     * @throws IllegalStateException for a regression dataset
     */
    public int[] labels() {
        if (!isClassification()) {
            throw new IllegalStateException("Dataset: labels() needs a classification dataset; this one has "
                    + "regression targets of shape " + Arrays.toString(targets.shape()));
        }
        if (size() == 0) {
            return new int[0];
        }
        if (targets.columns() == 1) {
            return targets.castTo(DataType.INT32).reshape(size()).toIntVector();
        }
        return targets.argMax(1).castTo(DataType.INT32).reshape(size()).toIntVector();
    }

    /**
     * The rows at {@code indices}, in that order (repeats allowed), gathered with one bulk copy per row (see
     * {@code RowCopy}); the result owns fresh arrays.
     *
     * @throws IllegalArgumentException if an index is outside {@code 0..N-1} (its position is named)
     */
    public Dataset subset(int[] indices) {
        if (indices == null) {
            throw new IllegalArgumentException("Dataset.subset: indices are null, expected an array of row indices");
        }
        int n = size();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IllegalArgumentException(
                        "Dataset.subset: indices[" + i + "] is " + indices[i] + ", expected 0.." + (n - 1));
            }
        }
        return new Dataset(gatherRows(features, indices), gatherRows(targets, indices), numClasses);
    }

    /**
     * Samples {@code from..to-1}: views of this set's arrays, or gathered copies ({@link #subset}) when an array is
     * itself a view. ND4J 1.0.0-M2.1's {@code get(interval)} of a view whose rows are strided ({@code
     * x.get(interval(0, 2, N), all())}) returned other rows, or a scalar ("input has shape []").
     *
     * @throws IllegalArgumentException unless {@code 0 <= from < to <= N}
     */
    public Dataset rows(int from, int to) {
        if (from < 0 || from >= to || to > size()) {
            throw new IllegalArgumentException(
                    "Dataset.rows: rows " + from + ".." + to + ", expected 0 <= from < to <= " + size());
        }
        if (features.isView() || targets.isView()) {
            return subset(java.util.stream.IntStream.range(from, to).toArray());
        }
        return new Dataset(firstAxis(features, from, to), firstAxis(targets, from, to), numClasses);
    }

    /** {@code a.get(interval(from, to), all(), ...)} for any rank (images [N, C, H, W] too). */
    private static INDArray firstAxis(INDArray a, int from, int to) {
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < index.length; i++) {
            index[i] = NDArrayIndex.all();
        }
        return a.get(index);
    }

    /** The same samples with features and targets cast to {@code type} (a floating-point type). */
    public Dataset castTo(DataType type) {
        Preconditions.requireFloatType("Dataset.castTo", type);
        if (type == dataType()) {
            return this;
        }
        return new Dataset(features.castTo(type), targets.castTo(type), numClasses);
    }

    /**
     * The same targets with new features (for example standardised or perturbed ones), validated like {@link #of}.
     *
     * <p>Shapes: {@code newFeatures [N, ...]} (any rank >= 2) with the same N and data type.
     */
    public Dataset withFeatures(INDArray newFeatures) {
        validatePair(newFeatures, targets);
        return new Dataset(newFeatures, targets, numClasses);
    }

    /**
     * A binary dataset ({@code Y [N, 1]}) as two one-hot columns {@code [1 - y, y]}; a one-hot dataset is returned
     * unchanged.
     *
     * @throws IllegalStateException for a regression dataset
     */
    public Dataset asOneHot() {
        if (!isClassification()) {
            throw new IllegalStateException("Dataset: asOneHot() needs a classification dataset; this one has "
                    + "regression targets of shape " + Arrays.toString(targets.shape()));
        }
        if (targets.columns() > 1) {
            return this;
        }
        if (targets.rows() == 0) { // ND4J: "Cannot perform operation rsub on empty array"
            return new Dataset(features, Nd4j.create(targets.dataType(), 0, 2), 2);
        }
        INDArray y = Nd4j.hstack(targets.rsub(1.0), targets.dup());
        return new Dataset(features, y, 2);
    }

    @Override
    public String toString() {
        return "Dataset[N=" + size() + ", features="
                + (features.rank() == 2 ? String.valueOf(numFeatures()) : Arrays.toString(featureShape()))
                + ", targets=" + numTargets()
                + (isClassification() ? ", classes=" + numClasses : ", regression") + ", " + dataType() + "]";
    }

    /**
     * The samples at {@code indices} of an array {@code [N, ...]}, one bulk copy per row: arrays of rank above 2 are
     * gathered as their row-major {@code [N, d]} view and given their sample shape back.
     */
    static INDArray gatherRows(INDArray source, int[] indices) {
        long[] shape = source.shape().clone();
        shape[0] = indices.length;
        if (indices.length == 0) {
            return Nd4j.create(source.dataType(), shape);
        }
        INDArray matrix = source.rank() == 2 ? source : asMatrix(source);
        INDArray rows = RowCopy.gather(
                matrix,
                indices,
                Nd4j.createUninitialized(source.dataType(), new long[] {indices.length, matrix.columns()}, 'c'));
        return source.rank() == 2 ? rows : rows.reshape('c', shape);
    }

    /** The row-major {@code [N, d]} view of an array {@code [N, ...]} (a view when the array is c-contiguous). */
    static INDArray asMatrix(INDArray a) {
        long d = 1;
        for (int i = 1; i < a.rank(); i++) {
            d *= a.size(i);
        }
        return a.reshape('c', a.size(0), d); // ND4J copies only when the strides cannot be reshaped as a view
    }

    private static void validatePair(INDArray features, INDArray targets) {
        Preconditions.requireFloatBatch("features", features);
        Preconditions.requireFloatMatrix("targets", targets);
        if (features.size(0) != targets.rows()) {
            throw new IllegalArgumentException("Dataset: features have " + features.size(0) + " rows but targets have "
                    + targets.rows() + "; expected one target row per sample");
        }
        if (features.dataType() != targets.dataType()) {
            throw new IllegalArgumentException("Dataset: targets have data type " + targets.dataType()
                    + ", expected the features' type " + features.dataType());
        }
        Preconditions.requireFinite("features", features);
        Preconditions.requireFinite("targets", targets);
    }

    private static void checkLabels(INDArray features, int[] labels, int numClasses) {
        if (labels == null) {
            throw new IllegalArgumentException("Dataset: labels are null");
        }
        if (labels.length != features.size(0)) {
            throw new IllegalArgumentException("Dataset: features have " + features.size(0) + " rows but there are "
                    + labels.length + " labels; expected one label per sample");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(
                        "labels: row " + i + " is " + labels[i] + ", expected 0.." + (numClasses - 1));
            }
        }
    }

    /** Each entry 0 or 1 and each row summing to exactly 1, checked natively; only a failure is located by row. */
    private static void requireOneHot(INDArray y) {
        if (y.isEmpty()) {
            return;
        }
        // y (1 - y) is zero exactly for entries in {0, 1}; |rowsum - 1| is zero exactly for one 1 per row.
        INDArray notBinary = y.mul(y.rsub(1.0)).neq(0.0).castTo(y.dataType()).sum(1);
        INDArray rowSums = y.sum(1);
        INDArray bad = rowSums.sub(1.0).neq(0.0).castTo(y.dataType()).addi(notBinary);
        int row = BooleanIndexing.firstIndex(bad, Conditions.greaterThan(0.0)).getInt(0);
        if (row < 0) {
            return;
        }
        if (notBinary.getDouble(row) > 0) {
            throw new IllegalArgumentException("targets: row " + row + " is not one-hot: it has an entry other than 0"
                    + " and 1 (row " + y.getRow(row) + ")");
        }
        throw new IllegalArgumentException("targets: row " + row + " is not one-hot: its entries sum to "
                + rowSums.getDouble(row) + ", expected exactly one 1 and zeros");
    }
}
