package org.myelin.train;

/** Training produced a non-finite loss or gradient; the step that found it did not touch the weights. */
public final class DivergenceException extends IllegalStateException {
    public DivergenceException(String message) {
        super(message);
    }
}
