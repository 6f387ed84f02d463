package org.myelin.reliability;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.data.Csv;
import org.myelin.data.Idx;
import org.myelin.io.Checkpoint;
import org.myelin.io.Json;
import org.myelin.io.ModelFile;
import org.myelin.io.Npy;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizers;
import org.myelin.train.Checkpointing;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each kind of damaged or hostile file, built on purpose, fails with the engine's own exception and a message
 * naming the file and what is wrong, without allocating more than {@link #MAX_ALLOCATION} bytes. The table in
 * docs/reliability.md lists the same cases.
 */
@Tag("reliability")
class HostileFilesTest {
    static final long MAX_ALLOCATION = 64L << 20;

    @TempDir
    static Path dir;

    static Map<String, byte[]> model;
    static Map<String, byte[]> checkpoint;

    /** A way of opening a file, as the engine does. */
    @FunctionalInterface
    interface Open {
        void open(Path file) throws Exception;
    }

    @BeforeAll
    static void fixtures() throws IOException {
        model = Fixtures.unzip(Fixtures.modelZip(dir));
        checkpoint = Fixtures.unzip(Fixtures.checkpointZip(dir));
    }

    static final Open MODEL = f -> ModelFile.load(f);
    static final Open RESUME = f -> Checkpointing.resume(Fixtures.trainer(), f);
    static final Open CHECKPOINT = f -> Checkpoint.load(f);
    static final Open IMAGES = f -> Idx.readImages(f, DataType.FLOAT);
    static final Open CSV = f -> Csv.reader().classification(3).read(f);
    static final Open CSV_INFERRED = f -> Csv.reader().classification(0).read(f);

    static Stream<Arguments> cases() throws IOException {
        byte[] modelZip = Fixtures.zip(model);
        return Stream.of(
                // model files
                c("model: empty file", new byte[0], MODEL, "is not a Myelin model file (a zip archive); it is empty"),
                c(
                        "model: not a zip",
                        "hello".getBytes(StandardCharsets.UTF_8),
                        MODEL,
                        "is not a Myelin model file (a zip archive); it starts with the text \"hello\""),
                c(
                        "model: a PNG image",
                        new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0},
                        MODEL,
                        "is not a Myelin model file (a zip archive); it is a PNG image"),
                c(
                        "model: an ONNX model",
                        new byte[] {0x08, 0x08, 0x12, 0x06, 'm', 'y', 'e', 'l', 'i', 'n', 0x3a, 0x10},
                        MODEL,
                        "is not a Myelin model file (a zip archive); it looks like an ONNX model: run it with an ONNX"
                                + " runtime"),
                c(
                        "model: binary bytes",
                        new byte[] {0, 1, 2, (byte) 0xff},
                        MODEL,
                        "is not a Myelin model file (a zip archive); it starts with the bytes 00 01 02 ff"),
                c(
                        "model: starts like a zip, then nothing",
                        new byte[] {'P', 'K', 3, 4, 0, 0},
                        MODEL,
                        "not a valid zip archive"),
                c(
                        "model: truncated to half",
                        java.util.Arrays.copyOf(modelZip, modelZip.length / 2),
                        MODEL,
                        "not a valid zip archive"),
                c(
                        "model: format version 2",
                        withModelJson(d -> d.put("formatVersion", 2)),
                        MODEL,
                        "formatVersion is 2, this Myelin reads version 1 (a number)"),
                c(
                        "model: another format",
                        withModelJson(d -> d.put("format", "keras")),
                        MODEL,
                        "format is keras, expected \"myelin-model\""),
                c(
                        "model: model.json shape disagrees with the architecture",
                        withModelJson(d -> param(d, 0).put("shape", List.of(5, 6))),
                        MODEL,
                        "parameter '0.weight' has shape [5, 6] but the architecture needs [4, 6]"),
                c(
                        "model: .npy shape disagrees with model.json",
                        withEntry(model, "parameters/0.weight.npy", npy(Nd4j.zeros(DataType.FLOAT, 6, 4))),
                        MODEL,
                        "holds shape [6, 4], expected [4, 6]"),
                c(
                        "model: .npy header claims 10^10 elements",
                        withEntry(model, "parameters/0.weight.npy", npyHeader("'<f4'", "100000, 100000")),
                        MODEL,
                        "header declares 10000000000 elements [100000, 100000], more than the limit of 24"),
                c(
                        "model: .npy header shape overflows 64 bits",
                        withEntry(
                                model,
                                "parameters/0.weight.npy",
                                npyHeader("'<f4'", "4294967296, 4294967296, 4294967296")),
                        MODEL,
                        "header declares over"),
                c(
                        "model: .npy of float64 in a float32 model",
                        withEntry(model, "parameters/0.weight.npy", npy(Nd4j.zeros(DataType.DOUBLE, 4, 6))),
                        MODEL,
                        "holds DOUBLE data, the model is FLOAT"),
                c(
                        "model: .npy of int32",
                        withEntry(model, "parameters/0.weight.npy", npyHeader("'<i4'", "4, 6")),
                        MODEL,
                        "data type '<i4' is not supported"),
                c(
                        "model: .npy header with 'descr' twice (Python keeps the last)",
                        withEntry(
                                model,
                                "parameters/0.weight.npy",
                                npyWithDict(
                                        "{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (4, 6), }")),
                        MODEL,
                        "header has the key 'descr' more than once, expected once"),
                c(
                        "model: .npy version 2 header length 0xFFFFFFF0",
                        withEntry(model, "parameters/0.weight.npy", new byte[] {
                            (byte) 0x93,
                            'N',
                            'U',
                            'M',
                            'P',
                            'Y',
                            2,
                            0,
                            (byte) 0xF0,
                            (byte) 0xFF,
                            (byte) 0xFF,
                            (byte) 0xFF
                        }),
                        MODEL,
                        "header length 4294967280 is outside 1..65536"),
                c(
                        "model: an unknown key in model.json",
                        withModelJson(d -> d.put("evil", 1)),
                        MODEL,
                        "model.json: unknown key 'evil', expected [architecture, buffers, dataType, format,"),
                c(
                        "model: dataType float16",
                        withModelJson(d -> d.put("dataType", "float16")),
                        MODEL,
                        "dataType is float16, expected \"float32\" or \"float64\""),
                c(
                        "model: metadata a list",
                        withModelJson(d -> d.put("metadata", List.of(1))),
                        MODEL,
                        "metadata must be an object, was [1]"),
                c(
                        "model: formatVersion as a string",
                        withModelJson(d -> d.put("formatVersion", "1")),
                        MODEL,
                        "formatVersion is the string \"1\", this Myelin reads version 1 (a number)"),
                c(
                        "model: .npy in Fortran order",
                        withEntry(
                                model,
                                "parameters/0.weight.npy",
                                npyHeader("'<f4'", "4, 6").length == 0 ? null : fortran()),
                        MODEL,
                        "fortran_order arrays are not supported"),
                c(
                        "model: entry '../evil.npy' (zip-slip)",
                        withEntry(model, "../evil.npy", new byte[1]),
                        MODEL,
                        "entry name '../evil.npy' is not a plain relative path"),
                c(
                        "model: absolute entry '/tmp/evil'",
                        withEntry(model, "/tmp/evil", new byte[1]),
                        MODEL,
                        "entry name '/tmp/evil' is not a plain relative path"),
                c(
                        "model: unknown layer type",
                        withModelJson(d -> layer(d, 0).put("type", "conv9d")),
                        MODEL,
                        "unknown module type 'conv9d'"),
                c(
                        "model: architecture too large for the file",
                        withModelJson(d -> {
                            layer(d, 0).put("in", 1_000_000);
                            layer(d, 0).put("out", 1_000_000);
                        }),
                        MODEL,
                        "would need 1000000000000 elements, more than the"),
                c(
                        "model: missing parameter entry",
                        without(model, "parameters/0.weight.npy"),
                        MODEL,
                        "missing entry 'parameters/0.weight.npy'"),
                c("model: damaged stored entry (CRC-32)", storedAndDamaged(), MODEL, "CRC-32 is"),
                c(
                        "model: model.json is not JSON",
                        withEntry(model, "model.json", "{\"format\": ".getBytes(StandardCharsets.UTF_8)),
                        MODEL,
                        "model.json: invalid JSON"),
                c(
                        "model: model.json larger than 16 MB",
                        withEntry(model, "model.json", hugeJson()),
                        MODEL,
                        "larger than 16777216 bytes"),
                // checkpoints
                c(
                        "checkpoint: for another architecture",
                        checkpointOf(4, 7, "adam"),
                        RESUME,
                        "'0.weight' is FLOAT[4, 7] in the checkpoint, FLOAT[4, 6] in this model"),
                c(
                        "checkpoint: of another optimiser",
                        checkpointOf(4, 6, "momentum"),
                        RESUME,
                        "the checkpoint was written by optimiser 'momentum', this trainer's is 'adam'"),
                c(
                        "checkpoint: optimiser state larger than its parameter",
                        withEntry(checkpoint, "optimizer/0.weight/m.npy", npy(Nd4j.zeros(DataType.FLOAT, 5, 6))),
                        RESUME,
                        "header declares 30 elements [5, 6], more than the limit of 24"),
                c(
                        "checkpoint: one state entry listed for many slots (a 10 kB file loaded gigabytes)",
                        withOptimizerJson(o -> {
                            List<Object> state = new java.util.ArrayList<>((List<?>) o.get("state"));
                            for (int i = 0; i < 100; i++) {
                                state.add(new LinkedHashMap<>(Map.of(
                                        "parameter",
                                        "0.weight",
                                        "slot",
                                        "s" + i,
                                        "entry",
                                        "optimizer/0.weight/m.npy")));
                            }
                            o.put("state", state);
                        }),
                        CHECKPOINT,
                        "entry 'optimizer/0.weight/m.npy' is listed more than once"),
                c(
                        "checkpoint: more state slots than an optimiser keeps (distinct entries, each parameter-sized)",
                        withExtraSlots(3),
                        CHECKPOINT,
                        "parameter '0.weight' has more than 4 state slots"),
                c(
                        "checkpoint: one slot listed twice",
                        withOptimizerJson(o -> {
                            List<Object> state = new java.util.ArrayList<>((List<?>) o.get("state"));
                            state.add(new LinkedHashMap<>(
                                    Map.of("parameter", "0.weight", "slot", "m", "entry", "optimizer/0.weight/v.npy")));
                            o.put("state", state);
                        }),
                        CHECKPOINT,
                        "state for parameter '0.weight' slot 'm' is listed more than once"),
                c(
                        "checkpoint: position beyond the epoch",
                        withTrainerJson(t -> position(t).put("epoch", -1)),
                        RESUME,
                        "'epoch' must be a whole number >= 0, was -1"),
                // IDX
                c(
                        "IDX: labels magic in an images file",
                        idx(0x801, 5, 4, 3, 60),
                        IMAGES,
                        "magic number 0x00000801, expected 0x00000803 (IDX images)"),
                c(
                        "IDX: truncated",
                        java.util.Arrays.copyOf(idx(0x803, 5, 4, 3, 60), 50),
                        IMAGES,
                        "file has 50 bytes, expected 76"),
                c(
                        "IDX: header claims 60000 images of 28x28",
                        idx(0x803, 60000, 28, 28, 10),
                        IMAGES,
                        "expected 47040016"),
                c("IDX: trailing bytes", idx(0x803, 5, 4, 3, 61), IMAGES, "file has 77 bytes, expected 76"),
                c(
                        "IDX: 100000-pixel rows",
                        idx(0x803, 1, 100000, 1, 0),
                        IMAGES,
                        "header rows is 100000, expected 1..32768"),
                c("IDX: empty", new byte[0], IMAGES, "truncated: shorter than the 16-byte IDX images header"),
                c(
                        "IDX: gzip whose header and trailer claim 1.5 GB",
                        gzipClaiming(2_000_000, 28, 28),
                        IMAGES,
                        "damaged gzip stream"),
                c(
                        "IDX: label beyond the classes",
                        idxLabels(new byte[] {1, 2, 3, 12, 4}),
                        f -> Idx.readClassification(
                                Files.write(dir.resolve("images-ok.idx"), idx(0x803, 5, 4, 3, 60)),
                                f,
                                10,
                                DataType.FLOAT),
                        "row 3 is 12, expected 0..9"),
                c(
                        "IDX: images and labels counts differ",
                        idxLabels(new byte[] {1, 2, 3}),
                        f -> Idx.readClassification(
                                Files.write(dir.resolve("images-ok2.idx"), idx(0x803, 5, 4, 3, 60)),
                                f,
                                10,
                                DataType.FLOAT),
                        "3 labels, expected 5"),
                // CSV
                c("CSV: ragged row", csv("a,b,label\n1,2,0\n3,1\n"), CSV, "line 3 has 2 fields, expected 3"),
                c(
                        "CSV: non-numeric cell",
                        csv("a,b,label\n1,abc,0\n"),
                        CSV,
                        "line 2, column 2 \"b\": \"abc\" is not a number"),
                c("CSV: empty file", csv(""), CSV, "file is empty"),
                c("CSV: header only", csv("a,b,label\n"), CSV, "no data rows after the header"),
                c("CSV: NaN cell", csv("a,b,label\n1,NaN,0\n"), CSV, "\"NaN\" is not a finite number"),
                c(
                        "CSV: label out of range",
                        csv("a,b,label\n1,2,0\n1,2,5\n"),
                        CSV,
                        "line 3, column 3 \"label\": label \"5\", expected a whole number in 0..2"),
                c("CSV: fractional label", csv("a,b,label\n1,2,1.5\n"), CSV, "label \"1.5\""),
                c(
                        "CSV: label that would make 10^8 classes",
                        csv("a,b,label\n1,2,0\n1,2,100000000\n"),
                        CSV_INFERRED,
                        "label 100000000 would make 100000001 classes"),
                c(
                        "CSV: not UTF-8",
                        new byte[] {'a', ',', 'b', '\n', (byte) 0xff, (byte) 0xfe, ',', '1', '\n'},
                        CSV,
                        "not UTF-8 text"),
                c("CSV: value beyond float32", csv("a,b,label\n1,1e39,0\n"), CSV, "outside the float32 range"),
                c(
                        "CSV: named label column missing",
                        csv("a,b,c\n1,2,0\n"),
                        f -> Csv.reader().labelColumn("label").read(f),
                        "no column named \"label\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileFileFailsWithAClearMessageAndSmallAllocation(String name, byte[] content, Open open, String message)
            throws Exception {
        Path file = dir.resolve("case-" + Integer.toHexString(name.hashCode()) + ".bin");
        Files.write(file, content);
        long before = allocated();
        Exception e = assertThrows(Exception.class, () -> open.open(file));
        long heap = allocated() - before;
        if (!(e instanceof org.myelin.MyelinException
                || e instanceof IllegalArgumentException
                || e instanceof IOException)) {
            fail(name + ": " + e + " is not the engine's own exception type", e);
        }
        assertTrue(
                e.getMessage().contains(message), name + ": '" + e.getMessage() + "' should contain '" + message + "'");
        assertTrue(
                e.getMessage().contains(file.getFileName().toString()),
                name + ": '" + e.getMessage() + "' should name the file");
        assertTrue(heap < MAX_ALLOCATION, name + ": allocated " + heap + " bytes");
    }

    private static Arguments c(String name, byte[] content, Open open, String message) {
        return Arguments.of(name, content, open, message);
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    // ---- building hostile content ----

    private static byte[] withEntry(Map<String, byte[]> entries, String name, byte[] content) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.put(name, content);
        return Fixtures.zip(m);
    }

    private static byte[] without(Map<String, byte[]> entries, String name) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        m.remove(name);
        return Fixtures.zip(m);
    }

    private static byte[] withModelJson(java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
        Map<String, Object> doc =
                Json.readObject("model.json", new String(model.get("model.json"), StandardCharsets.UTF_8));
        edit.accept(doc);
        return withEntry(model, "model.json", Json.write(doc).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] withTrainerJson(java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
        Map<String, Object> doc =
                Json.readObject("trainer.json", new String(checkpoint.get("trainer.json"), StandardCharsets.UTF_8));
        edit.accept(doc);
        return withEntry(checkpoint, "trainer.json", Json.write(doc).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] withOptimizerJson(java.util.function.Consumer<Map<String, Object>> edit) throws IOException {
        Map<String, Object> doc =
                Json.readObject("optimizer.json", new String(checkpoint.get("optimizer.json"), StandardCharsets.UTF_8));
        edit.accept(doc);
        return withEntry(checkpoint, "optimizer.json", Json.write(doc).getBytes(StandardCharsets.UTF_8));
    }

    /** The checkpoint with {@code extra} more state slots of '0.weight' (Adam's m and v), each its own entry. */
    private static byte[] withExtraSlots(int extra) throws IOException {
        Map<String, Object> doc =
                Json.readObject("optimizer.json", new String(checkpoint.get("optimizer.json"), StandardCharsets.UTF_8));
        List<Object> state = new java.util.ArrayList<>((List<?>) doc.get("state"));
        Map<String, byte[]> entries = new LinkedHashMap<>(checkpoint);
        for (int i = 0; i < extra; i++) {
            String entry = "optimizer/0.weight/s" + i + ".npy";
            state.add(Map.of("parameter", "0.weight", "slot", "s" + i, "entry", entry));
            entries.put(entry, checkpoint.get("optimizer/0.weight/m.npy"));
        }
        doc.put("state", state);
        entries.put("optimizer.json", Json.write(doc).getBytes(StandardCharsets.UTF_8));
        return Fixtures.zip(entries);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> param(Map<String, Object> doc, int i) {
        return (Map<String, Object>) ((List<Object>) doc.get("parameters")).get(i);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> layer(Map<String, Object> doc, int i) {
        Map<String, Object> arch = (Map<String, Object>) doc.get("architecture");
        return (Map<String, Object>) ((List<Object>) arch.get("layers")).get(i);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> position(Map<String, Object> trainer) {
        return (Map<String, Object>) trainer.get("position");
    }

    private static byte[] npy(INDArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        return out.toByteArray();
    }

    /** A version-1.0 .npy header with the given descr and shape, and no data. */
    private static byte[] npyHeader(String descr, String shape) {
        return npyWithDict("{'descr': " + descr + ", 'fortran_order': False, 'shape': (" + shape + "), }");
    }

    private static byte[] fortran() {
        return npyWithDict("{'descr': '<f4', 'fortran_order': True, 'shape': (4, 6), }");
    }

    private static byte[] npyWithDict(String dict) {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) h.length)
                .put(h);
        return b.array();
    }

    /** The model zip with its first parameter stored uncompressed, then one of its data bytes changed. */
    private static byte[] storedAndDamaged() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] weight = model.get("parameters/0.weight.npy");
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : model.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                if (e.getValue() == weight) {
                    CRC32 crc = new CRC32();
                    crc.update(weight);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(weight.length);
                    entry.setCrc(crc.getValue());
                }
                z.putNextEntry(entry);
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        byte[] zip = out.toByteArray();
        int at = indexOf(zip, weight);
        zip[at + weight.length - 1] ^= 0x40; // the last byte of the last weight
        return zip;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }

    private static byte[] hugeJson() {
        StringBuilder s = new StringBuilder("{\"pad\": \"");
        s.append("x".repeat(17 << 20)).append("\"}");
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] checkpointOf(int in, int hidden, String optimizer) throws IOException {
        Module m = Models.mlpBuilder(in, hidden, 3)
                .optDataType(DataType.FLOAT)
                .optSeed(7)
                .optBatchNorm(true)
                .optDropout(0.25)
                .build();
        Trainer t = new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create(optimizer, Map.of("learning_rate", 0.01), m.namedParameters()),
                TrainingOptions.of(1, 16, 3),
                List.of());
        Path f = dir.resolve("other-" + in + "-" + hidden + "-" + optimizer + ".zip");
        new Checkpointing(f, 0, 0, Map.of()).write(t);
        return Files.readAllBytes(f);
    }

    private static byte[] idx(int magic, int count, int rows, int cols, int payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        return b.array();
    }

    private static byte[] idxLabels(byte[] labels) {
        return ByteBuffer.allocate(8 + labels.length)
                .putInt(0x801)
                .putInt(labels.length)
                .put(labels)
                .array();
    }

    /** A gzip holding only an IDX header, its trailer's size field forged to match what the header declares. */
    private static byte[] gzipClaiming(int count, int rows, int cols) throws IOException {
        byte[] gz = Fixtures.gzip(ByteBuffer.allocate(16)
                .putInt(0x803)
                .putInt(count)
                .putInt(rows)
                .putInt(cols)
                .array());
        long declared = 16L + (long) count * rows * cols;
        ByteBuffer.wrap(gz, gz.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) declared);
        return gz;
    }

    private static byte[] csv(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
