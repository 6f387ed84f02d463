package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Penalties, clipping and max-norm on small float64 arrays, against hand-computed numbers. */
class RegularizationTest {

    static final double TOL = 1e-15;

    static INDArray m(double[][] a) {
        return Nd4j.createFromArray(a);
    }

    static INDArray v(double... a) {
        return Nd4j.createFromArray(a);
    }

    /** A weight [[1, -2], [3, 0]] with gradient 0.1 everywhere and a bias [5, 5] with gradient 0.2. */
    static Map<String, Tensor> layer() {
        Map<String, Tensor> p = new LinkedHashMap<>();
        Tensor w = Tensor.parameter("layer.weight", m(new double[][] {{1, -2}, {3, 0}}));
        w.setGrad(m(new double[][] {{0.1, 0.1}, {0.1, 0.1}}));
        Tensor b = Tensor.parameter("layer.bias", v(5, 5));
        b.setGrad(v(0.2, 0.2));
        p.put("layer.weight", w);
        p.put("layer.bias", b);
        return p;
    }

    @Test
    void l2AddsTwiceLambdaThetaToWeightGradientsOnly() {
        Map<String, Tensor> p = layer();
        double penalty = new L2Penalty(0.01).apply(p);
        // penalty = 0.01 (1 + 4 + 9 + 0); grad = 0.1 + 0.02 theta
        assertEquals(0.14, penalty, TOL);
        assertEquals(
                m(new double[][] {{0.12, 0.06}, {0.16, 0.1}}),
                p.get("layer.weight").grad());
        assertEquals(v(0.2, 0.2), p.get("layer.bias").grad());
    }

    @Test
    void l2OnAllParametersIncludesBiases() {
        Map<String, Tensor> p = layer();
        double penalty = new L2Penalty(0.01, ParameterSelection.all()).apply(p);
        assertEquals(0.14 + 0.01 * 50, penalty, 1e-15);
        assertEquals(v(0.3, 0.3), p.get("layer.bias").grad());
    }

    @Test
    void l2WithPlainDescentDecaysWeightsByOneMinusTwoLambdaEta() {
        // MIT 6.390 eq. 6.63 (see docs/notes.md): w_t = w_{t-1} (1 - 2 lambda eta) - eta grad_loss; with grad_loss = 0,
        // lambda = 0.1, eta = 0.5: w = [1, -2] (1 - 0.1) = [0.9, -1.8].
        Tensor w = Tensor.parameter("weight", v(1, -2));
        Map<String, Tensor> p = Map.of("weight", w);
        w.setGrad(v(0, 0));
        new L2Penalty(0.1).apply(p);
        new Sgd(p, 0.5).step();
        assertEquals(0.9, w.value().getDouble(0), TOL);
        assertEquals(-1.8, w.value().getDouble(1), TOL);
    }

    @Test
    void l1AddsLambdaSignThetaToWeightGradients() {
        Map<String, Tensor> p = layer();
        double penalty = new L1Penalty(0.01).apply(p);
        // penalty = 0.01 (1 + 2 + 3 + 0); grad = 0.1 + 0.01 sign(theta), sign(0) = 0
        assertEquals(0.06, penalty, TOL);
        INDArray expected = m(new double[][] {{0.11, 0.09}, {0.11, 0.1}});
        assertTrue(
                expected.equalsWithEps(p.get("layer.weight").grad(), TOL),
                "" + p.get("layer.weight").grad());
        assertEquals(v(0.2, 0.2), p.get("layer.bias").grad());
        // a second application reuses the scratch and adds the same amount again
        new L1Penalty(0.01).apply(p);
        new L1Penalty(0.01).apply(p);
        assertEquals(0.13, p.get("layer.weight").grad().getDouble(0, 0), 1e-15);
    }

    @Test
    void penaltiesSkipParametersWithoutGradient() {
        Tensor w = Tensor.parameter("frozen.weight", v(1, 2));
        Map<String, Tensor> p = Map.of("frozen.weight", w);
        assertEquals(0, new L2Penalty(0.5).apply(p), 0);
        assertEquals(0, new L1Penalty(0.5).apply(p), 0);
        assertNull(w.grad());
    }

