package org.myelin.spark;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;

/**
 * Spark settings for Myelin jobs, set on purpose rather than left to chance: threads per task
 * ({@code spark.task.cpus}) equal to the executors' {@code OMP_NUM_THREADS} (ND4J's and OpenBLAS's thread
 * pools), {@code OMP_WAIT_POLICY=PASSIVE} on executors (idle OpenMP threads sleep instead of spinning against
 * OpenBLAS's), no web UI.
 *
 * <p>Executors that share the driver's machine and Maven classpath (tests, {@code scripts/spark-standalone}):
 * {@link #shareDriverClassPath} makes {@code spark.executor.extraClassPath} the driver's {@code java.class.path}.
 * {@code local-cluster[...]} masters also need the environment variables {@code SPARK_HOME} (a directory
 * with an empty {@code jars/}), {@code SPARK_SCALA_VERSION=2.13} and {@code SPARK_LOCAL_IP=127.0.0.1} on the driver
 * process; {@link #localClusterHome} makes that directory.
 */
public final class SparkConfs {
    private SparkConfs() {}

    /**
     * A configuration for {@code master} with {@code threadsPerTask} threads per task and executor process.
     *
     * @throws IllegalArgumentException if {@code threadsPerTask < 1} or the master is blank
     */
    public static SparkConf create(String master, int threadsPerTask) {
        if (master == null || master.isBlank()) {
            throw new IllegalArgumentException(
                    "Spark master URL must be given, e.g. local[2], local-cluster[2,1,1024]" + " or spark://HOST:7077");
        }
        if (threadsPerTask < 1) {
            throw new IllegalArgumentException("threads per executor must be >= 1, was " + threadsPerTask);
        }
        String threads = Integer.toString(threadsPerTask);
        SparkConf conf = new SparkConf()
                .setMaster(master)
                .setAppName("myelin")
                .set("spark.task.cpus", threads)
                .set("spark.executor.cores", threads)
                .set("spark.executorEnv.OMP_NUM_THREADS", threads)
                .set("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE")
                // Where executors run ND4J on MKL (org.myelin.Blas), MKL's threads stay awake between gemms.
                .set("spark.executorEnv.KMP_BLOCKTIME", "200")
                .set("spark.executorEnv.SPARK_SCALA_VERSION", "2.13")
                .set("spark.ui.enabled", "false");
        if (master.startsWith("local-cluster")) {
            shareDriverClassPath(conf);
        }
        return conf;
    }

    /** Executors run with the driver's own class path (same machine, or the same paths on every machine). */
    public static SparkConf shareDriverClassPath(SparkConf conf) {
        return conf.set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.driver.extraClassPath", System.getProperty("java.class.path"));
    }

    /**
     * Makes {@code dir/jars} (empty) for {@code SPARK_HOME} when Spark runs from a Maven classpath rather than an
     * installation: the executor launcher only needs the directory to exist.
     */
    public static Path localClusterHome(Path dir) {
        try {
            Files.createDirectories(dir.resolve("jars"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + File.separator + "jars: " + e.getMessage(), e);
        }
        return dir;
    }
}
