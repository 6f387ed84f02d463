package org.myelin.io;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The zip container shared by model files and checkpoints: JSON documents and {@code .npy} arrays under
 * plain relative names.
 *
 * <p>Reading is defensive: entry names with {@code ..}, absolute paths, backslashes or control characters are
 * refused (no zip-slip; nothing is ever extracted to disk), entry counts and JSON sizes are bounded, an
 * array is read only after its declared size has been checked against what the caller expects, and every entry's
 * CRC-32 is verified once it has been read.
 */
final class Archive implements AutoCloseable {
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_JSON_BYTES = 16 << 20;
    /**
     * The modification time written for every entry (2000-01-01 local time): model files and checkpoints of equal
     * content are equal byte for byte, whenever they were written.
     */
    static final long FIXED_TIME = java.time.LocalDateTime.of(2000, 1, 1, 0, 0)
            .atZone(java.time.ZoneId.systemDefault())
            .toInstant()
            .toEpochMilli();

    private final Path file;
    private final ZipFile zip;
    private final Map<String, ZipEntry> entries = new LinkedHashMap<>();
    /** The array entries read so far: each is read at most once, so what is loaded is bounded by what the file holds. */
    private final java.util.Set<String> arraysRead = new java.util.HashSet<>();

    private Archive(Path file, ZipFile zip) {
        this.file = file;
        this.zip = zip;
    }

