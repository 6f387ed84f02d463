package org.myelin.cli;

/** A command line that cannot be understood: unknown option, missing or malformed value. */
final class UsageException extends RuntimeException {
    UsageException(String message) {
        super(message);
    }
}
