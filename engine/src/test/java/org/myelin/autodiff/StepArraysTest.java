package org.myelin.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

class StepArraysTest {

    @Test
    void outsideAPassEveryRequestIsANewArray() {
        INDArray a = StepArrays.uninitialized(DataType.FLOAT, 4, 3);
        INDArray b = StepArrays.uninitialized(DataType.FLOAT, 4, 3);
        assertNotSame(a, b);
        assertArrayEquals(new long[] {4, 3}, a.shape());
        assertEquals('c', a.ordering());
    }

    @Test
    void theKthRequestOfAPassGetsTheKthArrayOfThePreviousPass() {
        StepArrays arrays = new StepArrays();
        INDArray[] first = pass(arrays, new long[] {8, 5}, new long[] {8, 5}, new long[] {1, 5});
        INDArray[] second = pass(arrays, new long[] {8, 5}, new long[] {8, 5}, new long[] {1, 5});
        for (int i = 0; i < first.length; i++) {
            assertSame(first[i], second[i], "request " + i);
        }
        assertNotSame(first[0], first[1], "two requests of one pass must not share an array");
        assertEquals(3, arrays.created());
    }

    @Test
    void aTypeOrShapeThatDiffersGetsItsOwnArrayAndTwoShapesPerSlotAreKept() {
        StepArrays arrays = new StepArrays();
        INDArray full = pass(arrays, new long[] {16, 5})[0];
        INDArray last = pass(arrays, new long[] {8, 5})[0];
        assertArrayEquals(new long[] {8, 5}, last.shape());
        assertSame(full, pass(arrays, new long[] {16, 5})[0]);
        assertSame(last, pass(arrays, new long[] {8, 5})[0]);
        assertEquals(2, arrays.created());

        try (StepArrays.Pass p = arrays.begin()) {
            INDArray d = StepArrays.uninitialized(DataType.DOUBLE, 16, 5);
            assertEquals(DataType.DOUBLE, d.dataType());
        }
        assertEquals(3, arrays.created());
        // The double array pushed out the one used longest ago ([16, 5]); [8, 5] is still kept.
        assertSame(last, pass(arrays, new long[] {8, 5})[0]);
        assertNotSame(full, pass(arrays, new long[] {16, 5})[0]);
    }

    @Test
    void keptArraysLiveOutsideTheWorkspaceThePassRunsIn() {
        StepArrays arrays = new StepArrays();
        INDArray kept;
        try (MemoryWorkspace ws = ScratchWorkspace.open("STEP_ARRAYS_TEST");
                StepArrays.Pass p = arrays.begin()) {
            kept = StepArrays.uninitialized(DataType.FLOAT, 2, 2);
        }
        assertFalse(kept.isAttached());
        kept.assign(7);
        assertEquals(28.0, kept.sumNumber().doubleValue());
    }

    @Test
    void aPassCannotStartTwiceAndEndingItRestoresTheOuterOne() {
        StepArrays outer = new StepArrays();
        StepArrays inner = new StepArrays();
        try (StepArrays.Pass p = outer.begin()) {
            assertThrows(IllegalStateException.class, outer::begin);
            try (StepArrays.Pass q = inner.begin()) {
                StepArrays.uninitialized(DataType.FLOAT, 3);
            }
            StepArrays.uninitialized(DataType.FLOAT, 3);
        }
        assertEquals(1, inner.created());
        assertEquals(1, outer.created());
        INDArray a = StepArrays.uninitialized(DataType.FLOAT, 3);
        INDArray b = StepArrays.uninitialized(DataType.FLOAT, 3);
        assertNotSame(a, b, "after the pass, requests allocate again");
    }

    private static INDArray[] pass(StepArrays arrays, long[]... shapes) {
        INDArray[] out = new INDArray[shapes.length];
        try (StepArrays.Pass p = arrays.begin()) {
            for (int i = 0; i < shapes.length; i++) {
                out[i] = StepArrays.uninitialized(DataType.FLOAT, shapes[i]);
            }
        }
        return out;
    }
}
