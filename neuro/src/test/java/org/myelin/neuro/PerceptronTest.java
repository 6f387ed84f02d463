package org.myelin.neuro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PerceptronTest {
    private static final INDArray X = Nd4j.createFromArray(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
    private static final INDArray OR = Nd4j.createFromArray(0.0, 1.0, 1.0, 1.0);
    private static final INDArray AND = Nd4j.createFromArray(0.0, 0.0, 0.0, 1.0);
    private static final INDArray XOR = Nd4j.createFromArray(0.0, 1.0, 1.0, 0.0);

    @Test
    void followsTheNotesOrExampleStepByStep() {
        Perceptron p = new Perceptron(new double[] {0.6, -0.2}, -0.1);
        // [1, 0] -> z = 0.5, y = 1, E = 0: no change.
        assertEquals(0.5, p.drive(Nd4j.createFromArray(1.0, 0.0)), 1e-12);
        assertEquals(0, p.update(Nd4j.createFromArray(1.0, 0.0), 1));
        // [0, 1] -> z = -0.3, y = 0, E = 1: w = [0.6, 0.8], b = 0.9.
        assertEquals(-0.3, p.drive(Nd4j.createFromArray(0.0, 1.0)), 1e-12);
        assertEquals(1, p.update(Nd4j.createFromArray(0.0, 1.0), 1));
        assertArrayEquals(new double[] {0.6, 0.8}, p.weights().toDoubleVector(), 1e-12);
        assertEquals(0.9, p.bias(), 1e-12);
        // [0, 0] -> z = 0.9, y = 1, E = -1: w unchanged (x = 0), b = -0.1.
        assertEquals(-1, p.update(Nd4j.createFromArray(0.0, 0.0), 0));
        assertArrayEquals(new double[] {0.6, 0.8}, p.weights().toDoubleVector(), 1e-12);
        assertEquals(-0.1, p.bias(), 1e-12);
        // [1, 1] -> z = 1.3, E = 0; the notes' final w = [0.6, 0.8], b = -0.1 computes OR.
        assertEquals(0, p.update(Nd4j.createFromArray(1.0, 1.0), 1));
        assertEquals(0, p.errors(X, OR));
    }

    @Test
    void learnsOr() {
        Perceptron p = new Perceptron(new double[] {0.6, -0.2}, -0.1);
        int[] history = p.train(X, OR, 20);
        assertEquals(0, history[history.length - 1]);
        assertEquals(0, p.errors(X, OR));
    }

    @Test
    void learnsAnd() {
        Perceptron p = new Perceptron(new double[] {0.6, -0.2}, -0.1);
        int[] history = p.train(X, AND, 50);
        assertEquals(0, history[history.length - 1]);
        assertEquals(0, p.errors(X, AND));
        assertArrayEquals(AND.toDoubleVector(), p.predictAll(X).toDoubleVector(), 0.0);
    }

    @Test
    void neverLearnsXor() {
        Perceptron p = new Perceptron(new double[] {0.6, -0.2}, -0.1);
        int[] history = p.train(X, XOR, 100);
        assertEquals(100, history.length);
        for (int mistakes : history) {
            assertTrue(mistakes > 0);
        }
        assertTrue(p.errors(X, XOR) > 0);
    }

    @Test
    void rejectsATargetOutsideZeroOne() {
        Perceptron p = new Perceptron(new double[] {0.0, 0.0}, 0.0);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> p.update(Nd4j.createFromArray(1.0, 0.0), 2));
        assertTrue(e.getMessage().contains("target"), e.getMessage());
    }

    @Test
    void rejectsInputOfTheWrongWidth() {
        Perceptron p = new Perceptron(new double[] {0.0, 0.0}, 0.0);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> p.predict(Nd4j.createFromArray(1.0, 0.0, 1.0)));
        assertTrue(e.getMessage().contains("expected [2]"), e.getMessage());
    }
}