    @Test
    void maxNormRescalesEachIncomingColumnToAtMostC() {
        // columns (units) of W [in = 2, out = 3]: norms 5, 1, 0; c = 2 rescales only the first, to [1.2, 1.6]
        Tensor w = Tensor.parameter("fc.weight", m(new double[][] {{3, 0.6, 0}, {4, 0.8, 0}}));
        Tensor b = Tensor.parameter("fc.bias", v(10, 10, 10));
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("fc.weight", w);
        p.put("fc.bias", b);
        long rescaled = new MaxNormConstraint(2).apply(p);
        assertEquals(1, rescaled);
        assertTrue(m(new double[][] {{1.2, 0.6, 0}, {1.6, 0.8, 0}}).equalsWithEps(w.value(), 1e-15), "" + w.value());
        assertEquals(v(10, 10, 10), b.value());
    }

    @Test
    void maxNormClampsVectorWeightsElementwise() {
        Tensor g = Tensor.parameter("norm.weight", v(3, -0.5, -2.5));
        assertEquals(2, new MaxNormConstraint(2).apply(Map.of("norm.weight", g)));
        assertEquals(v(2, -0.5, -2), g.value());
    }

    @Test
    void maxNormRejectsHigherRankWeights() {
        Tensor k = Tensor.parameter("conv.weight", Nd4j.zeros(2, 2, 2));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> new MaxNormConstraint(1).apply(Map.of("conv.weight", k)));
        assertEquals(
                "MaxNormConstraint: parameter 'conv.weight' has shape [2, 2, 2], expected a weight [in, out]"
                        + " or a vector [n]",
                e.getMessage());
    }

    @Test
    void clipByValueClampsEveryElementAndReportsTheLargest() {
        Map<String, Tensor> p = layer();
        p.get("layer.weight").setGrad(m(new double[][] {{1.0, -2.0}, {0.3, -0.1}}));
        p.get("layer.bias").setGrad(v(0.7, -0.2));
        double largest = new ClipByValue(0.5).apply(p);
        assertEquals(2.0, largest, 0);
        assertEquals(
                m(new double[][] {{0.5, -0.5}, {0.3, -0.1}}),
                p.get("layer.weight").grad());
        assertEquals(v(0.5, -0.2), p.get("layer.bias").grad());
    }

    @Test
    void clipByGlobalNormScalesAllGradientsByCOverNorm() {
        // ||[3, 0]||^2 + ||[0, 4]||^2 = 25, norm 5; c = 1 scales by 0.2
        Map<String, Tensor> p = layer();
        p.get("layer.weight").setGrad(m(new double[][] {{3, 0}, {0, 0}}));
        p.get("layer.bias").setGrad(v(0, 4));
        assertEquals(5.0, new ClipByGlobalNorm(1.0).apply(p), TOL);
        assertTrue(m(new double[][] {{0.6, 0}, {0, 0}})
                .equalsWithEps(p.get("layer.weight").grad(), TOL));
        assertTrue(v(0, 0.8).equalsWithEps(p.get("layer.bias").grad(), TOL));
        assertEquals(1.0, ClipByGlobalNorm.globalNorm(p), 1e-15);
    }

    @Test
    void clipByGlobalNormLeavesSmallGradientsAlone() {
        Map<String, Tensor> p = layer();
        p.get("layer.weight").setGrad(m(new double[][] {{3, 0}, {0, 0}}));
        p.get("layer.bias").setGrad(v(0, 4));
        assertEquals(5.0, new ClipByGlobalNorm(10).apply(p), TOL);
        assertEquals(v(0, 4), p.get("layer.bias").grad());
    }

    @Test
    void clipByGlobalNormReportsNonFiniteNormWithoutScaling() {
        Map<String, Tensor> p = layer();
        p.get("layer.bias").setGrad(v(Double.NaN, 4));
        assertTrue(Double.isNaN(new ClipByGlobalNorm(1).apply(p)));
        assertEquals(
                m(new double[][] {{0.1, 0.1}, {0.1, 0.1}}),
                p.get("layer.weight").grad());
    }
}
