package org.myelin.train;

/**
 * Training produced a non-finite loss or gradient (the step that found it did not touch the weights), or a step's
 * update left a weight, running statistic or optimiser state non-finite (found at the epoch's end or when a checkpoint
 * was to be written, which then was not).
 */
public final class DivergenceException extends IllegalStateException {
    public DivergenceException(String message) {
        super(message);
    }
}
