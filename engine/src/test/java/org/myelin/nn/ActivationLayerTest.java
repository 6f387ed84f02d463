package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ActivationLayerTest {
    private static final INDArray Z = Nd4j.createFromArray(new double[][] {{-2, -0.5, 0, 1.5}, {3, 0.25, -1, 2}});

    @ParameterizedTest
    @ValueSource(
            strings = {
                "logistic",
                "tanh",
                "arctan",
                "threshold",
                "relu",
                "leaky_relu(0.1)",
                "identity",
                "softmax",
                "one_hot"
            })
    void layerAppliesItsActivationAndRebuildsFromItsName(String name) {
        Activation f = Activations.byName(name);
        ActivationLayer layer = new ActivationLayer(f);
        assertEquals(f.forward(Z), layer.forward(Tensor.constant(Z)).value());
        assertEquals(0, layer.parameterCount());
        assertEquals(Map.of("type", "activation", "activation", f.name()), layer.config());
        ActivationLayer rebuilt = (ActivationLayer) Modules.fromConfig(layer.config());
        assertEquals(f.name(), rebuilt.activation().name());
        assertEquals(f.forward(Z), rebuilt.forward(Tensor.constant(Z)).value());
    }

    @Test
    void reluAndLogisticLayersMatchHandValues() {
        INDArray relu = ActivationLayer.of("relu").forward(Tensor.constant(Z)).value();
        assertEquals(Nd4j.createFromArray(new double[][] {{0, 0, 0, 1.5}, {3, 0.25, 0, 2}}), relu);
        INDArray logistic =
                ActivationLayer.of("logistic").forward(Tensor.constant(Z)).value();
        assertEquals(0.5, logistic.getDouble(0, 2), 1e-15);
        assertEquals(1 / (1 + Math.exp(2)), logistic.getDouble(0, 0), 1e-15);
    }

    @Test
    void gradientFlowsThroughTheLayer() {
        Tensor z = Tensor.parameter(Z.dup());
        org.myelin.ops.Ops.sum(ActivationLayer.of("relu").forward(z)).backward();
        assertEquals(Nd4j.createFromArray(new double[][] {{0, 0, 1, 1}, {1, 1, 0, 1}}), z.grad());
    }

    @Test
    void unknownActivationIsRejected() {
        String m = assertThrows(IllegalArgumentException.class, () -> ActivationLayer.of("swish"))
                .getMessage();
        assertTrue(m.startsWith("unknown activation 'swish'"), m);
        assertThrows(IllegalArgumentException.class, () -> new ActivationLayer(null));
    }
}
