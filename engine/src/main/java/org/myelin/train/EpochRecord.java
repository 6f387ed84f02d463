package org.myelin.train;

import java.util.Map;

/**
 * What one epoch of training measured.
 *
 * @param epoch              1-based epoch number
 * @param step               optimiser steps completed at the end of the epoch
 * @param trainLoss          mean training loss over the epoch's batches
 * @param trainAccuracy      training accuracy over the epoch's batches (NaN for regression)
 * @param validationLoss     loss on the validation set at the end of the epoch (NaN without one)
 * @param validationAccuracy accuracy on the validation set (NaN without one or for regression)
 * @param learningRate       the learning rate of the epoch's last step
 * @param seconds            wall time of the epoch's training steps (evaluation excluded)
 * @param samplesPerSecond   training samples per second of wall time
 * @param gradientNorms      per parameter, the mean over the epoch's steps of the L2 norm of its gradient
 *                           (CS 489 §13.1: how vanishing and exploding gradients are seen; see docs/notes.md)
 */
public record EpochRecord(
        int epoch,
        long step,
        double trainLoss,
        double trainAccuracy,
        double validationLoss,
        double validationAccuracy,
        double learningRate,
        double seconds,
        double samplesPerSecond,
        Map<String, Double> gradientNorms) {}
