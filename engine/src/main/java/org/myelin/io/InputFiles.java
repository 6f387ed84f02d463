package org.myelin.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks and bounded reads of the files the engine is given, with errors that say what the file was for
 * ({@code config file runs/job.json does not exist}) rather than a bare path or "Is a directory".
 */
public final class InputFiles {
    private InputFiles() {}

    /**
     * Throws an {@link IOException} naming {@code role} and the file unless {@code file} is an existing,
     * readable regular file (or a device or pipe, which {@link #readBounded} reads only up to its bound).
     */
    public static void requireReadable(String role, Path file) throws IOException {
        if (file.toString().isEmpty()) {
            throw new IOException(role + ": the path is empty");
        }
        if (!Files.exists(file)) {
            throw new IOException(role + " " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(role + " " + file + " is a directory, expected a file");
        }
        if (!Files.isReadable(file)) {
            throw new IOException(role + " " + file + " is not readable (permission denied)");
        }
    }

    /**
     * The bytes of {@code file}, refusing a file of more than {@code maxBytes} after reading at most one byte
     * more: {@code /dev/zero} or a huge file fail at once instead of filling the heap.
     */
    public static byte[] readBounded(String role, Path file, int maxBytes) throws IOException {
        requireReadable(role, file);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (AccessDeniedException e) {
            throw new IOException(role + " " + file + " is not readable (permission denied)", e);
        } catch (IOException e) {
            throw new IOException(role + " " + file + " cannot be read: " + e.getMessage(), e);
        }
        if (bytes.length > maxBytes) {
            throw new IOException(role + " " + file + " is larger than " + maxBytes + " bytes, the most accepted");
        }
        return bytes;
    }
}
