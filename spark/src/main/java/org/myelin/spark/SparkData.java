package org.myelin.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.myelin.Blas;
import org.myelin.data.Csv;
import org.myelin.data.Dataset;
import org.myelin.data.Idx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training data split into Spark partitions, one {@link Shard} of consecutive samples per partition, cached on
 * the executors. Sample {@code i} of the whole set is row {@code i - start(p)} of the partition {@code p} whose
 * range holds it; the starts are computed once, by a small Spark job, when the data is created.
 *
 * <p>Sources: an in-memory {@link Dataset} (each shard is broadcast once, so tasks do not carry data), IDX or CSV
 * files at a path every executor can read (each partition reads the file and keeps its rows), and a Spark
 * {@code Dataset<Row>} with a features column (array of numbers) and a label column (one partition per partition
 * of the rows). A lost partition is rebuilt from its source, which must therefore give the same rows again:
 * files that do not change, rows from a deterministic plan.
 *
 * <p>Close it when training is done: it unpersists the shards and destroys the broadcasts.
 */
public final class SparkData implements AutoCloseable {
    private final JavaRDD<Shard> shards;
    private final List<Broadcast<Shard>> broadcasts;
    private final long[] starts;
    private final int[] sizes;
    private final int numFeatures;
    private final int numTargets;
    private final int numClasses;
    private final DataType dataType;
    private final double[] targetRange;
    private final Dataset head;

    private SparkData(JavaRDD<Shard> shards, List<Broadcast<Shard>> broadcasts) {
        this.shards = shards.persist(StorageLevel.MEMORY_ONLY());
        this.broadcasts = broadcasts;
        // One small job: materialises the cache and tells the driver how the samples are laid out, the targets'
        // range and the first samples (for the trainer's checks before its first round).
        List<Summary> meta = new ArrayList<>(this.shards.map(Summary::of).collect());
        meta.sort((a, b) -> Integer.compare(a.partition, b.partition));
        int p = meta.size();
        if (p == 0) {
            throw new IllegalArgumentException("SparkData: the source has no partitions");
        }
        starts = new long[p];
        sizes = new int[p];
        long n = 0;
        Summary first = firstNonEmpty(meta);
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        List<double[]> headFeatures = new ArrayList<>();
        List<double[]> headTargets = new ArrayList<>();
        for (int i = 0; i < p; i++) {
            Summary m = meta.get(i);
            if (m.partition != i) {
                throw new IllegalStateException(
                        "SparkData: partition " + i + " returned the shard of partition " + m.partition);
            }
            if (m.rows > 0
                    && (m.numFeatures != first.numFeatures
                            || m.numTargets != first.numTargets
                            || m.isDouble != first.isDouble)) {
                throw new IllegalArgumentException("SparkData: partition " + i + " has " + m.numFeatures
                        + " features and " + m.numTargets + " targets, partition " + first.partition + " has "
                        + first.numFeatures + " and " + first.numTargets + " (or their data types differ)");
            }
            starts[i] = n;
            sizes[i] = m.rows;
            n += m.rows;
            if (m.rows > 0) {
                // NaN stays NaN: a NaN target is reported as a range of [NaN, NaN].
                min = Double.isNaN(min) || Double.isNaN(m.targetMin) ? Double.NaN : Math.min(min, m.targetMin);
                max = Double.isNaN(max) || Double.isNaN(m.targetMax) ? Double.NaN : Math.max(max, m.targetMax);
            }
            for (int r = 0; r < m.headFeatures.length && headFeatures.size() < Summary.HEAD; r++) {
                headFeatures.add(m.headFeatures[r]);
                headTargets.add(m.headTargets[r]);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException("SparkData: the training set is empty");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("SparkData: " + n + " samples; at most " + (Integer.MAX_VALUE - 8)
                    + " are supported (the global shuffle is an int permutation)");
        }
        numFeatures = first.numFeatures;
        numTargets = first.numTargets;
        numClasses = first.numClasses;
        dataType = first.isDouble ? DataType.DOUBLE : DataType.FLOAT;
        targetRange = new double[] {min, max};
        head = Dataset.of(
                Nd4j.createFromArray(headFeatures.toArray(new double[0][])).castTo(dataType),
                Nd4j.createFromArray(headTargets.toArray(new double[0][])).castTo(dataType));
    }

    private static Summary firstNonEmpty(List<Summary> meta) {
        for (Summary m : meta) {
            if (m.rows > 0) {
                return m;
            }
        }
        return meta.get(0);
    }

    /**
     * What the driver learns of one shard: its layout, its targets' range and its first samples (at most
     * {@link #HEAD}), computed on the executor in plain Java (no ND4J there).
     */
    private static final class Summary implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** The samples of the whole set the trainer's checks run the model on. */
        static final int HEAD = 2;

        final int partition;
        final int rows;
        final int numFeatures;
        final int numTargets;
        final int numClasses;
        final boolean isDouble;
        final double targetMin;
        final double targetMax;
        final double[][] headFeatures;
        final double[][] headTargets;

        private Summary(Shard s) {
            partition = s.partition;
            rows = s.rows;
            numFeatures = s.numFeatures;
            numTargets = s.numTargets;
            numClasses = s.numClasses;
            isDouble = s.dataType() == DataType.DOUBLE;
            double[] range = s.targetRange();
            targetMin = range[0];
            targetMax = range[1];
            int k = Math.min(HEAD, rows);
            headFeatures = new double[k][];
            headTargets = new double[k][];
            for (int r = 0; r < k; r++) {
                headFeatures[r] = s.featureRow(r);
                headTargets[r] = s.targetRow(r);
            }
        }

        static Summary of(Shard s) {
            return new Summary(s);
        }
    }