    /** Opens {@code file}; {@code role} ({@code "model file"}) says what it is for when it is missing or unreadable. */
    static Archive open(String role, Path file) throws IOException {
        InputFiles.requireReadable(role, file);
        requireZipStart(role, file);
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException | EOFException e) {
            throw new ModelFormatException(
                    file + ": not a valid zip archive (" + e + "); the file is damaged or truncated", e);
        }
        Archive a = new Archive(file, zip);
        try {
            Enumeration<? extends ZipEntry> en = zip.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                checkName(file, e.getName());
                if (a.entries.size() >= MAX_ENTRIES) {
                    throw new ModelFormatException(file + ": more than " + MAX_ENTRIES + " entries");
                }
                if (a.entries.put(e.getName(), e) != null) {
                    throw new ModelFormatException(file + ": duplicate entry '" + e.getName() + "'");
                }
            }
        } catch (RuntimeException e) {
            zip.close();
            throw e;
        }
        return a;
    }

    /**
     * Refuses a file that does not start as a zip archive does ({@code PK}), saying what it is instead of calling
     * it damaged: an ONNX model (an export of a model file), a PNG image (the run's plot), text, or other bytes.
     * A file that starts like a zip and then fails to open is damaged or truncated (see {@link #open}).
     */
    private static void requireZipStart(String role, Path file) throws IOException {
        byte[] head = new byte[16];
        int n;
        try (var in = java.nio.file.Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        if (n >= 2 && head[0] == 'P' && head[1] == 'K') {
            return;
        }
        String what = role.replace(" file", "");
        String expected = file + " is not a Myelin " + what + " file (a zip archive)";
        if (n == 0) {
            throw new ModelFormatException(expected + "; it is empty");
        }
        throw new ModelFormatException(expected + "; it " + describeStart(head, n));
    }

    /** What the first {@code n} bytes of a file look like, for {@link #requireZipStart}. */
    static String describeStart(byte[] head, int n) {
        if (n >= 4 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G') {
            return "is a PNG image";
        }
        // An ONNX ModelProto starts with its ir_version (field 1, a small varint) and then another field of the model.
        if (n >= 3 && head[0] == 0x08 && head[1] >= 1 && head[1] <= 30 && (head[2] & 0x07) == 2 && head[2] <= 0x4a) {
            return "looks like an ONNX model: run it with an ONNX runtime (such as ONNX Runtime), or give the model"
                    + " file (model.zip) it was exported from";
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return "is a gzip file";
        }
        boolean text = true;
        for (int i = 0; i < n; i++) {
            int b = head[i] & 0xff;
            text &= b >= 0x20 && b < 0x7f || b == '\n' || b == '\r' || b == '\t';
        }
        if (text) {
            String start = new String(head, 0, n, StandardCharsets.US_ASCII).replaceAll("\\s+", " ");
            return "starts with the text \"" + start + (n == head.length ? "...\"" : "\"");
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(n, 8); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", head[i] & 0xff));
        }
        return "starts with the bytes " + hex;
    }

    private static void checkName(Path file, String name) {
        boolean bad = name.isEmpty()
                || name.startsWith("/")
                || name.contains("\\")
                || name.contains(":")
                || name.chars().anyMatch(c -> c < 0x20);
        for (String part : name.split("/", -1)) {
            bad |= part.equals("..") || part.equals(".");
        }
        if (bad) {
            throw new ModelFormatException(file + ": entry name '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a plain relative path (refused: '..', absolute paths, backslashes)");
        }
    }

    /**
     * An upper bound on the array elements this archive can hold: its entries' uncompressed sizes, and no more
     * than deflate's largest expansion (1032:1) of the file's size allows, at four bytes per element. Used to
     * refuse, before allocating, an architecture too large to have its weights in this file.
     */
    long maxElements() throws IOException {
        long declared = 0;
        for (ZipEntry e : entries.values()) {
            declared += Math.max(0, Math.min(e.getSize(), Long.MAX_VALUE / 4 - declared));
        }
        long physical = java.nio.file.Files.size(file);
        return Math.min(declared, physical > Long.MAX_VALUE / 1032 ? Long.MAX_VALUE : physical * 1032) / 4;
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }

    /** Reads a JSON object entry. */
    Map<String, Object> json(String name) throws IOException {
        ZipEntry e = require(name);
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
            byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw new ModelFormatException(file + "!" + name + ": larger than " + MAX_JSON_BYTES + " bytes");
            }
            checkCrc(e, in);
            return Json.readObject(file + "!" + name, bytes); // strict UTF-8, one bounded object
        } catch (ZipException | EOFException ze) {
            throw damaged(name, ze);
        }
    }

    /** Reads an array entry, refusing more than {@code maxElements} elements before allocating. */
    INDArray array(String name, long maxElements) throws IOException {
        ZipEntry e = requireUnread(name);
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
            INDArray a = Npy.read(file + "!" + name, in, maxElements);
            checkCrc(e, in);
            return a;
        } catch (ZipException | EOFException ze) {
            throw damaged(name, ze);
        }
    }

    /**
     * Reads an array entry straight into {@code target} (no temporary copy: a large model loads in little more
     * than its own size), after checking the entry's header against the target's shape and data type; errors
     * start with {@code where}. On failure the target may be partly written: callers pass arrays that are
     * discarded when loading fails.
     */
    void arrayInto(String name, INDArray target, String where) throws IOException {
        ZipEntry e = requireUnread(name);
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
            Npy.Header h = Npy.readHeader(file + "!" + name, in, target.length());
            if (!java.util.Arrays.equals(h.shape(), target.shape())) {
                throw new ModelFormatException(
                        where + ": entry '" + name + "' holds shape " + java.util.Arrays.toString(h.shape())
                                + ", expected " + java.util.Arrays.toString(target.shape()));
            }
            if (h.type() != target.dataType()) {
                throw new ModelFormatException(where + ": entry '" + name + "' holds " + h.type()
                        + " data, the model is " + target.dataType());
            }
            if (Npy.ownsBuffer(target)) {
                Npy.readData(file + "!" + name, in, h, target);
            } else {
                INDArray value = org.nd4j.linalg.factory.Nd4j.createUninitialized(h.type(), h.shape(), 'c');
                Npy.readData(file + "!" + name, in, h, value);
                target.assign(value);
            }
            checkCrc(e, in);
        } catch (ZipException | EOFException ze) {
            throw damaged(name, ze);
        }
    }

    /**
     * Compares the CRC-32 of an entry read to its end with the one the archive records: {@link ZipFile} does
     * not, so a damaged stored or deflated entry could otherwise load as different numbers without any error.
     */
    private void checkCrc(ZipEntry e, CheckedInputStream in) throws IOException {
        if (in.read() != -1) {
            throw new ModelFormatException(file + "!" + e.getName() + ": data after the end of the entry's content");
        }
        long actual = in.getChecksum().getValue();
        if (e.getCrc() != -1 && actual != e.getCrc()) {
            throw new ModelFormatException(String.format(
                    "%s!%s: damaged entry (CRC-32 is %08x, the archive records" + " %08x)",
                    file, e.getName(), actual, e.getCrc()));
        }
    }

    private ModelFormatException damaged(String name, IOException e) {
        return new ModelFormatException(file + "!" + name + ": damaged entry (" + e.getMessage() + ")", e);
    }

    /**
     * An array entry not read before: a JSON document listing one entry many times (a checkpoint's optimizer.json
     * naming one 4 MB weight entry as the state of thousands of slots) made a 10 kB file load gigabytes.
     */
    private ZipEntry requireUnread(String name) {
        ZipEntry e = require(name);
        if (!arraysRead.add(name)) {
            throw new ModelFormatException(file + ": entry '" + Text.shorten(name, 200)
                    + "' is listed more than once; each array entry holds one parameter, buffer or state array");
        }
        return e;
    }

    private ZipEntry require(String name) {
        ZipEntry e = entries.get(name);
        if (e == null) {
            throw new ModelFormatException(file + ": missing entry '" + name + "'");
        }
        return e;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    /** Writes entries into a zip stream. */
    static final class Writer {
        private final ZipOutputStream zip;

        Writer(OutputStream out) {
            this.zip = new ZipOutputStream(out, StandardCharsets.UTF_8);
        }

        void json(String name, Object value) throws IOException {
            byte[] bytes = Json.write(value).getBytes(StandardCharsets.UTF_8);
            // What the reader would refuse is refused here, before the target is replaced: metadata with a string of
            // 1 MB was written, and the file (over the previous good one) then failed to load ("String value length
            // (131072) exceeds the maximum allowed (65536)").
            String problem = null;
            if (bytes.length > MAX_JSON_BYTES) {
                problem = "larger than " + MAX_JSON_BYTES + " bytes";
            } else {
                try {
                    Json.readObject(name, bytes);
                } catch (ModelFormatException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                throw new IllegalArgumentException(name + " would be written in a form that cannot be read back ("
                        + problem + "); nothing was written: shorten or simplify the metadata");
            }
            zip.putNextEntry(entry(name));
            zip.write(bytes);
            zip.closeEntry();
        }

        void array(String name, INDArray value) throws IOException {
            zip.putNextEntry(entry(name));
            Npy.write(value, zip);
            zip.closeEntry();
        }

        /** An entry with a fixed time, so that the same content always gives the same bytes. */
        private static ZipEntry entry(String name) {
            ZipEntry e = new ZipEntry(name);
            e.setTime(FIXED_TIME);
            return e;
        }

        void finish() throws IOException {
            zip.finish();
        }
    }
}
