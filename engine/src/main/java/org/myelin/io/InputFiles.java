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
     * readable regular file. A named pipe, a device or a socket is refused before it is opened: opening a pipe
     * blocks until something writes to it, and a device such as {@code /dev/zero} never ends.
     */
    public static void requireReadable(String role, Path file) throws IOException {
        if (file == null) { // ModelFile.load(null), Checkpoint.load(null), Csv: a NullPointerException
            throw new IllegalArgumentException(role + ": the path must not be null");
        }
        if (file.toString().isEmpty()) {
            throw new IOException(role + ": the path is empty");
        }
        if (!Files.exists(file)) {
            throw new IOException(role + " " + file + " does not exist");
        }
        if (Files.isDirectory(file)) {
            throw new IOException(role + " " + file + " is a directory, expected a file");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(role + " " + file + " is " + kind(file) + ", expected a regular file (reading"
                    + " a pipe or device could block or never end)");
        }
        if (!Files.isReadable(file)) {
            throw new IOException(role + " " + file + " is not readable (permission denied)");
        }
    }

    /** What a file that is neither a directory nor a regular file is, for messages. */
    private static String kind(Path file) {
        try {
            Object type = Files.readAttributes(file, "unix:mode").get("mode");
            if (type instanceof Integer mode) {
                switch (mode & 0170000) {
                    case 0010000:
                        return "a named pipe (FIFO)";
                    case 0020000:
                        return "a character device";
                    case 0060000:
                        return "a block device";
                    case 0140000:
                        return "a socket";
                    default:
                        break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // Not a Unix file system: the generic word below.
        }
        return "a pipe, device or other special file";
    }

    /**
     * The bytes of {@code file}, refusing a file of more than {@code maxBytes} after reading at most one byte
     * more: a huge file fails at once instead of filling the heap.
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
