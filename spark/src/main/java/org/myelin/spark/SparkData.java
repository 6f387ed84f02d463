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

    private SparkData(JavaRDD<Shard> shards, List<Broadcast<Shard>> broadcasts) {
        this.shards = shards.persist(StorageLevel.MEMORY_ONLY());
        this.broadcasts = broadcasts;
        // One small job: materialises the cache and tells the driver how the samples are laid out.
        List<long[]> meta = new ArrayList<>(this.shards
                .map(s -> new long[] {
                    s.partition,
                    s.rows,
                    s.numFeatures,
                    s.numTargets,
                    s.numClasses,
                    s.dataType() == DataType.DOUBLE ? 1 : 0
                })
                .collect());
        meta.sort((a, b) -> Long.compare(a[0], b[0]));
        int p = meta.size();
        if (p == 0) {
            throw new IllegalArgumentException("SparkData: the source has no partitions");
        }
        starts = new long[p];
        sizes = new int[p];
        long n = 0;
        for (int i = 0; i < p; i++) {
            long[] m = meta.get(i);
            if (m[0] != i) {
                throw new IllegalStateException(
                        "SparkData: partition " + i + " returned the shard of partition " + m[0]);
            }
            long[] first = firstNonEmpty(meta);
            if (m[1] > 0 && (m[2] != first[2] || m[3] != first[3] || m[5] != first[5])) {
                throw new IllegalArgumentException("SparkData: partition " + i + " has " + m[2] + " features and "
                        + m[3] + " targets, partition " + first[0] + " has " + first[2] + " and " + first[3]
                        + " (or their data types differ)");
            }
            starts[i] = n;
            sizes[i] = (int) m[1];
            n += m[1];
        }
        if (n == 0) {
            throw new IllegalArgumentException("SparkData: the training set is empty");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("SparkData: " + n + " samples; at most " + (Integer.MAX_VALUE - 8)
                    + " are supported (the global shuffle is an int permutation)");
        }
        long[] first = firstNonEmpty(meta);
        numFeatures = (int) first[2];
        numTargets = (int) first[3];
        numClasses = (int) first[4];
        dataType = first[5] == 1 ? DataType.DOUBLE : DataType.FLOAT;
    }

    private static long[] firstNonEmpty(List<long[]> meta) {
        for (long[] m : meta) {
            if (m[1] > 0) {
                return m;
            }
        }
        return meta.get(0);
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
