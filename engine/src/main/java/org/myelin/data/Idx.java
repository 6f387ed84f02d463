package org.myelin.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.myelin.Preconditions;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reader for the IDX files of MNIST (LeCun et al.): a big-endian header, then unsigned bytes.
 *
 * <pre>
 * images: magic 0x00000803, count, rows, cols (int32 each), then count*rows*cols pixels (0 = background, 255 = ink)
 * labels: magic 0x00000801, count (int32), then count labels (one byte each)
 * </pre>
 *
 * Files may be plain or gzip-compressed; gzip is recognised by its magic bytes {@code 1f 8b}, not by the name.
 *
 * <p>Everything is validated before the payload is allocated: the magic number; every dimension; that the
 * payload is at most {@link #MAX_PAYLOAD_BYTES}; that the file size equals header plus payload (for gzip, the
 * uncompressed size recorded in the gzip trailer, modulo 2^32); and, after reading, that the stream held exactly
 * that many bytes. A damaged file gives an {@link IOException} whose message names the file, the expected and the
 * actual value ({@code train-images-idx3-ubyte: magic number 0x00000801, expected 0x00000803 (IDX images)}).
 */
public final class Idx {
    /** Magic number of an IDX file of unsigned-byte images: type 0x08 (ubyte), 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels: type 0x08 (ubyte), 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;
    /** The largest payload accepted, in bytes (about 2 GiB, a Java array's limit); MNIST's largest is 47 MB. */
    public static final long MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - 64L;
    /** The largest image side accepted, in pixels. */
    public static final int MAX_SIDE = 1 << 15;

    private Idx() {}

    /**
     * Images with their geometry.
     *
     * @param pixels features scaled to [0, 1] ({@code byte / 255}), one flattened row-major image per row
     * @param rows   image height H
     * @param cols   image width W
     */
    public record Images(INDArray pixels, int rows, int cols) {
        /** Number of images N. */
        public int count() {
            return (int) pixels.rows();
        }

        /** The pixels as one-channel images {@code [N, 1, H, W]} (a row-major view of the same values). */
        public INDArray asImages() {
            return pixels.reshape('c', pixels.rows(), 1, rows, cols);
        }
    }

    /**
     * Reads an IDX image file.
     *
     * <p>Shapes: result pixels {@code [N, H*W]} of {@code type}, values {@code byte / 255} in [0, 1].
     *
     * @throws IOException if the file is missing, damaged, or inconsistent with its header (message names the file)
     */
    public static Images readImages(Path file, DataType type) throws IOException {
        Preconditions.requireFloatType("Idx.readImages", type);
        Preconditions.requireNonNull("Idx.readImages", "file path", file);
        Header h = Header.read(file, IMAGES_MAGIC);
        byte[] bytes = readPayload(h);
        int count = h.dims[0];
        long pixelsPerImage = (long) h.dims[1] * h.dims[2];
        INDArray pixels;
        if (count == 0) {
            pixels = Nd4j.create(type, 0, pixelsPerImage);
        } else {
            ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
            direct.put(bytes).rewind();
            DataBuffer buffer = Nd4j.createBuffer(direct, DataType.UINT8, bytes.length);
            INDArray raw = Nd4j.create(
                    buffer, new long[] {count, pixelsPerImage}, new long[] {pixelsPerImage, 1}, 0, 'c', DataType.UINT8);
            pixels = raw.castTo(type).divi(255.0);
        }
        return new Images(pixels, h.dims[1], h.dims[2]);
    }

