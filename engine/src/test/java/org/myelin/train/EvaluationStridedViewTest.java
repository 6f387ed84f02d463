package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.data.Dataset;
import org.myelin.nn.Models;
import org.myelin.nn.Sequential;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Features that are a view with strided rows (every other row of a larger array) evaluate and identify a run as
 * their contiguous copy does: ND4J 1.0.0-M2.1's get(interval) of such a view gives other rows, or a scalar, so the
 * evaluation's second batch failed ("Dense[8->3]: input has shape [], expected [*, 8]") or used wrong rows, and a
 * run's data checksum read wrong blocks.
 */
class EvaluationStridedViewTest {

    @Test
    void aStridedViewEvaluatesAsItsCopy() {
        INDArray all = Nd4j.rand(DataType.FLOAT, 40, 8);
        INDArray view = all.get(NDArrayIndex.interval(0, 2, 40), NDArrayIndex.all());
        int[] labels = new int[20];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        Dataset strided = Dataset.classification(view, labels, 3);
        Dataset copy = Dataset.classification(view.dup('c'), labels, 3);
        Sequential model = Models.mlpBuilder(8, 4, 3).optSeed(2).build();
        for (int batch : List.of(7, 20, 3)) {
            Evaluation a = Evaluation.of(model, LossFunction.SOFTMAX_CROSS_ENTROPY, strided, batch);
            Evaluation b = Evaluation.of(model, LossFunction.SOFTMAX_CROSS_ENTROPY, copy, batch);
            assertEquals(b.loss(), a.loss(), 1e-6, "batch " + batch);
            assertEquals(b.accuracy(), a.accuracy(), "batch " + batch);
        }
        assertEquals(RunIdentity.digest(copy), RunIdentity.digest(strided));
    }
}