    /**
     * An in-memory data set split into {@code partitions} blocks of consecutive samples (sizes differ by at most
     * one), each broadcast once.
     */
    public static SparkData of(JavaSparkContext sc, Dataset data, int partitions) {
        requirePartitions(partitions, data.size());
        List<Broadcast<Shard>> bs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int[] rows = range(data.size(), partitions, p);
            bs.add(sc.broadcast(Shard.of(p, data.subset(rows))));
        }
        List<Broadcast<Shard>> handles = List.copyOf(bs);
        JavaRDD<Shard> rdd = sc.parallelize(
                        IntStream.range(0, partitions).boxed().toList(), partitions)
                .map(p -> handles.get(p).value());
        return new SparkData(rdd, handles);
    }

    /**
     * MNIST-style IDX files (images and labels, plain or gzip) at paths every executor can read, split into
     * {@code partitions} blocks of consecutive samples; pixel values as {@link Idx#readImages} gives them.
     */
    public static SparkData idx(
            JavaSparkContext sc, String images, String labels, int numClasses, DataType type, int partitions) {
        requirePartitions(partitions, 0);
        Values.requireFloatType(type);
        return new SparkData(
                sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
                        .map(p -> {
                            Blas.select(); // executor code may be the first to load ND4J in its JVM
                            Dataset all;
                            try {
                                all = Idx.readClassification(Path.of(images), Path.of(labels), numClasses, type);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            return Shard.of(p, all.subset(range(all.size(), partitions, p)));
                        }),
                List.of());
    }

    /**
     * A CSV file (header row) at a path every executor can read, split into {@code partitions} blocks of
     * consecutive samples. {@code labelColumn} names the target column ({@code null}: the last one);
     * {@code numClasses} 0 reads it as a regression target, {@code >= 2} as a class index to one-hot.
     */
    public static SparkData csv(
            JavaSparkContext sc, String file, String labelColumn, int numClasses, DataType type, int partitions) {
        requirePartitions(partitions, 0);
        Values.requireFloatType(type);
        if (numClasses == 1 || numClasses < 0) {
            throw new IllegalArgumentException(
                    "SparkData.csv: numClasses must be 0 (regression) or >= 2, was " + numClasses);
        }
        return new SparkData(
                sc.parallelize(IntStream.range(0, partitions).boxed().toList(), partitions)
                        .map(p -> {
                            Csv reader = Csv.reader().dataType(type);
                            if (labelColumn != null) {
                                reader = reader.labelColumn(labelColumn);
                            }
                            reader = numClasses > 0 ? reader.classification(numClasses) : reader.regression();
                            Blas.select(); // executor code may be the first to load ND4J in its JVM
                            Dataset all;
                            try {
                                all = reader.read(Path.of(file));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                            return Shard.of(p, all.subset(range(all.size(), partitions, p)));
                        }),
                List.of());
    }

    /**
     * A Spark {@code Dataset<Row>}: column {@code featuresColumn} an array of numbers (all rows the same length),
     * column {@code labelColumn} an integer class in {@code 0..numClasses-1} (one-hot encoded here) or, with
     * {@code numClasses} 0, a number or an array of numbers (regression targets). One shard per partition of
     * {@code rows}, in the rows' order; repartition the rows first to choose the number of partitions.
     */
    public static SparkData rows(
            org.apache.spark.sql.Dataset<Row> rows,
            String featuresColumn,
            String labelColumn,
            int numClasses,
            DataType type) {
        Values.requireFloatType(type);
        if (numClasses == 1 || numClasses < 0) {
            throw new IllegalArgumentException(
                    "SparkData.rows: numClasses must be 0 (regression) or >= 2, was " + numClasses);
        }
        List<String> columns = List.of(rows.columns());
        for (String c : List.of(featuresColumn, labelColumn)) {
            if (!columns.contains(c)) {
                throw new IllegalArgumentException("SparkData.rows: no column '" + c + "'; the columns are " + columns);
            }
        }
        int fi = rows.schema().fieldIndex(featuresColumn);
        int li = rows.schema().fieldIndex(labelColumn);
        JavaRDD<Shard> rdd = rows.javaRDD()
                .mapPartitionsWithIndex(
                        (p, it) -> {
                            Blas.select(); // executor code may be the first to load ND4J in its JVM
                            Dataset d =
                                    RowShards.toDataset(it, fi, li, numClasses, type, featuresColumn, labelColumn, p);
                            return Collections.singletonList(d == null ? Shard.empty(p, type) : Shard.of(p, d))
                                    .iterator();
                        },
                        true);
        return new SparkData(rdd, List.of());
    }

    /** The sample indices of block {@code p} of {@code partitions} over {@code n} samples. */
    static int[] range(int n, int partitions, int p) {
        long from = (long) n * p / partitions;
        long to = (long) n * (p + 1) / partitions;
        return IntStream.range((int) from, (int) to).toArray();
    }

    private static void requirePartitions(int partitions, int n) {
        if (partitions < 1) {
            throw new IllegalArgumentException("SparkData: partitions must be >= 1, was " + partitions);
        }
        if (n > 0 && partitions > n) {
            throw new IllegalArgumentException("SparkData: " + partitions + " partitions for " + n
                    + " samples; expected at most one partition per sample");
        }
    }

    JavaRDD<Shard> shards() {
        return shards;
    }

    /** Index of the first sample of each partition. */
    long[] starts() {
        return starts.clone();
    }

    /** Samples per partition. */
    public int[] partitionSizes() {
        return sizes.clone();
    }

    public int partitions() {
        return sizes.length;
    }

    /** Number of samples N. */
    public int size() {
        return (int) (starts[starts.length - 1] + sizes[sizes.length - 1]);
    }

    public int numFeatures() {
        return numFeatures;
    }

    public int numTargets() {
        return numTargets;
    }

    /** Classes of a classification set, 0 for regression targets. */
    public int numClasses() {
        return numClasses;
    }

    public DataType dataType() {
        return dataType;
    }

    /**
     * The smallest and the largest target of the whole set, {@code {min, max}}: NaN for both when a target is NaN.
     * Computed when the data was created, for the trainer's range check before its first round.
     */
    double[] targetRange() {
        return targetRange.clone();
    }

    /** The first samples of the whole set (at most 2), kept on the driver for the trainer's checks. */
    Dataset head() {
        return head;
    }

    @Override
    public void close() {
        shards.unpersist(false);
        for (Broadcast<Shard> b : broadcasts) {
            b.destroy();
        }
    }

    @Override
    public String toString() {
        return "SparkData[N=" + size() + ", partitions=" + partitions() + ", features=" + numFeatures + ", targets="
                + numTargets + ", " + dataType + "]";
    }

    /** Builds a shard's dataset from rows (null for a partition without rows). */
    static final class RowShards {
        private RowShards() {}

        static Dataset toDataset(
                Iterator<Row> it,
                int fi,
                int li,
                int numClasses,
                DataType type,
                String featuresColumn,
                String labelColumn,
                int partition) {
            List<double[]> xs = new ArrayList<>();
            List<double[]> ys = new ArrayList<>();
            int[] labels = new int[16];
            int n = 0;
            int width = -1;
            int targetWidth = -1;
            while (it.hasNext()) {
                Row r = it.next();
                double[] x = numbers(r, fi, featuresColumn, partition, n);
                if (width >= 0 && x.length != width) {
                    throw new IllegalArgumentException("SparkData.rows: partition " + partition + " row " + n
                            + ": column '" + featuresColumn + "' has " + x.length + " values, expected " + width);
                }
                width = x.length;
                xs.add(x);
                if (numClasses > 0) {
                    Object v = r.get(li);
                    if (!(v instanceof Number num) || num.doubleValue() != Math.rint(num.doubleValue())) {
                        throw new IllegalArgumentException("SparkData.rows: partition " + partition + " row " + n
                                + ": column '" + labelColumn + "' must be an integer class, was " + v);
                    }
                    if (n == labels.length) {
                        labels = java.util.Arrays.copyOf(labels, 2 * n);
                    }
                    labels[n] = num.intValue();
                } else {
                    double[] y = numbers(r, li, labelColumn, partition, n);
                    if (targetWidth >= 0 && y.length != targetWidth) {
                        throw new IllegalArgumentException("SparkData.rows: partition " + partition + " row " + n
                                + ": column '" + labelColumn + "' has " + y.length + " values, expected "
                                + targetWidth);
                    }
                    targetWidth = y.length;
                    ys.add(y);
                }
                n++;
            }
            if (n == 0) {
                return null;
            }
            var x = Nd4j.createFromArray(xs.toArray(new double[0][])).castTo(type);
            if (numClasses > 0) {
                try {
                    return Dataset.classification(x, java.util.Arrays.copyOf(labels, n), numClasses);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            "SparkData.rows: partition " + partition + ": " + e.getMessage(), e);
                }
            }
            var y = Nd4j.createFromArray(ys.toArray(new double[0][])).castTo(type);
            return Dataset.of(x, y);
        }

        private static double[] numbers(Row r, int i, String column, int partition, int row) {
            Object v = r.get(i);
            if (v instanceof Number num) {
                return new double[] {num.doubleValue()};
            }
            if (v instanceof scala.collection.Seq<?> seq) {
                double[] out = new double[seq.size()];
                for (int k = 0; k < out.length; k++) {
                    Object e = seq.apply(k);
                    if (!(e instanceof Number num)) {
                        throw new IllegalArgumentException("SparkData.rows: partition " + partition + " row " + row
                                + ": column '" + column + "' element " + k + " is " + e + ", expected a number");
                    }
                    out[k] = num.doubleValue();
                }
                return out;
            }
            throw new IllegalArgumentException("SparkData.rows: partition " + partition + " row " + row + ": column '"
                    + column + "' must be a number or an array of numbers, was " + v);
        }
    }
}
