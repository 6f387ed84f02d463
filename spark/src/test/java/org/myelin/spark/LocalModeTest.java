package org.myelin.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.data.Dataset;
import org.myelin.data.Split;
import org.myelin.nn.Module;
import org.myelin.optim.ClipByGlobalNorm;
import org.myelin.optim.L2Penalty;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Schedules;
import org.myelin.train.Evaluation;
import org.myelin.train.LossFunction;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Distributed training in {@code local[2]}: equivalence, local steps, data sources, restarts, errors. */
class LocalModeTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(SparkConfs.create("local[2]", 1));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static SparkHistory fit(Module m, Optimizer o, SparkData data, TrainingOptions options, SparkOptions so) {
        return new SparkTrainer(sc, m, o, LossFunction.SOFTMAX_CROSS_ENTROPY, options, so).fit(data, null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"DOUBLE", "FLOAT"})
    void synchronousAveragingEqualsSingleMachineTraining(String typeName) {
        DataType type = DataType.valueOf(typeName);
        Dataset data = Fixtures.moons(202, type);
        // Adam with a cosine schedule, L2 and clipping: every part of the step must match the engine's Trainer.
        TrainingOptions options =
                TrainingOptions.of(3, 32, 11).withSchedule(Schedules.create("cosine", Map.of("period", 21), 0.01));
        Module local = Fixtures.mlp(type, 5);
        Optimizer lo = Fixtures.adam(local);
        Fixtures.trainLocally(
                local,
                lo,
                data,
                options.withGradientTransforms(List.of(new L2Penalty(1e-3), new ClipByGlobalNorm(1.0))));

        Module distributed = Fixtures.mlp(type, 5);
        try (SparkData d = SparkData.of(sc, data, 3)) {
            SparkHistory h = fit(
                    distributed,
                    Fixtures.adam(distributed),
                    d,
                    options,
                    SparkOptions.synchronous().withRegularization(new Regularization(1e-3, 0, 0, 1.0, 0)));
            assertEquals(21, h.rounds().size());
            assertEquals(3, h.epochs().epochs().size());
        }
        double err = Fixtures.maxDifference(local, distributed);
        System.out.printf("synchronous vs single machine, %s: max |difference| %.3e%n", type, err);
        assertTrue(err < (type == DataType.DOUBLE ? 1e-12 : 1e-5), "max difference " + err);
    }

    @Test
    void localStepsOnOnePartitionEqualSingleMachineTrainingWithThePartitionsShuffle() {
        // One partition: averaging is the identity, so K local steps per round must continue exactly where the
        // last round stopped (parameters, Adam's moments and step count, the schedule's rates).
        Dataset data = Fixtures.moons(100, DataType.DOUBLE);
        TrainingOptions options =
                TrainingOptions.of(2, 10, 3).withSchedule(Schedules.create("cosine", Map.of("period", 20), 0.01));
        Module distributed = Fixtures.mlp(DataType.DOUBLE, 9);
        try (SparkData d = SparkData.of(sc, data, 1)) {
            SparkHistory h = fit(distributed, Fixtures.adam(distributed), d, options, SparkOptions.localSteps(3));
            assertEquals(7, h.rounds().size(), "20 steps in rounds of 3");
        }
        Module local = Fixtures.mlp(DataType.DOUBLE, 9);
        // The partition shuffles its shard with the seed mix(seed, partition 0, 0).
        Fixtures.trainLocally(
                local,
                Fixtures.adam(local),
                data,
                new TrainingOptions(
                        2, 10, RoundTask.mix(3, 0, 0), false, 1000, options.schedule(), List.of(), List.of()));
        assertTrue(Fixtures.maxDifference(local, distributed) < 1e-12, "" + Fixtures.maxDifference(local, distributed));
    }

    @Test
    void localStepsAverageParametersAndOptimiserStateOverPartitions() {
        // Two partitions of 40, local batch 10: one round of K = 4 is one local epoch on each partition. The
        // result must be the mean of two independent single-machine runs on the shards, moments included.
        Dataset data = Fixtures.moons(80, DataType.DOUBLE);
        TrainingOptions options = TrainingOptions.of(1, 20, 4);
        Module distributed = Fixtures.mlp(DataType.DOUBLE, 2);
        Optimizer dOpt = Fixtures.adam(distributed);
        try (SparkData d = SparkData.of(sc, data, 2)) {
            assertEquals(
                    1,
                    fit(distributed, dOpt, d, options, SparkOptions.localSteps(4))
                            .rounds()
                            .size());
        }
        List<Module> shards = new ArrayList<>();
        List<Optimizer> opts = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            Module m = Fixtures.mlp(DataType.DOUBLE, 2);
            Optimizer o = Fixtures.adam(m);
            Fixtures.trainLocally(
                    m,
                    o,
                    data.subset(SparkData.range(80, 2, p)),
                    new TrainingOptions(1, 10, RoundTask.mix(4, p, 0), false, 1000, null, List.of(), List.of()));
            shards.add(m);
            opts.add(o);
        }
        distributed.namedParameters().forEach((name, t) -> {
            INDArray mean = shards.get(0)
                    .namedParameters()
                    .get(name)
                    .value()
                    .add(shards.get(1).namedParameters().get(name).value())
                    .divi(2);
            assertTrue(t.value().sub(mean).amaxNumber().doubleValue() < 1e-12, name);
            dOpt.state().get(name).forEach((slot, v) -> {
                INDArray expected = opts.get(0)
                        .state()
                        .get(name)
                        .get(slot)
                        .add(opts.get(1).state().get(name).get(slot))
                        .divi(2);
                assertTrue(v.sub(expected).amaxNumber().doubleValue() < 1e-12, name + "/" + slot);
            });
        });
        assertEquals(4, dOpt.steps());
    }

    @Test
    void localStepsConvergeOnMoons() {
        Dataset all = Fixtures.moons(600, DataType.FLOAT);
        Split split = Split.of(all, 0.8, 0, 0.2, 1);
        Module m = Fixtures.mlp(DataType.FLOAT, 1);
        try (SparkData d = SparkData.of(sc, split.train(), 2)) {
            SparkHistory h = fit(m, Fixtures.adam(m), d, TrainingOptions.of(20, 32, 1), SparkOptions.localSteps(8));
            assertTrue(
                    h.epochs().last().trainLoss() < h.epochs().epochs().get(0).trainLoss() / 2,
                    "loss " + h.epochs().epochs().get(0).trainLoss() + " -> "
                            + h.epochs().last().trainLoss());
        }
        double acc = Evaluation.of(m, LossFunction.SOFTMAX_CROSS_ENTROPY, split.test(), 256)
                .accuracy();
        assertTrue(acc > 0.95, "test accuracy " + acc);
    }

    @Test
    void roundsReportLossThroughputAndTimes() {
        Module m = Fixtures.mlp(DataType.FLOAT, 1);
        try (SparkData d = SparkData.of(sc, Fixtures.moons(100, DataType.FLOAT), 2)) {
            SparkHistory h = fit(m, Fixtures.adam(m), d, TrainingOptions.of(1, 50, 1), SparkOptions.synchronous());
            assertEquals(2, h.rounds().size());
            for (RoundRecord r : h.rounds()) {
                assertEquals(50, r.samples());
                assertTrue(Double.isFinite(r.loss()) && r.loss() > 0);
                assertTrue(r.seconds() > 0 && r.computeSeconds() > 0 && r.communicationSeconds() >= 0);
                assertTrue(r.computeSeconds() + r.updateSeconds() <= r.seconds() + 1e-9);
            }
            assertEquals(1, h.epochs().epochs().size());
        }
    }

    // ---- data sources: whatever the source, synchronous training equals the engine's on the same samples ----

    private static void assertEqualsSingleMachine(SparkData d, Dataset data) {
        TrainingOptions options = TrainingOptions.of(2, 16, 8);
        Module distributed = Fixtures.mlp(DataType.DOUBLE, 3);
        fit(distributed, Fixtures.adam(distributed), d, options, SparkOptions.synchronous());
        Module local = Fixtures.mlp(DataType.DOUBLE, 3);
        Fixtures.trainLocally(local, Fixtures.adam(local), data, options);
        assertTrue(Fixtures.maxDifference(local, distributed) < 1e-12, "" + Fixtures.maxDifference(local, distributed));
    }

    @Test
    void csvFileReadByEveryPartition(@TempDir Path dir) throws IOException {
        Dataset data = Fixtures.moons(90, DataType.DOUBLE);
        StringBuilder csv = new StringBuilder("x0,x1,label\n");
        int[] labels = data.labels();
        for (int i = 0; i < data.size(); i++) {
            csv.append(data.features().getDouble(i, 0))
                    .append(',')
                    .append(data.features().getDouble(i, 1))
                    .append(',')
                    .append(labels[i])
                    .append('\n');
        }
        Path file = dir.resolve("moons.csv");
        Files.writeString(file, csv);
        try (SparkData d = SparkData.csv(sc, file.toString(), "label", 2, DataType.DOUBLE, 3)) {
            assertEquals(90, d.size());
            assertEquals(3, d.partitions());
            assertEqualsSingleMachine(d, data);
        }
    }

    @Test
    void idxFilesReadByEveryPartition(@TempDir Path dir) throws IOException {
        int n = 60;
        byte[] pixels = new byte[n * 2 * 2];
        byte[] labels = new byte[n];
        java.util.Random r = new java.util.Random(1);
        r.nextBytes(pixels);
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) r.nextInt(3);
        }
        Path images = dir.resolve("images-idx3-ubyte");
        Path labelFile = dir.resolve("labels-idx1-ubyte");
        Files.write(
                images,
                ByteBuffer.allocate(16 + pixels.length)
                        .putInt(0x803)
                        .putInt(n)
                        .putInt(2)
                        .putInt(2)
                        .put(pixels)
                        .array());
        Files.write(
                labelFile,
                ByteBuffer.allocate(8 + n).putInt(0x801).putInt(n).put(labels).array());
        Dataset data = org.myelin.data.Idx.readClassification(images, labelFile, 3, DataType.DOUBLE);
        try (SparkData d = SparkData.idx(sc, images.toString(), labelFile.toString(), 3, DataType.DOUBLE, 2)) {
            assertEquals(60, d.size());
            assertEquals(4, d.numFeatures());
            TrainingOptions options = TrainingOptions.of(2, 16, 8);
            Module distributed = org.myelin.nn.Models.mlpBuilder(4, 8, 3)
                    .optDataType(DataType.DOUBLE)
                    .optSeed(3)
                    .build();
            fit(distributed, Fixtures.adam(distributed), d, options, SparkOptions.synchronous());
            Module local = org.myelin.nn.Models.mlpBuilder(4, 8, 3)
                    .optDataType(DataType.DOUBLE)
                    .optSeed(3)
                    .build();
            Fixtures.trainLocally(local, Fixtures.adam(local), data, options);
            assertTrue(Fixtures.maxDifference(local, distributed) < 1e-12);
        }
    }

    @Test
    void sparkRowsWithFeaturesAndLabelColumns() {
        Dataset data = Fixtures.moons(70, DataType.DOUBLE);
        int[] labels = data.labels();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            List<Double> x =
                    List.of(data.features().getDouble(i, 0), data.features().getDouble(i, 1));
            rows.add(RowFactory.create(
                    scala.jdk.javaapi.CollectionConverters.asScala(x).toSeq(), labels[i]));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("label", DataTypes.IntegerType);
        SparkSession session = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        var frame = session.createDataFrame(rows, schema);
        try (SparkData d = SparkData.rows(frame, "features", "label", 2, DataType.DOUBLE)) {
            assertEquals(70, d.size());
            assertEquals(2, d.numFeatures());
            assertEqualsSingleMachine(d, data);
        }
        var missing = assertThrows(
                IllegalArgumentException.class, () -> SparkData.rows(frame, "pixels", "label", 2, DataType.DOUBLE));
        assertTrue(missing.getMessage().contains("no column 'pixels'"), missing.getMessage());
    }

    // ---- driver restart ----

    @ParameterizedTest
    @ValueSource(ints = {0, 3})
    void driverRestartFromCheckpointEqualsUninterruptedRun(int localSteps, @TempDir Path dir) throws IOException {
        Dataset data = Fixtures.moons(160, DataType.DOUBLE);
        TrainingOptions options =
                TrainingOptions.of(3, 20, 6).withSchedule(Schedules.create("cosine", Map.of("period", 24), 0.01));
        SparkOptions base = localSteps == 0 ? SparkOptions.synchronous() : SparkOptions.localSteps(localSteps);
        try (SparkData d = SparkData.of(sc, data, 2)) {
            Module whole = Fixtures.mlp(DataType.DOUBLE, 4);
            SparkHistory uninterrupted = fit(whole, Fixtures.adam(whole), d, options, base);

            Path file = dir.resolve("checkpoint.zip");
            Module first = Fixtures.mlp(DataType.DOUBLE, 4);
            SparkTrainer t1 = new SparkTrainer(
                    sc,
                    first,
                    Fixtures.adam(first),
                    LossFunction.SOFTMAX_CROSS_ENTROPY,
                    options,
                    base.withCheckpoint(file, 2));
            t1.addRoundListener(r -> {
                if (r.round() == 5) {
                    t1.requestStop(); // the driver "dies" after round 5; the last checkpoint is written on stop
                }
            });
            t1.fit(d, null);
            assertEquals(5, t1.round());

            Module second = Fixtures.mlp(DataType.DOUBLE, 99); // a new driver: other initial weights until resumed
            SparkTrainer t2 = new SparkTrainer(
                    sc,
                    second,
                    Fixtures.adam(second),
                    LossFunction.SOFTMAX_CROSS_ENTROPY,
                    options,
                    base.withCheckpoint(file, 2));
            t2.resume(file);
            SparkHistory resumed = t2.fit(d, null);
            assertTrue(Fixtures.identical(whole, second), "max difference " + Fixtures.maxDifference(whole, second));
            assertEquals(uninterrupted.rounds().size(), resumed.rounds().size());
            assertEquals(
                    uninterrupted.epochs().last().trainLoss(),
                    resumed.epochs().last().trainLoss(),
                    1e-12);
        }
    }

    // ---- bad configuration ----

    @Test
    void badConfigurationIsRejectedWithItsName() {
        Module m = Fixtures.mlp(DataType.FLOAT, 1);
        Optimizer o = Fixtures.adam(m);
        TrainingOptions options = TrainingOptions.of(1, 30, 1);
        assertMessage("local steps K must be >= 1, was 0", () -> SparkOptions.localSteps(0));
        assertMessage(
                "checkpoint interval must be >= 0 rounds, was -1",
                () -> SparkOptions.synchronous().withCheckpoint(Path.of("x"), -1));
        assertMessage("l2 must be >= 0 and finite, was -1.0", () -> new Regularization(-1, 0, 0, 0, 0));
        assertMessage("threads per executor must be >= 1, was 0", () -> SparkConfs.create("local[2]", 0));
        assertMessage("Spark master URL must be given", () -> SparkConfs.create(" ", 1));
        assertMessage(
                "give penalties, clipping and max-norm as SparkOptions.withRegularization",
                () -> new SparkTrainer(
                        sc,
                        m,
                        o,
                        LossFunction.SOFTMAX_CROSS_ENTROPY,
                        options.withGradientTransforms(List.of(new L2Penalty(1))),
                        SparkOptions.synchronous()));
        assertMessage(
                "only the stop divergence policy",
                () -> new SparkTrainer(
                        sc,
                        m,
                        o,
                        LossFunction.SOFTMAX_CROSS_ENTROPY,
                        options.withDivergencePolicy(org.myelin.train.DivergencePolicy.of("skip", null, null)),
                        SparkOptions.synchronous()));
        Module other = Fixtures.mlp(DataType.FLOAT, 2);
        assertMessage(
                "is not the model's tensor",
                () -> new SparkTrainer(
                        sc,
                        m,
                        Fixtures.adam(other),
                        LossFunction.SOFTMAX_CROSS_ENTROPY,
                        options,
                        SparkOptions.synchronous()));
        Dataset data = Fixtures.moons(100, DataType.FLOAT);
        assertMessage("partitions must be >= 1, was 0", () -> SparkData.of(sc, data, 0));
        assertMessage("101 partitions for 100 samples", () -> SparkData.of(sc, data, 101));
        try (SparkData d = SparkData.of(sc, data, 4)) {
            SparkTrainer t =
                    new SparkTrainer(sc, m, o, LossFunction.SOFTMAX_CROSS_ENTROPY, options, SparkOptions.localSteps(2));
            assertMessage("batch size B = 30 must be a multiple of the 4 partitions", () -> t.fit(d, null));
            Module f64 = Fixtures.mlp(DataType.DOUBLE, 1);
            assertMessage(
                    "the training data is FLOAT, the model is DOUBLE",
                    () -> new SparkTrainer(
                                    sc,
                                    f64,
                                    Fixtures.adam(f64),
                                    LossFunction.SOFTMAX_CROSS_ENTROPY,
                                    options,
                                    SparkOptions.synchronous())
                            .fit(d, null));
        }
        assertMessage(
                "numClasses must be 0 (regression) or >= 2, was 1",
                () -> SparkData.csv(sc, "x.csv", null, 1, DataType.FLOAT, 2));
        assertMessage(
                "data type must be FLOAT or DOUBLE, was INT",
                () -> SparkData.csv(sc, "x.csv", null, 2, DataType.INT32, 2));
    }

    @Test
    void resumeRefusesACheckpointOfAnotherMode(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("c.zip");
        try (SparkData d = SparkData.of(sc, Fixtures.moons(40, DataType.FLOAT), 2)) {
            oneEpochOfAdam(
                            Fixtures.mlp(DataType.FLOAT, 1),
                            SparkOptions.synchronous().withCheckpoint(file, 1))
                    .fit(d, null);
        }
        Module m = Fixtures.mlp(DataType.FLOAT, 1);
        SparkTrainer t = oneEpochOfAdam(m, SparkOptions.localSteps(2));
        INDArray before = m.namedParameters().values().iterator().next().value().dup();
        assertMessage(
                "written with 0 local steps (0: synchronous), this trainer uses 2",
                org.myelin.io.ModelFormatException.class,
                () -> t.resume(file));
        assertEquals(before, m.namedParameters().values().iterator().next().value(), "unchanged after a refusal");
        assertEquals(0, t.round());
    }

    @Test
    void aDivergedModelIsNotCheckpointedOverThePreviousOneAndTheRefusalNamesTheFile(@TempDir Path dir)
            throws IOException {
        // The refusal read "Checkpoint.save: parameter ..." without saying which checkpoint it kept.
        Path file = dir.resolve("c.zip");
        try (SparkData d = SparkData.of(sc, Fixtures.moons(80, DataType.FLOAT), 2)) {
            Module m = Fixtures.mlp(DataType.FLOAT, 1);
            SparkTrainer t = oneEpochOfAdam(m, SparkOptions.synchronous().withCheckpoint(file, 1));
            String weight = m.namedParameters().keySet().iterator().next();
            t.addRoundListener(r -> {
                if (r.round() == 2) { // before the checkpoint of round 2
                    m.namedParameters().get(weight).value().putScalar(0, Float.NaN);
                }
            });
            assertMessage(
                    "could not write checkpoint " + file + " (the previous one is intact): Checkpoint.save: parameter '"
                            + weight + "' holds 1 non-finite value(s)",
                    () -> t.fit(d, null));
        }
        SparkTrainer resumed = oneEpochOfAdam(
                Fixtures.mlp(DataType.FLOAT, 1), SparkOptions.synchronous().withCheckpoint(file, 1));
        resumed.resume(file);
        assertEquals(1, resumed.round(), "the checkpoint of round 1 is still there");
    }

    /** A trainer of {@code m} for one epoch of batches of 20, Adam, softmax cross-entropy, seed 1. */
    private static SparkTrainer oneEpochOfAdam(Module m, SparkOptions options) {
        return new SparkTrainer(
                sc, m, Fixtures.adam(m), LossFunction.SOFTMAX_CROSS_ENTROPY, TrainingOptions.of(1, 20, 1), options);
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void assertMessage(String expected, Action a) {
        assertMessage(expected, IllegalArgumentException.class, a);
    }

    private static void assertMessage(String expected, Class<? extends Exception> type, Action a) {
        Exception e = assertThrows(Exception.class, a::run);
        assertTrue(
                e.getMessage() != null && e.getMessage().contains(expected),
                "expected a message containing '" + expected + "', got: " + e);
        assertTrue(type.isInstance(e), "expected a " + type.getSimpleName() + ", got " + e);
    }
}
