package org.myelin.train;

/**
 * Hooks into the training loop. Called on the training thread, in registration order; {@link #onEpochEnd}
 * may ask the loop to stop.
 */
public interface Callback {

    /** After each optimiser step; {@code step} counts from 1 over the whole run. */
    default void onStepEnd(Trainer trainer, long step, double loss) {}

    /** After each epoch's evaluation; return true to stop training after this epoch. */
    default boolean onEpochEnd(Trainer trainer, EpochRecord record) {
        return false;
    }

    /** Once when training ends, normally or by a stop request. */
    default void onTrainEnd(Trainer trainer, History history) {}
}
