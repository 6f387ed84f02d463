package org.myelin.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * An exclusive lock on a directory for the life of one run, so that two runs never write the same outputs
 * (nor one resume from a checkpoint the other is writing). The lock is an operating-system file lock on
 * {@code DIR/.myelin.lock}: it is released when the run closes it or when its process dies, however it dies, so
 * a killed run never leaves a stale lock behind. The file holds a line naming the holder (process id, host,
 * start time) for the error message of the run that is refused; the file itself stays when the lock is released.
 */
public final class DirectoryLock implements AutoCloseable {
    /** The lock file's name inside the locked directory. */
    public static final String FILE = ".myelin.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir} (which must exist) for this process.
     *
     * @param what what the directory is, for messages ("output directory")
     * @throws IOException when another run holds the lock, naming it; or when the lock file cannot be opened
     */
    public static DirectoryLock acquire(Path dir, String what) throws IOException {
        Path file = dir.resolve(FILE);
        AtomicFiles.requireNotLink(file);
        FileChannel ch = FileChannel.open(
                file,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by another run in this JVM
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = readHolder(ch);
            ch.close();
            throw new IOException(what + " " + dir + " is in use by another training run (" + holder + "); wait for it"
                    + " to end or choose another output directory");
        }
        try {
            ch.truncate(0);
            ProcessHandle self = ProcessHandle.current();
            String started = self.info().startInstant().orElse(Instant.now()).toString();
            String line = "pid " + self.pid() + " on " + hostName() + ", started " + started + "\n";
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
        } catch (IOException e) {
            ch.close(); // releases the lock
            throw e;
        }
        return new DirectoryLock(ch, lock);
    }

    private static String readHolder(FileChannel ch) {
        try {
            ByteBuffer b = ByteBuffer.allocate(512); // the holder's line is short; a larger file is not ours
            ch.read(b, 0);
            String s = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
            int newline = s.indexOf('\n');
            s = newline < 0 ? s : s.substring(0, newline);
            return s.isEmpty() ? "holder unknown" : s;
        } catch (IOException e) {
            return "holder unknown: " + e.getMessage();
        }
    }

    /** The host's name without asking a name service (InetAddress.getLocalHost may wait on DNS). */
    private static String hostName() {
        try {
            String s = java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname"))
                    .strip();
            if (!s.isEmpty()) {
                return s;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        String env =
                System.getenv(System.getProperty("os.name", "").startsWith("Windows") ? "COMPUTERNAME" : "HOSTNAME");
        return env == null || env.isBlank() ? "this host" : env;
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
