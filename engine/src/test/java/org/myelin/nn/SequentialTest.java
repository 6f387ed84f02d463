package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Activations;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SequentialTest {

    @Test
    void childrenAreNamedByIndexAndParametersByDottedPath() {
        Sequential s = new Sequential(
                new Dense(3, 4, DataType.FLOAT, 1),
                new BatchNorm(4, DataType.FLOAT),
                new ActivationLayer(Activations.RELU),
                new Dense(4, 2, DataType.FLOAT, 2));
        assertEquals(List.of("0", "1", "2", "3"), List.copyOf(s.children().keySet()));
        assertEquals(
                List.of("0.weight", "0.bias", "1.gain", "1.shift", "3.weight", "3.bias"),
                List.copyOf(s.namedParameters().keySet()));
        assertEquals(
                List.of("1.runningMean", "1.runningVariance"),
                List.copyOf(s.namedBuffers().keySet()));
        assertEquals(4, s.size());
    }

    @Test
    void aDenseLayerAndItsActivationRunAsOneFusedOpWithTheSameGradients() {
        Dense a = new Dense(3, 4, DataType.DOUBLE, 1);
        Dense b = new Dense(4, 3, DataType.DOUBLE, 2);
        Sequential s =
                new Sequential(a, new ActivationLayer(Activations.RELU), b, new ActivationLayer(Activations.SOFTMAX));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 3).subi(0.5);
        INDArray g = Nd4j.rand(DataType.DOUBLE, 5, 3);
        Tensor out = s.forward(Tensor.constant(x));
        String pair = new Sequential(a, new ActivationLayer(Activations.RELU))
                .forward(Tensor.constant(x))
                .toString();
        assertTrue(pair.contains("FusedDense[relu] output"), pair);
        out.backward(g);
        java.util.Map<String, INDArray> fused = new java.util.LinkedHashMap<>();
        s.namedParameters().forEach((k, p) -> fused.put(k, p.grad().dup()));
        s.zeroGrad();

        Tensor plain = Ops.softmax(Ops.biasAdd(
                Ops.matmul(Ops.relu(Ops.biasAdd(Ops.matmul(Tensor.constant(x), a.weight()), a.bias())), b.weight()),
                b.bias()));
        assertTrue(plain.value().equalsWithEps(out.value(), 1e-12));
        plain.backward(g);
        s.namedParameters().forEach((k, p) -> assertTrue(p.grad().equalsWithEps(fused.get(k), 1e-12), k));
    }

    @Test
    void forwardAppliesLayersInOrder() {
        Dense a = new Dense(3, 4, DataType.DOUBLE, 1);
        Dense b = new Dense(4, 2, DataType.DOUBLE, 2);
        Sequential s = new Sequential(a, new ActivationLayer(Activations.TANH), b);
        Tensor x = Tensor.constant(Nd4j.rand(DataType.DOUBLE, 5, 3));
        INDArray expected = Ops.biasAdd(
                        Ops.matmul(Ops.tanh(Ops.biasAdd(Ops.matmul(x, a.weight()), a.bias())), b.weight()), b.bias())
                .value();
        assertEquals(expected, s.forward(x).value());
    }

    @Test
    void modeSwitchReachesEveryChild() {
        Dropout d = new Dropout(0.5, 1);
        Sequential s = new Sequential(new Sequential(d));
        s.eval();
        assertFalse(d.isTraining());
        s.train();
        assertTrue(d.isTraining());
    }

    @Test
    void emptyOrNullLayersAreRejected() {
        assertEquals(
                "Sequential: needs at least one layer, was given none",
                assertThrows(IllegalArgumentException.class, () -> new Sequential())
                        .getMessage());
        assertEquals(
                "Sequential: layer 1 is null",
                assertThrows(IllegalArgumentException.class, () -> new Sequential(new Dropout(0.1, 1), null))
                        .getMessage());
    }
}
