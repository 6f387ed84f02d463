package org.myelin.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files for the tests, independently of the reader under test. */
final class IdxFiles {
    private IdxFiles() {}

    static byte[] images(int magic, int count, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(magic).putInt(count).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    static byte[] images(int count, int rows, int cols, byte[] pixels) {
        return images(Idx.IMAGES_MAGIC, count, rows, cols, pixels);
    }

    static byte[] labels(int magic, int count, byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt(count).put(labels);
        return b.array();
    }

    static byte[] labels(byte[] labels) {
        return labels(Idx.LABELS_MAGIC, labels.length, labels);
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] content, boolean gzip) throws IOException {
        Files.write(file, gzip ? gzip(content) : content);
        return file;
    }

    /** Pixels 0, 1, ..., n-1 (mod 256) as unsigned bytes. */
    static byte[] ramp(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }
}
