package org.myelin.cli;

import static org.myelin.ops.Ops.biasAdd;
import static org.myelin.ops.Ops.binaryCrossEntropyWithLogits;
import static org.myelin.ops.Ops.matmul;
import static org.myelin.ops.Ops.tanh;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code myelin demo}: a 2-4-1 network learning XOR through the bare autodiff API (tanh hidden layer, logistic
 * output with cross-entropy, full-batch gradient descent), printing the loss as it falls and the predictions.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Learn XOR with a 2-4-1 network through the autodiff API.",
            "Prints the loss as it falls and the predictions."
        })
final class DemoCommand implements Callable<Integer> {
    @ParentCommand
    MyelinCommand myelin;

    @Override
    public Integer call() {
        PrintStream out = myelin.out();
        INDArray x = Nd4j.create(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        INDArray t = Nd4j.create(new double[][] {{0}, {1}, {1}, {0}});
        var rng = Nd4j.getRandomFactory().getNewRandomInstance(7);
        Tensor w1 = Tensor.parameter("w1", rng.nextGaussian(new long[] {2, 4}).castTo(DataType.DOUBLE));
        Tensor b1 = Tensor.parameter("b1", Nd4j.zeros(DataType.DOUBLE, 4));
        Tensor w2 = Tensor.parameter("w2", rng.nextGaussian(new long[] {4, 1}).castTo(DataType.DOUBLE));
        Tensor b2 = Tensor.parameter("b2", Nd4j.zeros(DataType.DOUBLE, 1));
        Tensor[] params = {w1, b1, w2, b2};
        Tensor input = Tensor.constant(x);
        Tensor target = Tensor.constant(t);
        double lr = 0.5;
        Tensor logits = null;
        for (int epoch = 0; epoch <= 2000; epoch++) {
            logits = biasAdd(matmul(tanh(biasAdd(matmul(input, w1), b1)), w2), b2);
            Tensor loss = binaryCrossEntropyWithLogits(logits, target);
            if (epoch % 250 == 0) {
                out.printf("epoch %4d  loss %.5f%n", epoch, loss.item());
            }
            loss.backward();
            try (var scope = Autograd.noGrad()) {
                for (Tensor p : params) {
                    p.value().subi(p.grad().mul(lr));
                    p.zeroGrad();
                }
            }
        }
        INDArray p = Transforms.sigmoid(logits.value(), true);
        out.println("x1 x2 -> p(1)");
        for (int i = 0; i < 4; i++) {
            out.printf(" %d  %d -> %.3f%n", x.getInt(i, 0), x.getInt(i, 1), p.getDouble(i, 0));
        }
        return 0;
    }
}
