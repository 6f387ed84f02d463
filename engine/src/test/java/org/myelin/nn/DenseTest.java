package org.myelin.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.myelin.autodiff.GradCheck;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DenseTest {

    private static Dense handSetLayer() {
        Dense d = new Dense(2, 3, DataType.DOUBLE, 0);
        d.weight().value().assign(Nd4j.createFromArray(new double[][] {{1, 0, -1}, {2, 1, 0.5}}));
        d.bias().value().assign(Nd4j.createFromArray(0.1, 0.2, 0.3));
        return d;
    }

    private static final INDArray X = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}, {-1, 0}});

    @Test
    void forwardComputesXWPlusB() {
        Tensor z = handSetLayer().forward(Tensor.constant(X));
        INDArray expected = Nd4j.createFromArray(new double[][] {{5.1, 2.2, 0.3}, {11.1, 4.2, -0.7}, {-0.9, 0.2, 1.3}});
        assertTrue(expected.equalsWithEps(z.value(), 1e-12), z.value().toString());
    }

    @Test
    void backwardGivesHandComputedGradients() {
        Dense d = handSetLayer();
        Tensor x = Tensor.parameter(X.dup());
        Ops.sum(d.forward(x)).backward();
        // dZ = ones: dW = X^T 1 = column sums of X per row of W, db = B, dX = 1 W^T = row sums of W.
        assertEquals(
                Nd4j.createFromArray(new double[][] {{3, 3, 3}, {6, 6, 6}}),
                d.weight().grad());
        assertEquals(Nd4j.createFromArray(3.0, 3.0, 3.0), d.bias().grad());
        assertEquals(Nd4j.createFromArray(new double[][] {{0, 3.5}, {0, 3.5}, {0, 3.5}}), x.grad());
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void gradCheckPassesOnParametersAndInput(boolean bias) {
        Dense d = Dense.builder(4, 3)
                .optBias(bias)
                .optDataType(DataType.DOUBLE)
                .optSeed(3)
                .optBiasInit(Inits.normal(0, 0.5))
                .build();
        INDArray x = Nd4j.getRandomFactory()
                .getNewRandomInstance(9)
                .nextGaussian(new long[] {5, 4})
                .castTo(DataType.DOUBLE);
        double err = ModuleGradCheck.worstError(d, x, 17);
        assertTrue(err < 1e-6, "worst error " + err);
    }

    @Test
    void autodiffGradCheckPassesThroughTheLayerForItsInput() {
        Dense d = Dense.builder(3, 2)
                .optDataType(DataType.DOUBLE)
                .optSeed(4)
                .optBiasInit(Inits.uniform(-1, 1))
                .build();
        INDArray x = Nd4j.createFromArray(new double[][] {{0.5, -1.2, 2.0}, {1.5, 0.3, -0.7}});
        GradCheck.Result r = GradCheck.check(t -> Ops.tanh(d.forward(t[0])), x);
        assertTrue(r.passed(1e-7), r.toString());
        assertEquals(6, r.checked());
    }

    @Test
    void parametersAreNamedWeightAndBiasWithRowMajorShapes() {
        Dense d = new Dense(5, 2, DataType.FLOAT, 1);
        assertEquals(List.of("weight", "bias"), List.copyOf(d.namedParameters().keySet()));
        assertArrayEquals(new long[] {5, 2}, d.weight().shape());
        assertArrayEquals(new long[] {2}, d.bias().shape());
        assertEquals(DataType.FLOAT, d.weight().dataType());
        assertEquals(12, d.parameterCount());
        assertArrayEquals(
                new long[] {7, 2},
                d.forward(Tensor.constant(Nd4j.ones(DataType.FLOAT, 7, 5))).shape());

        Dense noBias = Dense.builder(5, 2).optBias(false).build();
        assertNull(noBias.bias());
        assertEquals(List.of("weight"), List.copyOf(noBias.namedParameters().keySet()));
    }

    @Test
    void defaultInitialisationIsXavierUniformWithZeroBias() {
        Dense d = new Dense(300, 200, DataType.DOUBLE, 5);
        double a = Math.sqrt(6.0 / 500);
        INDArray w = d.weight().value();
        assertTrue(w.maxNumber().doubleValue() <= a && w.minNumber().doubleValue() >= -a);
        assertEquals(a / Math.sqrt(3), w.stdNumber().doubleValue(), 0.02 * a);
        assertEquals(Nd4j.zeros(DataType.DOUBLE, 200), d.bias().value());
        assertEquals(Inits.xavierUniform(), d.weightInit());
    }

    @Test
    void sameSeedGivesBitIdenticalParametersAndResetRestoresThem() {
        Dense a = new Dense(20, 10, DataType.FLOAT, 42);
        Dense b = new Dense(20, 10, DataType.FLOAT, 42);
        Dense c = new Dense(20, 10, DataType.FLOAT, 43);
        assertEquals(a.weight().value(), b.weight().value());
        assertNotEquals(a.weight().value(), c.weight().value());

        INDArray original = a.weight().value().dup();
        Tensor before = a.weight();
        a.weight().value().addi(1.0);
        a.resetParameters(42);
        assertEquals(original, a.weight().value());
        assertTrue(before == a.weight(), "reset must update the parameter in place");
    }

    @Test
    void biasInitialiserFillsTheBias() {
        Dense d = Dense.builder(3, 4).optBiasInit(Inits.reluBias()).build();
        assertEquals(
                Nd4j.valueArrayOf(new long[] {4}, Inits.RELU_BIAS, DataType.FLOAT),
                d.bias().value());
    }

    @Test
    void wrongInputWidthIsRejectedNamingTheLayer() {
        Dense d = new Dense(784, 512, DataType.FLOAT, 0);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> d.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 32, 783))));
        assertEquals("Dense[784->512]: input has shape [32, 783], expected [*, 784]", e.getMessage());
        IllegalArgumentException rank = assertThrows(
                IllegalArgumentException.class, () -> d.forward(Tensor.constant(Nd4j.zeros(DataType.FLOAT, 784))));
        assertEquals("Dense[784->512]: input has shape [784], expected [*, 784]", rank.getMessage());
    }

    @Test
    void wrongInputTypeIsRejectedNamingTheLayer() {
        Dense d = new Dense(2, 3, DataType.FLOAT, 0);
        assertEquals(
                "Dense[2->3]: input has data type DOUBLE, expected FLOAT (the layer's parameters)",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> d.forward(Tensor.constant(Nd4j.zeros(DataType.DOUBLE, 1, 2))))
                        .getMessage());
    }

    @Test
    void invalidSizesAndTypesAreRejected() {
        assertEquals(
                "Dense: sizes must be > 0, was in = 0, out = 3",
                assertThrows(IllegalArgumentException.class, () -> new Dense(0, 3, DataType.FLOAT, 0))
                        .getMessage());
        assertEquals(
                "Dense: sizes must be > 0, was in = 2, out = -1",
                assertThrows(IllegalArgumentException.class, () -> new Dense(2, -1, DataType.FLOAT, 0))
                        .getMessage());
        assertEquals(
                "Dense[2->3]: data type must be FLOAT (float32) or DOUBLE (float64), was INT",
                assertThrows(IllegalArgumentException.class, () -> new Dense(2, 3, DataType.INT, 0))
                        .getMessage());
    }

    @Test
    void configDescribesTheLayer() {
        Dense d = Dense.builder(4, 2)
                .optBias(false)
                .optDataType(DataType.DOUBLE)
                .optWeightInit(Inits.heNormal())
                .build();
        assertEquals(
                "{type=dense, in=4, out=2, bias=false, data_type=float64, weight_init=he_normal, bias_init=zeros}",
                d.config().toString());
    }
}
