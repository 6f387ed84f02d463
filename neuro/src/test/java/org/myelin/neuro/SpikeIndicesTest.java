package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SpikeIndicesTest {

    @Test
    void listsTheNonZeroEntriesOfABooleanMaskInOrder() {
        INDArray v = Nd4j.createFromArray(0.2f, 1.3f, 0.9f, 1.0f, -2f, 5f);
        INDArray idx = SpikeIndices.of(v.gte(1.0));
        assertEquals(DataType.LONG, idx.dataType());
        assertArrayEquals(new long[] {1, 3, 5}, idx.toLongVector());
    }

    @Test
    void agreesWithNd4jWhereOnARandomMask() {
        INDArray u = Nd4j.rand(DataType.DOUBLE, 5000);
        INDArray mask = u.lt(0.03);
        assertArrayEquals(
                Nd4j.where(mask, null, null)[0].toLongVector(),
                SpikeIndices.of(mask).toLongVector());
    }

    @Test
    void anAllZeroMaskGivesTheEmptyList() {
        INDArray idx = SpikeIndices.of(Nd4j.zeros(DataType.FLOAT, 100));
        assertEquals(0, idx.length());
        assertEquals(DataType.LONG, idx.dataType());
    }
}
