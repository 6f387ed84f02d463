package org.myelin.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarGzTest {
    @TempDir
    Path dir;

    /** One ustar header block; the reader ignores the checksum, so it is left blank. */
    private static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 124, String.format("%011o", size));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        return h;
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private static void entry(ByteArrayOutputStream out, byte[] header, byte[] content) {
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    private static String paxRecord(String key, String value) {
        String body = " " + key + "=" + value + "\n";
        int len = body.length() + 1;
        while (String.valueOf(len).length() + body.length() != len) {
            len++;
        }
        return len + body;
    }

    /** A gzipped tar of plain files, in the given order. */
    static byte[] tgz(java.util.LinkedHashMap<String, byte[]> files) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        files.forEach((name, content) -> entry(tar, header(name, content.length, '0'), content));
        tar.writeBytes(new byte[1024]);
        return IdxFiles.gzip(tar.toByteArray());
    }

    private Path archive(boolean endBlocks) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        entry(tar, header("package/readme.md", 5, '0'), "hello".getBytes(StandardCharsets.US_ASCII));
        byte[] data = IdxFiles.ramp(1000);
        entry(tar, header("package/data/a", data.length, '0'), data);
        byte[] pax = paxRecord("path", "package/data/from-pax").getBytes(StandardCharsets.UTF_8);
        entry(tar, header("PaxHeader/x", pax.length, 'x'), pax);
        entry(tar, header("package/data/truncated-name", 3, '0'), new byte[] {1, 2, 3});
        byte[] longName = ("package/data/" + "n".repeat(120)).getBytes(StandardCharsets.UTF_8);
        entry(tar, header("././@LongLink", longName.length, 'L'), longName);
        entry(tar, header("package/data/nnnn", 2, '0'), new byte[] {9, 8});
        if (endBlocks) {
            tar.writeBytes(new byte[1024]);
        }
        Path f = dir.resolve("p.tgz");
        Files.write(f, IdxFiles.gzip(tar.toByteArray()));
        return f;
    }

    @Test
    void extractsWantedEntriesIncludingPaxAndLongNames() throws IOException {
        Path a = dir.resolve("a");
        Path pax = dir.resolve("pax");
        Path longOne = dir.resolve("long");
        Map<String, Long> found = TarGz.extract(
                archive(true),
                Map.of(
                        "package/data/a",
                        a,
                        "package/data/from-pax",
                        pax,
                        "package/data/" + "n".repeat(120),
                        longOne,
                        "package/data/missing",
                        dir.resolve("m")),
                1 << 20);
        assertEquals(
                Map.of("package/data/a", 1000L, "package/data/from-pax", 3L, "package/data/" + "n".repeat(120), 2L),
                found);
        assertArrayEquals(IdxFiles.ramp(1000), Files.readAllBytes(a));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(pax));
        assertArrayEquals(new byte[] {9, 8}, Files.readAllBytes(longOne));
        assertFalse(Files.exists(dir.resolve("m")));
    }

    @Test
    void archiveWithoutEndBlocksIsTruncated() throws IOException {
        Path f = archive(false);
        var e = assertThrows(IOException.class, () -> TarGz.extract(f, Map.of(), 1 << 20));
        assertEquals(f + ": truncated tar archive (no end-of-archive block)", e.getMessage());
    }

    @Test
    void oversizedEntryIsRefused() throws IOException {
        Path f = archive(true);
        var e = assertThrows(
                IOException.class, () -> TarGz.extract(f, Map.of("package/data/a", dir.resolve("a")), 999));
        assertEquals(f + ": entry package/data/a has 1000 bytes, expected at most 999", e.getMessage());
    }

    @Test
    void truncatedGzipIsReported() throws IOException {
        byte[] gz = Files.readAllBytes(archive(true));
        Path f = dir.resolve("cut.tgz");
        Files.write(f, Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(IOException.class, () -> TarGz.extract(f, Map.of(), 1 << 20));
        assertTrue(e.getMessage().startsWith(f + ": truncated"), e.getMessage());
    }
}
