package org.myelin.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads and writes arrays in numpy's {@code .npy} format (version 1.0): little-endian float32 ({@code <f4})
 * or float64 ({@code <f8}), C order, so {@code numpy.load} reads Myelin's weights directly.
 *
 * <p>Reading validates the magic, the header and the declared size before allocating anything, and refuses
 * arrays larger than a caller-given element limit, so a damaged or hostile file cannot make it allocate
 * gigabytes.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int MAX_HEADER = 64 * 1024;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** Writes {@code array} (float32 or float64) as a {@code .npy} stream. */
    public static void write(INDArray array, OutputStream out) throws IOException {
        if (array == null || out == null) {
            throw new IllegalArgumentException(
                    "Npy.write: " + (array == null ? "array" : "stream") + " must not be null");
        }
        DataType type = array.dataType();
        String descr;
        int width;
        if (type == DataType.FLOAT) {
            descr = "<f4";
            width = 4;
        } else if (type == DataType.DOUBLE) {
            descr = "<f8";
            width = 8;
        } else {
            throw new IllegalArgumentException(
                    "Npy.write: data type " + type + " is not supported; expected FLOAT or DOUBLE");
        }
        long[] shape = array.shape();
        StringBuilder dims = new StringBuilder();
        for (long d : shape) {
            dims.append(d).append(", ");
        }
        if (shape.length > 1) {
            dims.setLength(dims.length() - 2);
        }
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
        // Pad with spaces so magic + version + length + header + '\n' is a multiple of 64 (numpy's alignment).
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(new byte[] {1, 0});
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.write(header.getBytes(StandardCharsets.US_ASCII));

        INDArray c = array.isView() || array.ordering() != 'c' ? array.dup('c') : array;
        long n = c.length();
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(n * width, 1 << 20)).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) {
            float[] data = c.data().asFloat();
            for (float v : data) {
                if (!buf.hasRemaining()) {
                    flush(buf, out);
                }
                buf.putFloat(v);
            }
        } else {
            double[] data = c.data().asDouble();
            for (double v : data) {
                if (!buf.hasRemaining()) {
                    flush(buf, out);
                }
                buf.putDouble(v);
            }
        }
        flush(buf, out);
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    /**
     * Reads a {@code .npy} stream of float32 or float64 data.
     *
     * @param what        a name for error messages (the file or zip entry)
     * @param in          the stream, positioned at the magic
     * @param maxElements the largest element count accepted; checked before allocating
     * @throws NpyFormatException when the stream is not a valid, supported {@code .npy} array within the limit
     */
    public static INDArray read(String what, InputStream in, long maxElements) throws IOException {
        if (in == null) {
            throw new IllegalArgumentException(what + ": no stream to read (null)");
        }
        Header h = readHeader(what, in, maxElements);
        long n = h.elements();
        if (n * h.width() > STREAMED_BYTES) {
            // Large: straight into native memory, without the copies a byte array and a float[] would cost.
            INDArray a = Nd4j.createUninitialized(h.type(), h.shape(), 'c');
            readData(what, in, h, a);
            return a;
        }
        ByteBuffer data = ByteBuffer.wrap(readFully(what, in, (int) (n * h.width()), "data"))
                .order(h.order());
        if (in.read() != -1) {
            throw new NpyFormatException(what + ": trailing bytes after the " + n + " elements the header declares");
        }
        if (h.type() == DataType.FLOAT) {
            float[] v = new float[(int) n];
            data.asFloatBuffer().get(v);
            return Nd4j.create(v, h.shape(), 'c');
        }
        double[] v = new double[(int) n];
        data.asDoubleBuffer().get(v);
        return Nd4j.create(v, h.shape(), 'c');
    }

    /** Arrays of more bytes than this are read in chunks straight into native memory. */
    static final int STREAMED_BYTES = 1 << 20;

    /** A parsed {@code .npy} header: shape, element type and byte order of the data that follows. */
    record Header(long[] shape, DataType type, int width, ByteOrder order, long elements) {}

    /**
     * Reads and checks the magic and header, refusing more than {@code maxElements} elements (and more than a
     * Java array holds) before anything is allocated.
     */
    static Header readHeader(String what, InputStream in, long maxElements) throws IOException {
        byte[] magic = readFully(what, in, MAGIC.length + 2, "magic and version");
        for (int i = 0; i < MAGIC.length; i++) {
            if (magic[i] != MAGIC[i]) {
                throw new NpyFormatException(what + ": not a .npy file (bad magic)");
            }
        }
        int major = magic[6];
        int headerLen;
        if (major == 1) {
            byte[] len = readFully(what, in, 2, "header length");
            headerLen = (len[0] & 0xff) | (len[1] & 0xff) << 8;
        } else if (major == 2 || major == 3) {
            byte[] len = readFully(what, in, 4, "header length");
            // Unsigned, as the format says: 0xFFFFFFF0 is 4294967280 (it was reported as -16).
            long unsigned = Integer.toUnsignedLong(
                    ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt());
            if (unsigned > MAX_HEADER) {
                throw new NpyFormatException(what + ": header length " + unsigned + " is outside 1.." + MAX_HEADER);
            }
            headerLen = (int) unsigned;
        } else {
            throw new NpyFormatException(
                    what + ": unsupported .npy version " + major + "." + magic[7] + ", expected 1.0-3.0");
        }
        if (headerLen <= 0 || headerLen > MAX_HEADER) {
            throw new NpyFormatException(what + ": header length " + headerLen + " is outside 1.." + MAX_HEADER);
        }
        String header = new String(readFully(what, in, headerLen, "header"), StandardCharsets.ISO_8859_1);
        String descr = match(what, DESCR, header, "descr");
        if (!"False".equals(match(what, FORTRAN, header, "fortran_order"))) {
            throw new NpyFormatException(what + ": fortran_order arrays are not supported, expected C order");
        }
        long[] shape = parseShape(what, match(what, SHAPE, header, "shape"));
        DataType type;
        int width;
        boolean little;
        switch (descr) {
            case "<f4":
            case "|f4":
                type = DataType.FLOAT;
                width = 4;
                little = true;
                break;
            case ">f4":
                type = DataType.FLOAT;
                width = 4;
                little = false;
                break;
            case "<f8":
            case "|f8":
                type = DataType.DOUBLE;
                width = 8;
                little = true;
                break;
            case ">f8":
                type = DataType.DOUBLE;
                width = 8;
                little = false;
                break;
            default:
                throw new NpyFormatException(
                        what + ": data type '" + descr + "' is not supported, expected <f4 or <f8");
        }
        long n = 1;
        for (long d : shape) {
            n = d > 0 && n > Long.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
        }
        if (n > maxElements) {
            throw new NpyFormatException(what + ": header declares " + (n == Long.MAX_VALUE ? "over " : "") + n
                    + " elements " + Arrays.toString(shape) + ", more than the limit of " + maxElements);
        }
        if (n > (Integer.MAX_VALUE - 8) / width) { // n * width wrapped for n >= 2^61 (a limit of Long.MAX_VALUE)
            throw new NpyFormatException(what + ": header declares " + n + " elements " + Arrays.toString(shape)
                    + " of " + width + " bytes, more than one Java array holds");
        }
        return new Header(shape, type, width, little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN, n);
    }

    /**
     * Reads the data of {@code h} into {@code dest} (a C-order array of its type and element count that owns its
     * whole buffer), 64 KiB at a time, then checks that the stream ends there.
     */
    static void readData(String what, InputStream in, Header h, INDArray dest) throws IOException {
        ByteBuffer target = dest.data().asNio().order(ByteOrder.nativeOrder());
        long bytes = h.elements() * h.width();
        if (target.capacity() != bytes) {
            throw new IllegalStateException(
                    what + ": destination holds " + target.capacity() + " bytes, expected " + bytes);
        }
        byte[] chunk = new byte[1 << 16]; // a multiple of both widths
        long done = 0;
        while (done < bytes) {
            int want = (int) Math.min(chunk.length, bytes - done);
            int got = in.readNBytes(chunk, 0, want);
            if (got < want) {
                throw new NpyFormatException(
                        what + ": truncated data: expected " + bytes + " bytes, got " + (done + got));
            }
            ByteBuffer src = ByteBuffer.wrap(chunk, 0, want).order(h.order());
            if (h.order() == ByteOrder.nativeOrder()) {
                target.put(src);
            } else if (h.type() == DataType.FLOAT) {
                target.asFloatBuffer().put(src.asFloatBuffer());
                target.position(target.position() + want);
            } else {
                target.asDoubleBuffer().put(src.asDoubleBuffer());
                target.position(target.position() + want);
            }
            done += want;
        }
        if (in.read() != -1) {
            throw new NpyFormatException(
                    what + ": trailing bytes after the " + h.elements() + " elements the header declares");
        }
    }

    /**
     * Whether {@link #readData} can write straight into {@code a}: C order, no view, its buffer exactly its
     * elements.
     */
    static boolean ownsBuffer(INDArray a) {
        return a.ordering() == 'c' && !a.isView() && a.data().length() == a.length() && a.offset() == 0;
    }

    private static long[] parseShape(String what, String text) {
        List<Long> dims = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                long d = Long.parseLong(p);
                if (d < 0) {
                    throw new NpyFormatException(what + ": negative dimension " + d + " in shape (" + text + ")");
                }
                dims.add(d);
            } catch (NumberFormatException e) {
                throw new NpyFormatException(what + ": shape (" + text + ") is not a tuple of integers");
            }
        }
        if (dims.size() > 32) {
            throw new NpyFormatException(what + ": shape has " + dims.size() + " dimensions, at most 32 are supported");
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private static String match(String what, Pattern p, String header, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new NpyFormatException(what + ": header has no valid '" + key + "' entry: " + header.trim());
        }
        String value = m.group(1);
        // A second entry for the key: Python keeps the last, this reader took the first; refuse the ambiguity.
        if (header.indexOf("'" + key + "'", m.end()) >= 0) {
            throw new NpyFormatException(what + ": header has the key '" + key + "' more than once, expected once: "
                    + Text.shorten(header.trim(), 200));
        }
        return value;
    }

    private static byte[] readFully(String what, InputStream in, int n, String part) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(n, 1 << 16));
        byte[] buf = new byte[8192];
        int left = n;
        while (left > 0) {
            int r = in.read(buf, 0, Math.min(buf.length, left));
            if (r < 0) {
                throw new NpyFormatException(
                        what + ": truncated " + part + ": expected " + n + " bytes, got " + (n - left));
            }
            out.write(buf, 0, r);
            left -= r;
        }
        return out.toByteArray();
    }
}
