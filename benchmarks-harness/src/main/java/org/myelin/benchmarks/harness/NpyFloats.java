package org.myelin.benchmarks.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Float32, C-order {@code .npy} files (format 1.0) for exchanging weights, batches and gradients between the
 * engines' JVMs. Only what the workers need: {@code <f4}, not Fortran order.
 */
public final class NpyFloats {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** A float array with its shape (C order). */
    public record Array(float[] data, long[] shape) {
        public Array {
            if (Arrays.stream(shape).reduce(1, (a, b) -> a * b) != data.length) {
                throw new IllegalArgumentException(
                        "NpyFloats: shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
            }
        }

        /** Row-major element (i, j) of a 2-d array. */
        public float at(int i, int j) {
            return data[(int) (i * shape[1] + j)];
        }
    }

    private NpyFloats() {}

    public static void write(Path file, Array a) throws IOException {
        StringBuilder shape = new StringBuilder();
        for (long d : a.shape()) {
            shape.append(d).append(", ");
        }
        String dims = a.shape().length == 1
                ? shape.substring(0, shape.length() - 1)
                : a.shape().length == 0 ? "" : shape.substring(0, shape.length() - 2);
        StringBuilder header = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }");
        int total = MAGIC.length + 4 + header.length() + 1;
        header.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        byte[] h = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + h.length + 4 * a.data().length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        buf.asFloatBuffer().put(a.data());
        Files.write(file, buf.array());
    }

    public static Array read(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length];
        buf.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(file + ": not a .npy file");
        }
        int major = buf.get();
        buf.get();
        int len = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        byte[] h = new byte[len];
        buf.get(h);
        String header = new String(h, StandardCharsets.US_ASCII);
        if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) {
            throw new IOException(file + ": expected a C-order <f4 array, header " + header.trim());
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IOException(file + ": no shape in header " + header.trim());
        }
        long[] shape = Arrays.stream(m.group(1).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        float[] data = new float[(int) Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        buf.asFloatBuffer().get(data);
        return new Array(data, shape);
    }
}
