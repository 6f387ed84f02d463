package org.myelin.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.myelin.autodiff.Tensor;
import org.myelin.ops.Ops;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every optimiser trains XOR (Oxford ML: not linearly separable, needs the hidden layer; see docs/notes.md) with a
 * 2-4-1 net, tanh hidden units and a logistic output (fused into the Bernoulli cross-entropy on logits), full batch,
 * fixed initial weights: mean cross-entropy below 0.05 and all four points classified right within 500 steps (each
 * needs 50-200 with these rates).
 */
class XorTrainingTest {

    static final double TARGET_LOSS = 0.05;
    static final int BUDGET = 500;

    static Stream<Arguments> optimisers() {
        return Stream.of(
                Arguments.of("sgd", Map.of("learning_rate", 0.5)),
                Arguments.of("momentum", Map.of("learning_rate", 0.1, "form", "heavy_ball", "momentum", 0.9)),
                Arguments.of("momentum", Map.of("learning_rate", 0.1, "form", "friction", "r", 0.1)),
                Arguments.of("momentum", Map.of("learning_rate", 1.0, "form", "convex", "beta", 0.9)),
                Arguments.of("nesterov", Map.of("learning_rate", 0.1, "momentum", 0.9)),
                Arguments.of("adagrad", Map.of("learning_rate", 0.3)),
                Arguments.of("rmsprop", Map.of("learning_rate", 0.01)),
                Arguments.of("adadelta", Map.of("learning_rate", 1.0, "eps", 1e-4)),
                Arguments.of("adam", Map.of("learning_rate", 0.05)),
                Arguments.of("adamw", Map.of("learning_rate", 0.05, "weight_decay", 0.001)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("optimisers")
    void trainsXor(String name, Map<String, Object> hyper) {
        Random rng = new Random(42);
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("hidden.weight", Tensor.parameter("hidden.weight", gaussian(rng, 2, 4)));
        params.put("hidden.bias", Tensor.parameter("hidden.bias", Nd4j.zeros(DataType.DOUBLE, 4)));
        params.put("out.weight", Tensor.parameter("out.weight", gaussian(rng, 4, 1)));
        params.put("out.bias", Tensor.parameter("out.bias", Nd4j.zeros(DataType.DOUBLE, 1)));
        Tensor x = Tensor.constant(Nd4j.createFromArray(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}));
        Tensor t = Tensor.constant(Nd4j.createFromArray(new double[][] {{0}, {1}, {1}, {0}}));
        Optimizer opt = Optimizers.create(name, hyper, params);

        double loss = Double.NaN;
        int step = 0;
        INDArray logits = null;
        while (step < BUDGET) {
            Tensor h = Ops.tanh(Ops.biasAdd(Ops.matmul(x, params.get("hidden.weight")), params.get("hidden.bias")));
            Tensor z = Ops.biasAdd(Ops.matmul(h, params.get("out.weight")), params.get("out.bias"));
            Tensor l = Ops.binaryCrossEntropyWithLogits(z, t);
            loss = l.item();
            logits = z.value();
            if (loss < TARGET_LOSS) {
                break;
            }
            opt.zeroGrad();
            l.backward();
            opt.step();
            step++;
        }
        assertTrue(
                loss < TARGET_LOSS,
                name + " " + hyper + ": loss " + loss + " after " + step + " steps, expected < " + TARGET_LOSS);
        INDArray predicted = logits.gt(0).castTo(DataType.DOUBLE);
        assertEquals(t.value(), predicted, name + ": predictions " + predicted + " at loss " + loss);
    }

    static INDArray gaussian(Random rng, int rows, int cols) {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                a[i][j] = rng.nextGaussian();
            }
        }
        return Nd4j.createFromArray(a);
    }
}
