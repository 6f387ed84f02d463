package org.myelin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.myelin.nn.Inits;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelFileTest {

    @TempDir
    Path dir;

    private static Module model() {
        return Models.mlpBuilder(5, 7, 3)
                .optSeed(3)
                .optBatchNorm(true)
                .optDropout(0.2)
                .build();
    }

    private static INDArray predict(Module m, INDArray x) {
        m.eval();
        try (var s = Autograd.noGrad()) {
            return m.forward(Tensor.constant(x)).value();
        }
    }

    @Test
    void savedModelLoadsWithIdenticalOutputs() throws IOException {
        Module m = model();
        // Give the batch-norm buffers non-default values so they must round-trip too.
        m.forward(Tensor.constant(Nd4j.rand(DataType.FLOAT, 8, 5)));
        Path f = dir.resolve("m.zip");
        ModelFile.save(f, m, Map.of("loss", "softmax_cross_entropy"));
        ModelFile.Loaded loaded = ModelFile.load(f);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 5);
        assertEquals(predict(m, x), predict(loaded.model(), x));
        assertEquals("softmax_cross_entropy", loaded.metadata().get("loss"));
        assertEquals(m.config(), loaded.model().config());
    }

    @Test
    void npyRoundTripsBothFloatTypes() throws IOException {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray a = Nd4j.rand(t, 3, 4);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(a, out);
            assertEquals(0, (out.size() - 128) % 4, "header padded to 64 bytes");
            INDArray b = Npy.read("x", new ByteArrayInputStream(out.toByteArray()), 12);
            assertEquals(a, b);
        }
    }

    /** A 2 x 2 float32 .npy whose header declares {@code shape} instead. */
    private static byte[] npyDeclaring(String shape) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(Nd4j.rand(DataType.FLOAT, 2, 2), out);
        return new String(out.toByteArray(), StandardCharsets.ISO_8859_1)
                .replace("'shape': (2, 2)", "'shape': " + shape)
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void npyRefusesHugeHeaderBeforeAllocating() throws IOException {
        byte[] bytes = npyDeclaring("(99999, 99999)");
        NpyFormatException e =
                assertThrows(NpyFormatException.class, () -> Npy.read("w.npy", new ByteArrayInputStream(bytes), 4));
        assertTrue(e.getMessage().contains("9999800001 elements"), e.getMessage());
    }

    @Test
    void npyBeyondOneJavaArrayIsRefusedWithoutALimit() throws IOException {
        // 2^62 float32 elements are 2^64 bytes: the byte count wrapped to 0 and passed the "one Java array" check, and
        // ND4J failed with "Shape of the new array [4611686018427387904] doesn't match data length: 0".
        byte[] bytes = npyDeclaring("(4611686018427387904,)");
        NpyFormatException e = assertThrows(
                NpyFormatException.class, () -> Npy.read("w.npy", new ByteArrayInputStream(bytes), Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("4611686018427387904 elements"), e.getMessage());
        assertTrue(e.getMessage().contains("more than one Java array holds"), e.getMessage());
    }

    @Test
    void truncatedFileIsReportedAsDamaged() throws IOException {
        Path f = dir.resolve("m.zip");
        ModelFile.save(f, model(), Map.of());
        byte[] all = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.zip");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(cut));
        assertTrue(e.getMessage().contains("cut.zip"), e.getMessage());
    }

    @Test
    void wrongFormatVersionIsNamed() throws IOException {
        Path f = dir.resolve("v.zip");
        writeZip(f, Map.of("model.json", "{\"format\":\"myelin-model\",\"formatVersion\":99}"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("formatVersion is 99"), e.getMessage());
    }

    @Test
    void zipSlipEntryNamesAreRefused() throws IOException {
        Path f = dir.resolve("slip.zip");
        writeZip(f, Map.of("../evil.npy", "x", "model.json", "{}"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(f));
        assertTrue(e.getMessage().contains("'../evil.npy'"), e.getMessage());
    }

    @Test
    void shapeDisagreeingWithArchitectureIsNamed() throws IOException {
        Module m = Models.mlp(DataType.FLOAT, 1, Activations.RELU, Inits.heNormal(), 4, 3);
        Path f = dir.resolve("m.zip");
        ModelFile.save(f, m, Map.of());
        // Rewrite model.json so that it claims a different shape for the weight.
        Path g = dir.resolve("bad.zip");
        try (var zin = new java.util.zip.ZipFile(f.toFile());
                var zout = new ZipOutputStream(Files.newOutputStream(g))) {
            for (var en = zin.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                byte[] b = zin.getInputStream(e).readAllBytes();
                if (e.getName().equals("model.json")) {
                    b = new String(b, StandardCharsets.UTF_8)
                            .replaceFirst("\\[ 4, 3 \\]", "[ 5, 3 ]")
                            .getBytes(StandardCharsets.UTF_8);
                }
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(b);
                zout.closeEntry();
            }
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelFile.load(g));
        assertTrue(e.getMessage().contains("has shape [5, 3] but the architecture needs [4, 3]"), e.getMessage());
    }

    @Test
    void failedSaveLeavesThePreviousFileIntact() throws IOException {
        Path f = dir.resolve("m.zip");
        Module m = model();
        ModelFile.save(f, m, Map.of());
        byte[] before = Files.readAllBytes(f);
        assertThrows(
                IOException.class,
                () -> AtomicFiles.write(f, out -> {
                    out.write(1);
                    throw new IOException("disk full");
                }));
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void savedFilesGetTheUmaskPermissionsOfAnyNewFile() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path f = dir.resolve("m.zip");
        ModelFile.save(f, model(), Map.of());
        Path plain = Files.createFile(dir.resolve("plain"));
        // Not owner-only as Files.createTempFile makes them: others must be able to read a container's outputs.
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(f));
    }

    private static void writeZip(Path f, Map<String, String> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(f);
                ZipOutputStream z = new ZipOutputStream(os)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
    }

    @Test
    void aModuleTypeTheFilesCannotLoadIsRefusedBeforeAnythingIsWritten() throws IOException {
        Module own = new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }

            @Override
            public Map<String, Object> config() {
                return Map.of("type", "mine");
            }
        };
        Module model = new org.myelin.nn.Sequential(new org.myelin.nn.Dense(2, 2, DataType.FLOAT, 1), own);
        Path p = dir.resolve("m.zip");
        Files.writeString(p, "kept");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelFile.save(p, model, Map.of()));
        assertTrue(
                e.getMessage()
                        .startsWith("ModelFile.save (" + p + "): module '1' has type 'mine', which a model file cannot"
                                + " load; expected one of ["),
                e.getMessage());
        assertEquals("kept", Files.readString(p), "the file already there was touched");
    }

    @Test
    void aTargetThatIsADirectoryARootOrUnderAFileIsRefusedBeforeAnythingIsWritten() throws IOException {
        Module m = model();
        Path sub = Files.createDirectory(dir.resolve("taken"));
        Files.writeString(sub.resolve("kept.txt"), "kept");
        boolean[] wrote = {false};
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(sub, out -> wrote[0] = true));
        assertEquals(sub + " is a directory, expected a file; nothing was written", e.getMessage());
        assertTrue(!wrote[0], "the content was written before the refusal");
        assertEquals(
                sub + " is a directory, expected a file; nothing was written",
                assertThrows(IOException.class, () -> ModelFile.save(sub, m, Map.of()))
                        .getMessage());
        assertEquals("kept", Files.readString(sub.resolve("kept.txt")));
        Path root = dir.getRoot();
        assertEquals(
                root + " is a root directory, expected a file name; nothing was written",
                assertThrows(IOException.class, () -> ModelFile.save(root, m, Map.of()))
                        .getMessage());
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertEquals(
                "cannot write " + file.resolve("m.zip") + ": " + file
                        + " exists and is not a directory; nothing was written",
                assertThrows(IOException.class, () -> ModelFile.save(file.resolve("m.zip"), m, Map.of()))
                        .getMessage());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void metadataTheReaderWouldRefuseIsRefusedBeforeThePreviousFileIsReplaced() throws IOException {
        // A 1 MB string was written, and the new file (over the good one) failed to load.
        Path f = dir.resolve("m.zip");
        Module m = model();
        ModelFile.save(f, m, Map.of());
        byte[] before = Files.readAllBytes(f);
        String message = assertThrows(
                        IllegalArgumentException.class, () -> ModelFile.save(f, m, Map.of("note", "x".repeat(1 << 20))))
                .getMessage();
        assertTrue(
                message.startsWith("model.json would be written in a form that cannot be read back (model.json: invalid"
                        + " JSON: too large: String value length"),
                message);
        assertTrue(message.endsWith("; nothing was written: shorten or simplify the metadata"), message);
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void nonFiniteParametersOrBuffersAreRefusedBeforeThePreviousFileIsReplaced() throws IOException {
        // They were written, and the file (over the good one) was then refused by load.
        Path f = dir.resolve("m.zip");
        Module m = model();
        ModelFile.save(f, m, Map.of());
        byte[] before = Files.readAllBytes(f);
        m.namedParameters().get("0.weight").value().putScalar(new long[] {1, 2}, Float.NaN);
        assertEquals(
                "ModelFile.save (" + f
                        + "): parameter '0.weight' holds 1 non-finite value(s) of 35; the first is NaN at [1, 2];"
                        + " a model file cannot hold them (training diverged?); nothing was written",
                assertThrows(IllegalArgumentException.class, () -> ModelFile.save(f, m, Map.of()))
                        .getMessage());
        Module b = model();
        String buffer = b.namedBuffers().keySet().iterator().next();
        b.namedBuffers().get(buffer).putScalar(0, Float.POSITIVE_INFINITY);
        Path elsewhere = dir.resolve("new").resolve("m.zip");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelFile.save(elsewhere, b, Map.of()))
                .getMessage()
                .startsWith("ModelFile.save (" + elsewhere + "): buffer '" + buffer
                        + "' holds 1 non-finite value(s) of 7; the first is" + " Infinity at [0]"));
        assertEquals(
                "Checkpoint.save: buffer '" + buffer + "' holds 1 non-finite value(s) of 7; the first is Infinity at"
                        + " [0]; a model file cannot hold them (training diverged?); nothing was written",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Checkpoint.save(f, b, Map.of(), Map.of(), Map.of(), Map.of()))
                        .getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind, no directory created");
        }
    }

    @Test
    void nonFiniteOptimizerStateIsRefusedBeforeThePreviousCheckpointIsReplaced() throws IOException {
        // Optimizer.restoreState refuses it: the checkpoint could not have been resumed.
        Module m = model();
        Path f = dir.resolve("c.zip");
        INDArray v = Nd4j.zeros(DataType.FLOAT, 5, 7);
        Checkpoint.save(f, m, Map.of(), Map.of(), Map.of("0.weight", Map.of("v", v)), Map.of());
        byte[] before = Files.readAllBytes(f);
        v.putScalar(new long[] {2, 4}, Float.POSITIVE_INFINITY);
        assertEquals(
                "Checkpoint.save: the optimizer state of parameter '0.weight' slot 'v' holds 1 non-finite value(s) of"
                        + " 35; the first is Infinity at [2, 4]; a model file cannot hold them (training diverged?);"
                        + " nothing was written",
                assertThrows(
                                NonFiniteValuesException.class,
                                () -> Checkpoint.save(
                                        f, m, Map.of(), Map.of(), Map.of("0.weight", Map.of("v", v)), Map.of()))
                        .getMessage());
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void nullCheckpointPartsAreNamed() {
        Module m = model();
        Path f = dir.resolve("c.zip");
        assertEquals(
                "Checkpoint.save: optimizer must not be null",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Checkpoint.save(f, m, Map.of(), null, Map.of(), Map.of()))
                        .getMessage());
        java.util.Map<String, INDArray> slots = new java.util.HashMap<>();
        slots.put("m", null);
        assertEquals(
                "Checkpoint.save: the optimizer state of parameter '0.weight' has a null slot",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> Checkpoint.save(f, m, Map.of(), Map.of(), Map.of("0.weight", slots), Map.of()))
                        .getMessage());
        assertEquals(
                "x.npy: no stream to read (null)",
                assertThrows(IllegalArgumentException.class, () -> Npy.read("x.npy", null, 10))
                        .getMessage());
        assertTrue(!Files.exists(f));
    }
}