    /**
     * Reads an IDX label file.
     *
     * <p>Shapes: result {@code [N]}, values 0..255 as stored.
     *
     * @throws IOException if the file is missing, damaged, or inconsistent with its header (message names the file)
     */
    public static int[] readLabels(Path file) throws IOException {
        Preconditions.requireNonNull("Idx.readLabels", "file path", file);
        Header h = Header.read(file, LABELS_MAGIC);
        byte[] bytes = readPayload(h);
        int[] labels = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            labels[i] = bytes[i] & 0xff;
        }
        return labels;
    }

    /**
     * Reads an image file and its label file as a one-hot classification dataset. Both headers are checked
     * (including that they hold the same number of samples) before either payload is read.
     *
     * @throws IOException              if a file is damaged, or the counts differ (both files named)
     * @throws org.myelin.DataFormatException if a label is {@code >= numClasses} (the file and row are named)
     */
    public static Dataset readClassification(Path images, Path labels, int numClasses, DataType type)
            throws IOException {
        // Checked before either file is read: a bad count was reported as the label file's fault (a
        // DataFormatException naming it) after both payloads had been loaded.
        if (numClasses < 2) {
            throw new IllegalArgumentException("Idx.readClassification: numClasses must be >= 2, was " + numClasses);
        }
        Preconditions.requireFloatType("Idx.readClassification", type);
        Preconditions.requireNonNull("Idx.readClassification", "images path", images);
        Preconditions.requireNonNull("Idx.readClassification", "labels path", labels);
        Header hi = Header.read(images, IMAGES_MAGIC);
        Header hl = Header.read(labels, LABELS_MAGIC);
        if (hi.dims[0] != hl.dims[0]) {
            throw new IOException(labels + ": " + hl.dims[0] + " labels, expected " + hi.dims[0]
                    + " to match the images in " + images);
        }
        Images im = readImages(images, type);
        int[] y = readLabels(labels);
        try {
            return Dataset.classification(im.pixels(), y, numClasses);
        } catch (IllegalArgumentException e) {
            throw new org.myelin.DataFormatException(labels + ": " + e.getMessage(), e);
        }
    }

    /** Whether the file starts with the gzip magic bytes {@code 1f 8b}. */
    static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file, boolean gzip) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return new BufferedInputStream(gzip ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw new IOException(file + ": not a readable gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readPayload(Header h) throws IOException {
        // Grown as data arrives rather than allocated from the header: a gzip file's header and trailer can both
        // claim gigabytes that are not there.
        byte[] bytes = new byte[(int) Math.min(h.payload, 1 << 20)];
        try (InputStream in = open(h.file, h.gzip)) {
            long skipped = in.readNBytes(h.headerBytes()).length;
            int got = 0;
            while (got < h.payload) {
                if (got == bytes.length) {
                    bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(h.payload, 2L * bytes.length));
                }
                int r = in.read(bytes, got, bytes.length - got);
                if (r < 0) {
                    break;
                }
                got += r;
            }
            if (skipped + got < h.headerBytes() + h.payload) {
                throw new IOException(h.file + ": truncated: " + (skipped + got) + " bytes"
                        + (h.gzip ? " after decompression" : "") + ", expected " + (h.headerBytes() + h.payload)
                        + " (" + h.headerBytes() + "-byte header + " + h.payload + " from the header's dimensions)");
            }
            if (in.read() != -1) {
                throw new IOException(h.file + ": more than the " + (h.headerBytes() + h.payload) + " bytes the header"
                        + " implies" + (h.gzip ? " after decompression" : ""));
            }
        } catch (EOFException e) {
            throw new IOException(h.file + ": truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(h.file + ": damaged gzip stream (" + e.getMessage() + ")", e);
        }
        return bytes;
    }

    /** A validated header; its payload size is known to be allowed and consistent with the file's size. */
    private static final class Header {
        final Path file;
        final boolean gzip;
        final int[] dims;
        final long payload;

        private Header(Path file, boolean gzip, int[] dims, long payload) {
            this.file = file;
            this.gzip = gzip;
            this.dims = dims;
            this.payload = payload;
        }

        int headerBytes() {
            return 4 + 4 * dims.length;
        }

        static Header read(Path file, int expectedMagic) throws IOException {
            if (!Files.isRegularFile(file)) {
                throw new java.io.FileNotFoundException(file + ": no such file");
            }
            boolean gzip = isGzip(file);
            int ndims = expectedMagic & 0xff;
            String kind = expectedMagic == IMAGES_MAGIC ? "IDX images" : "IDX labels";
            int[] dims = new int[ndims];
            try (DataInputStream in = new DataInputStream(open(file, gzip))) {
                int magic = in.readInt();
                if (magic != expectedMagic) {
                    throw new IOException(String.format(
                            "%s: magic number 0x%08X, expected 0x%08X (%s)", file, magic, expectedMagic, kind));
                }
                for (int i = 0; i < ndims; i++) {
                    dims[i] = in.readInt();
                }
            } catch (EOFException e) {
                throw new IOException(
                        file + ": truncated: shorter than the " + (4 + 4 * ndims) + "-byte " + kind + " header", e);
            } catch (java.util.zip.ZipException e) {
                throw new IOException(file + ": damaged gzip stream (" + e.getMessage() + ")", e);
            }
            String[] names = ndims == 3 ? new String[] {"count", "rows", "cols"} : new String[] {"count"};
            long payload = 1;
            for (int i = 0; i < ndims; i++) {
                long d = dims[i] & 0xffffffffL;
                if (i == 0 ? d > Integer.MAX_VALUE : d < 1 || d > MAX_SIDE) {
                    throw new IOException(file + ": header " + names[i] + " is " + d + ", expected "
                            + (i == 0 ? "0.." + Integer.MAX_VALUE : "1.." + MAX_SIDE));
                }
                payload *= d;
            }
            if (payload > MAX_PAYLOAD_BYTES) {
                throw new IOException(file + ": header claims " + payload + " bytes of data (" + describe(names, dims)
                        + "), more than the " + MAX_PAYLOAD_BYTES + " this reader accepts");
            }
            long expected = 4 + 4L * ndims + payload;
            if (!gzip) {
                long actual = Files.size(file);
                if (actual != expected) {
                    throw new IOException(file + ": file has " + actual + " bytes, expected " + expected + " ("
                            + (4 + 4 * ndims) + "-byte header + " + payload + " for " + describe(names, dims) + ")"
                            + (actual < expected ? ": truncated" : ""));
                }
            } else {
                long recorded = gzipTrailerSize(file);
                if (recorded != (expected & 0xffffffffL)) {
                    throw new IOException(file + ": gzip trailer records " + recorded + " uncompressed bytes, expected "
                            + expected + " (" + (4 + 4 * ndims) + "-byte header + " + payload + " for "
                            + describe(names, dims) + "): truncated or damaged gzip file");
                }
            }
            return new Header(file, gzip, dims, payload);
        }

        private static String describe(String[] names, int[] dims) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < dims.length; i++) {
                b.append(i == 0 ? "" : " x ").append(names[i]).append(' ').append(dims[i] & 0xffffffffL);
            }
            return b.toString();
        }

        /** ISIZE, the last four bytes of a gzip file: the uncompressed size modulo 2^32, little-endian. */
        private static long gzipTrailerSize(Path file) throws IOException {
            try (SeekableByteChannel ch = Files.newByteChannel(file)) {
                if (ch.size() < 18) {
                    throw new IOException(
                            file + ": truncated gzip file: " + ch.size() + " bytes, expected at least 18");
                }
                ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
                ch.position(ch.size() - 4);
                while (b.hasRemaining()) {
                    if (ch.read(b) < 0) {
                        throw new IOException(file + ": could not read the gzip trailer");
                    }
                }
                b.flip();
                return b.getInt() & 0xffffffffL;
            }
        }
    }
}
