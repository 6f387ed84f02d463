package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.MemoryLimit;
import org.myelin.Settings;
import org.myelin.io.Checkpoint;
import org.myelin.io.Json;
import org.myelin.io.ModelFile;
import org.myelin.io.Npy;
import org.myelin.job.TrainingJob;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The parameter bytes a model file, a checkpoint or a job config implies are compared with
 * {@link MemoryLimit#parameterBytes()} before anything is allocated; a model beyond it is refused with both
 * numbers and how to raise the limit. Loading a model within it reads each array straight into its parameter.
 */
@Tag("reliability")
class MemoryLimitTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearLimit() {
        System.clearProperty(Settings.MAX_PARAMETER_BYTES);
    }

    /** A model file whose model.json describes a dense layer of {@code in x out}, with a placeholder entry. */
    private Path hugeDenseModel(long in, long out) throws IOException {
        Map<String, byte[]> entries = Fixtures.unzip(Fixtures.modelZip(dir));
        Map<String, Object> doc =
                Json.readObject("model.json", new String(entries.get("model.json"), StandardCharsets.UTF_8));
        Map<String, Object> dense = new LinkedHashMap<>();
        dense.put("type", "dense");
        dense.put("in", in);
        dense.put("out", out);
        dense.put("bias", true);
        dense.put("dataType", "float32");
        doc.put("architecture", Map.of("type", "sequential", "layers", List.of(dense)));
        doc.put(
                "parameters",
                List.of(
                        Map.of("name", "0.weight", "shape", List.of(in, out), "entry", "parameters/0.weight.npy"),
                        Map.of("name", "0.bias", "shape", List.of(out), "entry", "parameters/0.bias.npy")));
        doc.put("buffers", List.of());
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("model.json", Json.write(doc).getBytes(StandardCharsets.UTF_8));
        m.put("parameters/0.weight.npy", entries.get("parameters/0.weight.npy"));
        m.put("parameters/0.bias.npy", entries.get("parameters/0.weight.npy"));
        Path f = dir.resolve("huge-" + in + "x" + out + ".zip");
        Files.write(f, Fixtures.zip(m));
        return f;
    }

    @Test
    void aModelFileDescribingA1000By250000LayerIsRefusedBeforeAllocating() throws IOException {
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "512m"); // a 4 GB machine: -Xmx4g, 1/8 of it
        Path f = hugeDenseModel(1000, 250_000);
        long before = allocated();
        Exception e = assertThrows(org.myelin.io.ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(allocated() - before < HostileFilesTest.MAX_ALLOCATION, "allocated " + (allocated() - before));
        assertEquals(
                f + "!model.json: the model needs 954.63 MiB (1001000000 bytes) for its 250,250,000"
                        + " parameters, more than the limit of 512.00 MiB (536870912 bytes) (-Dmyelin.maxParameterBytes);"
                        + " to allow it, raise the limit with -Dmyelin.maxParameterBytes=SIZE (e.g. 16g; for scripts/myelin"
                        + " in MYELIN_JAVA_OPTS) on a machine with the memory for it",
                e.getMessage());
        Exception c = assertThrows(org.myelin.io.ModelFormatException.class, () -> Checkpoint.load(f));
        assertTrue(c.getMessage().contains("the model needs 954.63 MiB"), c.getMessage());
    }

    @Test
    void theDefaultLimitIsAnEighthOfTheMemoryForArraysAndTheMessageSaysWhereItComesFrom() throws IOException {
        long limit = MemoryLimit.parameterBytes();
        assertTrue(
                limit > 0 && limit <= Math.max(org.bytedeco.javacpp.Pointer.maxBytes(), 1) / MemoryLimit.COPIES,
                "limit " + limit);
        Path f = hugeDenseModel(1000, limit / 4000 + 1);
        Exception e = assertThrows(org.myelin.io.ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(
                e.getMessage().contains("more than the limit of ")
                        && e.getMessage().contains("1/8 of the smaller of" + " the memory for arrays")
                        && e.getMessage().contains("-Dmyelin.maxParameterBytes=SIZE"),
                e.getMessage());
    }

    @Test
    void theLimitCanBeRaisedOrLowered() throws IOException {
        Path f = dir.resolve("small.zip");
        Files.write(f, Fixtures.modelZip(dir));
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "100");
        Exception e = assertThrows(org.myelin.io.ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("more than the limit of 100 bytes"), e.getMessage());
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "1k");
        ModelFile.load(f);
        System.setProperty(Settings.MAX_PARAMETER_BYTES, "lots");
        Exception g = assertThrows(org.myelin.io.ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(g.getMessage().startsWith("-Dmyelin.maxParameterBytes must be a size"), g.getMessage());
    }

    @Test
    void aConfigWithABillionHiddenUnitsIsRefusedBeforeAllocating() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("data", Map.of("source", "synthetic", "name", "xor"));
        raw.put("model", Map.of("hidden", List.of(1_000_000_000)));
        raw.put("output", dir.resolve("out").toString());
        long before = allocated();
        Exception e = assertThrows(
                org.myelin.ConfigurationException.class,
                () -> new TrainingJob(raw).run(new PrintStream(OutputStream.nullOutputStream()), false));
        assertTrue(allocated() - before < HostileFilesTest.MAX_ALLOCATION, "allocated " + (allocated() - before));
        assertTrue(
                e.getMessage()
                        .startsWith("model.hidden: the MLP 2-1000000000-2 needs 18.63 GiB (20000000008"
                                + " bytes) for its 5,000,000,002 parameters, more than the limit of "),
                e.getMessage());
    }

    @Test
    void theCommandLineRefusesTheHugeModelInOneLine() {
        Cli r = Cli.run(
                "train",
                "--data",
                "synthetic:xor",
                "--hidden",
                "1000000000",
                "--out",
                dir.resolve("cli").toString());
        // The sizes came from --hidden: a usage error naming the option (exit 2), as every option's bad value is.
        assertEquals(2, r.code(), r.toString());
        assertTrue(
                r.oneLineError() && r.err().startsWith("myelin train: --hidden: the MLP 2-1000000000-2 needs"),
                r.toString());
    }

    @Test
    void loadingAModelReadsEachArrayStraightIntoItsParameter() throws IOException {
        Module m = Models.mlpBuilder(1000, 1000, 3)
                .optDataType(DataType.FLOAT)
                .optSeed(3)
                .build();
        Path f = dir.resolve("wide.zip");
        ModelFile.save(f, m, Map.of());
        long weightBytes = 1000L * 1000 * 4;
        // The first load in a JVM also initialises the config binder (Jackson's classes and caches, a few MB once);
        // a small model loaded first keeps that one-time cost out of the per-model figure measured here.
        Path small = dir.resolve("small.zip");
        ModelFile.save(
                small, Models.mlpBuilder(2, 2).optDataType(DataType.FLOAT).build(), Map.of());
        ModelFile.load(small);
        long before = allocated();
        ModelFile.Loaded loaded = ModelFile.load(f);
        long heap = allocated() - before;
        assertTrue(
                heap < weightBytes,
                "loading allocated " + heap + " bytes of heap for " + weightBytes
                        + " bytes of weights (a copy through the heap costs several times that)");
        for (String name : m.namedParameters().keySet()) {
            assertTrue(
                    Fixtures.sameBits(
                            m.namedParameters().get(name).value(),
                            loaded.model().namedParameters().get(name).value()),
                    name);
        }
    }

    @Test
    void aLargeNpyOfEitherByteOrderReadsExactlyAndATruncatedOneIsRefused() throws IOException {
        INDArray a = Nd4j.rand(DataType.FLOAT, 700, 500).subi(0.5);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        byte[] little = out.toByteArray();
        INDArray read = Npy.read("little.npy", new ByteArrayInputStream(little), a.length());
        assertTrue(Fixtures.sameBits(a, read));
        byte[] big = bigEndian(little);
        assertTrue(Fixtures.sameBits(a, Npy.read("big.npy", new ByteArrayInputStream(big), a.length())));
        byte[] truncated = java.util.Arrays.copyOf(little, little.length - 5);
        Exception e = assertThrows(
                org.myelin.io.NpyFormatException.class,
                () -> Npy.read("cut.npy", new ByteArrayInputStream(truncated), a.length()));
        assertTrue(e.getMessage().startsWith("cut.npy: truncated data: expected 1400000 bytes"), e.getMessage());
        INDArray d = Nd4j.rand(DataType.DOUBLE, 400, 400);
        ByteArrayOutputStream dout = new ByteArrayOutputStream();
        Npy.write(d, dout);
        assertTrue(Fixtures.sameBits(
                d, Npy.read("big64.npy", new ByteArrayInputStream(bigEndian(dout.toByteArray())), d.length())));
    }

    /** The same .npy with its header saying big-endian and every element's bytes reversed. */
    private static byte[] bigEndian(byte[] npy) {
        int headerLen = (npy[8] & 0xff) | (npy[9] & 0xff) << 8;
        int start = 10 + headerLen;
        String header = new String(npy, 10, headerLen, StandardCharsets.ISO_8859_1);
        int width = header.contains("<f8") ? 8 : 4;
        byte[] out = npy.clone();
        byte[] h = header.replace("'<f", "'>f").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(h, 0, out, 10, h.length);
        for (int i = start; i + width <= out.length; i += width) {
            for (int j = 0; j < width; j++) {
                out[i + j] = npy[i + width - 1 - j];
            }
        }
        return out;
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
