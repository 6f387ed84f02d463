package org.myelin.io;

/**
 * A model or checkpoint file that cannot be loaded: damaged, of an unknown format version, or inconsistent
 * with itself. The message names the file or entry, the expected and the actual value.
 */
public class ModelFormatException extends IllegalArgumentException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
