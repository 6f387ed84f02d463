package org.myelin.io;

/** A {@code .npy} stream that is damaged, unsupported or larger than allowed. */
public class NpyFormatException extends ModelFormatException {
    public NpyFormatException(String message) {
        super(message);
    }
}
