package org.myelin.spark;

import java.io.Serializable;
import org.myelin.train.LossFunction;

/**
 * What every task of a run needs besides the round's state: the model and optimiser as JSON configs (rebuilt
 * once per executor thread), the loss, the regularisation, and how the samples are laid out and sampled.
 *
 * @param modelJson     {@link org.myelin.nn.Module#config()} as JSON
 * @param optimizerJson {@link org.myelin.optim.Optimizer#config()} as JSON
 * @param seed          the run's seed (shuffling, dropout masks)
 * @param batchSize     the global batch B
 * @param localBatch    local steps: each partition's batch b = B / P
 * @param dropLast      whether an epoch's last partial batch is dropped
 * @param samples       N
 * @param starts        index of each partition's first sample
 */
record Job(
        String modelJson,
        String optimizerJson,
        LossFunction loss,
        Regularization regularization,
        long seed,
        int batchSize,
        int localBatch,
        boolean dropLast,
        int samples,
        long[] starts)
        implements Serializable {}
