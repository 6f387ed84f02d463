package org.myelin.cli;

/**
 * A command line that cannot be understood: unknown option, missing or malformed value. Public for the commands of
 * other modules (the spark module's {@code myelin train --spark}): {@link Failures} prints it in one line, exit 2.
 */
public final class UsageException extends RuntimeException {
    public UsageException(String message) {
        super(message);
    }
}
