package org.myelin.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.myelin.data.Dataset;
import org.myelin.nn.Dense;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A NaN output is no prediction: it was read as class 0 (the arg-max passes over NaN; NaN >= threshold is false), so
 * a model whose outputs were all NaN scored accuracy 1.0 on data of class 0, next to a NaN loss.
 */
class EvaluationNanOutputTest {

    private static Dense nanModel(long out) {
        Dense d = new Dense(2, out, DataType.FLOAT, 1);
        d.namedParameters().get("weight").value().assign(Float.NaN);
        return d;
    }

    @Test
    void aModelWithNanOutputsScoresNoAccuracy() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 2);
        INDArray classZero = Nd4j.zeros(DataType.FLOAT, 6, 3);
        classZero.getColumn(0).assign(1);
        Evaluation e = Evaluation.of(nanModel(3), LossFunction.SOFTMAX_CROSS_ENTROPY, Dataset.of(x, classZero), 4);
        assertTrue(Double.isNaN(e.loss()), "loss " + e.loss());
        assertEquals(0.0, e.accuracy(), "accuracy (was 1.0)");
        assertEquals(6, e.confusion().unclassified(0));
        assertEquals(0.0, e.confusion().recall(0));
        assertTrue(e.confusion().render().contains("NaN"), e.confusion().render());

        Evaluation binary = Evaluation.of(
                nanModel(1), LossFunction.BINARY_CROSS_ENTROPY, Dataset.of(x, Nd4j.zeros(DataType.FLOAT, 6, 1)), 6);
        assertTrue(Double.isNaN(binary.loss()), "loss " + binary.loss()); // was 1e-7: the clamp hid the NaN
        assertEquals(0.0, binary.accuracy(), "accuracy (was 1.0)");
    }

    @Test
    void onlyTheRowsHoldingNanLoseTheirClass() {
        float nan = Float.NaN;
        INDArray out = Nd4j.createFromArray(new float[][] {{0.1f, 0.9f}, {nan, 0.2f}, {0.7f, nan}, {0.6f, 0.4f}});
        assertArrayEquals(new int[] {1, -1, -1, 0}, Evaluation.predictedClasses(out, 0.0));
        INDArray single = Nd4j.createFromArray(new float[][] {{0.7f}, {nan}, {0.2f}});
        assertArrayEquals(new int[] {1, -1, 0}, Evaluation.predictedClasses(single, 0.5));
        ConfusionMatrix cm = new ConfusionMatrix(2);
        cm.add(new int[] {1, 1, 0, 0}, Evaluation.predictedClasses(out, 0.0));
        assertEquals(4, cm.total());
        assertEquals(0.5, cm.accuracy());
        assertEquals(0.5, cm.recall(1));
        assertEquals(1.0, cm.precision(1));
    }
}
