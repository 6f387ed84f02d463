package org.myelin.spark;

import java.io.Serializable;
import org.myelin.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One partition's share of the training data: a block of consecutive samples as plain Java arrays (row-major),
 * which is what Spark stores, ships and recomputes. The ND4J arrays are rebuilt on first use in each executor
 * and then kept with the cached object, so later rounds do not copy the data again.
 *
 * <p>Shapes: features {@code [rows, numFeatures]}, targets {@code [rows, numTargets]}.
 */
final class Shard implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final int rows;
    final int numFeatures;
    final int numTargets;
    final int numClasses;
    private final Values features;
    private final Values targets;
    private transient INDArray x;
    private transient INDArray y;

    private Shard(
            int partition, int rows, int numFeatures, int numTargets, int numClasses, Values features, Values targets) {
        this.partition = partition;
        this.rows = rows;
        this.numFeatures = numFeatures;
        this.numTargets = numTargets;
        this.numClasses = numClasses;
        this.features = features;
        this.targets = targets;
    }

    /** The samples of {@code data} as the shard of partition {@code partition}. */
    static Shard of(int partition, Dataset data) {
        DataType t = data.dataType();
        return new Shard(
                partition,
                data.size(),
                data.numFeatures(),
                data.numTargets(),
                data.numClasses(),
                Values.of(java.util.List.of(data.features()), t),
                Values.of(java.util.List.of(data.targets()), t));
    }

    /** A partition without samples. */
    static Shard empty(int partition, DataType type) {
        Values none = Values.of(java.util.List.of(), type);
        return new Shard(partition, 0, 0, 0, 0, none, none);
    }

    DataType dataType() {
        return features.isDouble() ? DataType.DOUBLE : DataType.FLOAT;
    }

    /** The range of the targets, {@code {min, max}} (NaN for both when one is NaN); plain Java, no ND4J. */
    double[] targetRange() {
        return targets.range();
    }

    /** Row {@code i}'s features as a float64 Java array; plain Java, no ND4J. */
    double[] featureRow(int i) {
        return features.slice(i * numFeatures, numFeatures);
    }

    /** Row {@code i}'s targets as a float64 Java array; plain Java, no ND4J. */
    double[] targetRow(int i) {
        return targets.slice(i * numTargets, numTargets);
    }

    /** Features {@code [rows, numFeatures]}; the same array on every call in this JVM, not to be modified. */
    synchronized INDArray features() {
        if (x == null) {
            x = Nd4j.create(dataType(), rows, numFeatures);
            features.copyInto(java.util.List.of(x));
        }
        return x;
    }

    /** Targets {@code [rows, numTargets]}; the same array on every call in this JVM, not to be modified. */
    synchronized INDArray targets() {
        if (y == null) {
            y = Nd4j.create(dataType(), rows, numTargets);
            targets.copyInto(java.util.List.of(y));
        }
        return y;
    }
}
