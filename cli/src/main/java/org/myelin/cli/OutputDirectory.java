package org.myelin.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** The {@code --out DIR} of the commands that write files: never empty, which would mean the working directory. */
final class OutputDirectory {
    private OutputDirectory() {}

    /**
     * {@code value} as a directory path; refused when empty or blank ({@code "."} names the working directory
     * explicitly) or not a valid path.
     */
    static Path of(String option, String value) {
        if (value == null || value.isBlank()) {
            throw new UsageException(option + " must name a directory, was \"" + (value == null ? "" : value)
                    + "\" (write \".\" for the working directory)");
        }
        Path dir;
        try {
            dir = Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException(option + " is not a valid path: " + e.getMessage());
        }
        // Refused before any work: the commands found out only when they created it, after their work, with the
        // bare path as the message.
        if (java.nio.file.Files.exists(dir) && !java.nio.file.Files.isDirectory(dir)) {
            throw new UsageException(option + " must name a directory, " + value + " is an existing file");
        }
        return dir;
    }
}
