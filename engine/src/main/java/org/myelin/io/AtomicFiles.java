package org.myelin.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader never sees a half-written one: write a temporary file in the same directory,
 * force it to disk, then rename it over the target in one step. A failure at any point leaves the previous
 * file untouched and removes the temporary file.
 *
 * <p>Every output of the engine (models, checkpoints, metrics, plots, simulation and example tables) is written
 * here, and nothing here follows a symbolic link: a target that is a link is refused (a link planted in an output
 * directory must not make the engine write elsewhere), and the temporary file is created new, never through a
 * link. The rename itself replaces a directory entry, never what a link points to.
 */
public final class AtomicFiles {

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    public static void write(Path target, Writer writer) throws IOException {
        requireWritablePath(target);
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        requireNotLink(target);
        Path tmp = dir.resolve("." + target.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        // A new file with the permissions of the process's umask, like any other output (Files.createTempFile
        // would make it readable by its owner only, and a container's model.zip unreadable on the host).
        FileChannel ch = FileChannel.open(
                tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        boolean done = false;
        try {
            try (ch;
                    OutputStream out =
                            new BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            requireNotLink(target); // planted while the content was written
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + target + " atomically on this file system", e);
            }
            syncDirectory(dir);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Refuses, without creating or writing anything, a target that {@link #write} could not write for its path
     * alone: a root directory, an existing directory, or a path under an existing file. A caller that writes later
     * (a checkpoint after the first epoch) checks it before its work; {@link #write} checks it first.
     */
    public static void requireWritablePath(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        if (abs.getParent() == null) { // "/": a NullPointerException from Files.createDirectories(null)
            throw new IOException(target + " is a root directory, expected a file name; nothing was written");
        }
        if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            // The rename failed after the content was written, naming the temporary file
            // ("/d/.m.zip.x3k.tmp -> /d/m.zip: Is a directory").
            throw new IOException(target + " is a directory, expected a file; nothing was written");
        }
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) { // Files.createDirectories: a bare FileAlreadyExistsException
                    throw new IOException("cannot write " + target + ": " + p
                            + " exists and is not a directory; nothing was written");
                }
                break;
            }
        }
    }

    /** Writes {@code text} as UTF-8 through {@link #write(Path, Writer)}. */
    public static void writeText(Path target, TextWriter writer) throws IOException {
        write(target, out -> {
            java.io.Writer w = new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8);
            java.io.BufferedWriter b = new java.io.BufferedWriter(w);
            writer.write(b);
            b.flush(); // not closed: out stays open for the fsync
        });
    }

    /** Writes text to a buffered writer. */
    @FunctionalInterface
    public interface TextWriter {
        void write(java.io.BufferedWriter out) throws IOException;
    }

    /**
     * Throws unless {@code target} is absent or not a symbolic link: outputs are written only as plain files of
     * the directory they are named in.
     */
    public static void requireNotLink(Path target) throws IOException {
        if (Files.isSymbolicLink(target)) {
            throw new IOException(target + " is a symbolic link (to " + Files.readSymbolicLink(target)
                    + "); refusing to write an output through it: remove the link or choose another output directory");
        }
    }

    /**
     * Deletes the temporary files that {@link #write} left next to {@code target} when its process was killed
     * mid-write ({@code .NAME.*.tmp}); the target itself is never touched. Call it only while no other process
     * is writing the same target.
     *
     * @return how many were deleted
     */
    public static int removeTemporaries(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        String prefix = "." + target.getFileName() + ".";
        int n = 0;
        try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(
                dir,
                p -> p.getFileName().toString().startsWith(prefix)
                        && p.getFileName().toString().endsWith(".tmp"))) {
            for (Path p : files) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.deleteIfExists(p)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Makes the rename itself durable (best effort: not every platform can open a directory). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Directories cannot be fsynced on some platforms; the rename is still atomic.
        }
    }
}
