package org.myelin.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One of the four MNIST IDX files as the engine expects it: its name, and the size and SHA-256 of its uncompressed
 * bytes. Every route that fetches MNIST checks what it got against these before the file enters the cache.
 *
 * @param name   the file name, such as {@code train-images-idx3-ubyte}
 * @param size   the uncompressed size in bytes
 * @param sha256 the SHA-256 of the uncompressed bytes, lower-case hex
 */
record MnistFile(String name, long size, String sha256) {
    /** The original files (Y. LeCun, C. Cortes, C. Burges), as the npm package and the mirrors hold them. */
    static final List<MnistFile> ORIGINALS = List.of(
            new MnistFile(
                    "train-images-idx3-ubyte",
                    47040016L,
                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
            new MnistFile(
                    "train-labels-idx1-ubyte",
                    60008L,
                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
            new MnistFile(
                    "t10k-images-idx3-ubyte",
                    7840016L,
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
            new MnistFile(
                    "t10k-labels-idx1-ubyte",
                    10008L,
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"));

    MnistFile {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("MnistFile: name must be a plain file name, was '" + name + "'");
        }
        if (size < 0) {
            throw new IllegalArgumentException("MnistFile " + name + ": size must be >= 0, was " + size);
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException(
                    "MnistFile " + name + ": sha256 must be 64 lower-case hex digits, was '" + sha256 + "'");
        }
    }

    /** Throws, naming {@code file}, unless it has this size and SHA-256. */
    void verify(Path file) throws IOException {
        long actualSize = Files.size(file);
        if (actualSize != size) {
            throw new IOException(file + ": " + actualSize + " bytes, expected " + size);
        }
        MessageDigest md = newSha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        String actual = HexFormat.of().formatHex(md.digest());
        if (!actual.equals(sha256)) {
            throw new IOException(file + ": SHA-256 " + actual + ", expected " + sha256);
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
