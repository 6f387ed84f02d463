package org.myelin.reliability;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.myelin.data.Dataset;
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

/** Small valid files of every kind the engine reads, and digests of what loading them gives. */
final class Fixtures {
    private Fixtures() {}

    /** A small model with every kind of state: dense weights, batch-norm parameters and running buffers, dropout. */
    static Module model() {
        return Models.mlpBuilder(4, 6, 3)
                .optDataType(DataType.FLOAT)
                .optSeed(7)
                .optBatchNorm(true)
                .optDropout(0.25)
                .build();
    }

    /** 48 samples of 4 features in 3 classes, fixed. */
    static Dataset data() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 48;
        float[] x = new float[n * 4];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < 4; j++) {
                x[i * 4 + j] = (float) (r.nextGaussian() + (j == y[i] ? 1.5 : 0));
            }
        }
        return Dataset.classification(Nd4j.create(x, new long[] {n, 4}, 'c'), y, 3);
    }

    /** A fresh trainer over {@link #model()} with Adam, batch 16, 2 epochs. */
    static Trainer trainer() {
        Module m = model();
        return new Trainer(
                m,
                LossFunction.SOFTMAX_CROSS_ENTROPY,
                Optimizers.create("adam", Map.of("learning_rate", 0.01), m.namedParameters()),
                TrainingOptions.of(2, 16, 3),
                List.of());
    }

    /** {@link #trainer()} after its 2 epochs, so optimiser state, buffers, position and history are non-trivial. */
    static Trainer trainedTrainer() {
        Trainer t = trainer();
        t.fit(data(), null);
        return t;
    }

    static byte[] modelZip(Path dir) throws IOException {
        Path f = dir.resolve("fixture-model.zip");
        ModelFile.save(f, trainedTrainer().model(), Map.of("loss", "softmax_cross_entropy", "note", "fixture"));
        return Files.readAllBytes(f);
    }

    static byte[] checkpointZip(Path dir) throws IOException {
        Path f = dir.resolve("fixture-checkpoint.zip");
        new Checkpointing(f, 0, 0, Map.of("note", "fixture")).write(trainedTrainer());
        return Files.readAllBytes(f);
    }

    static byte[] npy() throws IOException {
        INDArray a = Nd4j.linspace(-3, 3, 24, DataType.DOUBLE).reshape(2, 3, 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        return out.toByteArray();
    }

    static byte[] idxImages() {
        int count = 5;
        int rows = 4;
        int cols = 3;
        ByteBuffer b = ByteBuffer.allocate(16 + count * rows * cols);
        b.putInt(0x803).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count * rows * cols; i++) {
            b.put((byte) (i * 37));
        }
        return b.array();
    }

    static byte[] idxLabels() {
        ByteBuffer b = ByteBuffer.allocate(8 + 5);
        b.putInt(0x801).putInt(5).put(new byte[] {3, 1, 4, 1, 5});
        return b.array();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    static byte[] csv() {
        StringBuilder s = new StringBuilder("x1,x2,\"x3\",label\n");
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < 12; i++) {
            s.append(String.format(
                    java.util.Locale.ROOT,
                    "%.3f,%.2e,%d,%d%n",
                    r.nextGaussian(),
                    r.nextGaussian(),
                    r.nextInt(100),
                    i % 3));
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The entries of a zip in order, uncompressed. */
    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                m.put(e.getName(), in.readAllBytes());
            }
        }
        return m;
    }

    /** A well-formed zip of the entries (valid CRCs), so that only their contents are hostile. */
    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /**
     * Replaces the array entry {@code entry} (such as {@code parameters/0.weight.npy}) of the saved {@code file}
     * with {@code value}: a file as damage or an older Myelin leaves it, which save itself no longer writes.
     */
    static void replaceArray(Path file, String entry, INDArray value) throws IOException {
        Map<String, byte[]> entries = unzip(Files.readAllBytes(file));
        if (!entries.containsKey(entry)) {
            throw new IllegalArgumentException(file + " has no entry " + entry + ", only " + entries.keySet());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(value, out);
        entries.put(entry, out.toByteArray());
        Files.write(file, zip(entries));
    }

    /** A digest of a model's parameters and buffers (names, shapes, types, exact bits) and metadata. */
    static String digest(ModelFile.Loaded m) throws IOException {
        Digest d = new Digest();
        d.model(m.model());
        d.text(Json.write(m.metadata()));
        return d.hex();
    }

    /** A digest of a model's parameters and buffers alone (names, shapes, types, exact bits). */
    static String weightsDigest(Module m) throws IOException {
        Digest d = new Digest();
        d.model(m);
        return d.hex();
    }

    /** A digest of everything a checkpoint holds. */
    static String digest(Checkpoint.Loaded c) throws IOException {
        Digest d = new Digest();
        d.model(c.model());
        d.text(Json.write(c.metadata()));
        d.text(Json.write(c.optimizer()));
        for (Map.Entry<String, Map<String, INDArray>> p : c.optimizerState().entrySet()) {
            for (Map.Entry<String, INDArray> s : p.getValue().entrySet()) {
                d.array(p.getKey() + "/" + s.getKey(), s.getValue());
            }
        }
        d.text(Json.write(c.trainer()));
        return d.hex();
    }

    static String digest(INDArray a) throws IOException {
        Digest d = new Digest();
        d.array("a", a);
        return d.hex();
    }

    static boolean sameBits(INDArray a, INDArray b) throws IOException {
        return digest(a).equals(digest(b));
    }

    /** SHA-256 over names and {@code .npy} serialisations (which hold shape, type and exact bits). */
    static final class Digest {
        private final MessageDigest md;

        Digest() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void text(String s) {
            md.update(s.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
        }

        void array(String name, INDArray a) throws IOException {
            text(name);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Npy.write(a, out);
            md.update(out.toByteArray());
        }

        void model(Module m) throws IOException {
            for (var e : m.namedParameters().entrySet()) {
                array(e.getKey(), e.getValue().value());
            }
            for (var e : m.namedBuffers().entrySet()) {
                array(e.getKey(), e.getValue());
            }
        }

        String hex() {
            return HexFormat.of().formatHex(md.digest());
        }
    }

    static InputStream stream(byte[] b) {
        return new ByteArrayInputStream(b);
    }
}
