package org.myelin.reliability;

import java.nio.file.Path;
import org.myelin.io.DirectoryLock;

/**
 * A program for {@link SameRunTest}: locks the directory {@code args[0]} as a training run does, says "locked" on
 * stdout and waits to be killed.
 */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        DirectoryLock lock = DirectoryLock.acquire(Path.of(args[0]), "output directory");
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(120_000);
        lock.close();
    }
}
