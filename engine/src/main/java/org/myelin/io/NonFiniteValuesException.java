package org.myelin.io;

/**
 * A model or checkpoint was not written because a parameter, buffer or optimiser state holds NaN or an infinity
 * (training diverged): nothing could resume from such a file, and it would have replaced one that can. Its own type
 * so that a trainer can tell a diverged run from a model that can never be saved (an unknown module type).
 */
public final class NonFiniteValuesException extends IllegalArgumentException {
    public NonFiniteValuesException(String message) {
        super(message);
    }
}
