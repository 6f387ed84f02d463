package org.myelin.data;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One batch of samples: rows {@code indices} of the dataset, gathered.
 *
 * <p>Shapes: {@code features [B, d]}, {@code targets [B, k]}, {@code indices [B]}; {@code B} is the batch size,
 * or less for a kept last batch.
 *
 * @param features the gathered feature rows
 * @param targets  the gathered target rows
 * @param indices  the dataset row of each batch row
 * @param epoch    the epoch this batch belongs to
 * @param index    the position of this batch within its epoch, from 0
 */
public record Batch(INDArray features, INDArray targets, int[] indices, int epoch, int index) {
    /** Number of samples in this batch. */
    public int size() {
        return indices.length;
    }
}
