package org.myelin.benchmarks.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConvNetTest {

    @Test
    void parameterCountsMatchTheEnginesModels() {
        // Models.smallCnn (without its parameter-free dropout) and Models.lenet5 state these counts in their Javadoc.
        assertEquals(1_199_882, ConvNet.SMALL_CNN.parameterCount());
        assertEquals(61_706, ConvNet.LENET5.parameterCount());
    }

    @Test
    void shapesFollowTheConvolutionsAndPoolings() {
        List<int[]> s = ConvNet.LENET5.shapes();
        assertArrayEquals(new int[] {6, 28, 28}, s.get(1), "'same' 5x5 keeps 28x28");
        assertArrayEquals(new int[] {6, 14, 14}, s.get(2));
        assertArrayEquals(new int[] {16, 10, 10}, s.get(3));
        assertArrayEquals(new int[] {16, 5, 5}, s.get(4));
        assertArrayEquals(new long[] {400, 120}, ConvNet.LENET5.weightShapes().get(2));
        assertArrayEquals(new long[] {6, 1, 5, 5}, ConvNet.LENET5.weightShapes().get(0));
    }

    @Test
    void gemmShapesOfTheSmallCnnStep() {
        // conv2 of the small CNN at batch 2: K = 32 * 3 * 3 = 288, P = 2 * 24 * 24 = 1152.
        List<int[]> g = ConvNet.SMALL_CNN.gemmShapes(2, true);
        // conv1: forward + dW (its input needs no gradient); conv2, dense 128, dense 10: forward + dW + dX.
        assertEquals(2 + 3 + 3 + 3, g.size());
        assertArrayEquals(new int[] {64, 1152, 288, 0, 0}, g.get(2));
        assertArrayEquals(new int[] {64, 288, 1152, 0, 1}, g.get(3));
        assertArrayEquals(new int[] {288, 1152, 64, 1, 0}, g.get(4));
        assertEquals(4, ConvNet.SMALL_CNN.gemmShapes(2, false).size());
        double forward = 2.0 * 2 * (32 * 26 * 26 * 9 + 64 * 24 * 24 * 288 + 9216 * 128 + 128 * 10);
        assertEquals(forward, ConvNet.SMALL_CNN.gemmFlops(2, false), 1e-6 * forward);
    }

    @Test
    void cnnWorkloadsShareOneExchangePerNetwork() {
        Workload a = Workload.byName("cnn-adam-64");
        Workload b = Workload.byName("cnn-infer-256");
        assertEquals("cnn", a.exchangeKey());
        assertEquals(a.exchangeKey(), b.exchangeKey());
        assertEquals("lenet", Workload.byName("lenet-adam-128").exchangeKey());
        assertEquals("784-512-256-10", Workload.byName("mlp-adam-128").exchangeKey());
        assertEquals(4, a.layers());
        assertEquals(10, a.classes());
        assertTrue(Workload.cnns().stream().allMatch(Workload::isConv));
        assertEquals(Workload.Kind.TRAIN, Workload.byName("tiny-cnn-adam").kind());
    }

    @Test
    void aNetworkMustEndInADenseLayer() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new ConvNet("bad", 1, 8, 8, List.of(new ConvNet.Conv(2, 3, false))));
        assertTrue(e.getMessage().contains("last layer must be Dense"), e.getMessage());
    }
}
