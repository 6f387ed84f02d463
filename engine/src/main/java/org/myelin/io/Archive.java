package org.myelin.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * refused (no zip-slip; nothing is ever extracted to disk), entry counts and JSON sizes are bounded, and an
 * array is read only after its declared size has been checked against what the caller expects.
 */
final class Archive implements AutoCloseable {
    static final int MAX_ENTRIES = 100_000;
    static final int MAX_JSON_BYTES = 16 << 20;

    private final Path file;
    private final ZipFile zip;
    private final Map<String, ZipEntry> entries = new LinkedHashMap<>();

    private Archive(Path file, ZipFile zip) {
        this.file = file;
        this.zip = zip;
    }

    static Archive open(Path file) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new ModelFormatException(file + ": not a valid zip archive (" + e.getMessage()
                    + "); the file is damaged or truncated", e);
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

    private static void checkName(Path file, String name) {
        boolean bad = name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains(":")
                || name.chars().anyMatch(c -> c < 0x20);
        for (String part : name.split("/", -1)) {
            bad |= part.equals("..") || part.equals(".");
        }
        if (bad) {
            throw new ModelFormatException(file + ": entry name '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a plain relative path (refused: '..', absolute paths, backslashes)");
        }
    }

    boolean has(String name) {
        return entries.containsKey(name);
    }

    /** Reads a JSON object entry. */
    Map<String, Object> json(String name) throws IOException {
        ZipEntry e = require(name);
        try (InputStream in = zip.getInputStream(e)) {
            byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw new ModelFormatException(file + "!" + name + ": larger than " + MAX_JSON_BYTES + " bytes");
            }
            return Json.readObject(file + "!" + name, new String(bytes, StandardCharsets.UTF_8));
        } catch (ZipException ze) {
            throw damaged(name, ze);
        }
    }

    /** Reads an array entry, refusing more than {@code maxElements} elements before allocating. */
    INDArray array(String name, long maxElements) throws IOException {
        ZipEntry e = require(name);
        try (InputStream in = zip.getInputStream(e)) {
            return Npy.read(file + "!" + name, in, maxElements);
        } catch (ZipException | java.io.EOFException ze) {
            throw damaged(name, ze);
        }
    }

    private ModelFormatException damaged(String name, IOException e) {
        return new ModelFormatException(file + "!" + name + ": damaged entry (" + e.getMessage() + ")", e);
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
            zip.putNextEntry(new ZipEntry(name));
            zip.write(Json.write(value).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }

        void array(String name, INDArray value) throws IOException {
            zip.putNextEntry(new ZipEntry(name));
            Npy.write(value, zip);
            zip.closeEntry();
        }

        void finish() throws IOException {
            zip.finish();
        }
    }
}
