package org.myelin.onnx;

import java.util.ArrayList;
import java.util.List;
import org.myelin.nn.ActivationLayer;
import org.myelin.nn.BatchNorm;
import org.myelin.nn.Dense;
import org.myelin.nn.Dropout;
import org.myelin.nn.LayerNorm;
import org.myelin.nn.Module;
import org.myelin.nn.Sequential;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Models with every exportable layer, with non-trivial parameters and running statistics. */
final class Fixtures {

    private Fixtures() {}

    /** Every activation Myelin has. */
    static List<Activation> activations() {
        return List.of(
                Activations.RELU,
                Activations.LOGISTIC,
                Activations.TANH,
                Activations.ARCTAN,
                Activations.IDENTITY,
                Activations.leakyRelu(0.2),
                Activations.SOFTMAX,
                Activations.ONE_HOT,
                Activations.THRESHOLD);
    }

    /** Every layer type: Dense (with and without bias), BatchNorm, activation, Dropout, LayerNorm, softmax. */
    static Sequential allLayers(DataType type, long seed) {
        Sequential m = new Sequential(
                new Dense(6, 8, false, type, Dense.DEFAULT_WEIGHT_INIT, Dense.DEFAULT_BIAS_INIT, seed),
                new BatchNorm(8, 1e-3, 0.2, type),
                new ActivationLayer(Activations.RELU),
                new Dropout(0.3, seed),
                new Dense(8, 5, type, seed + 1),
                new LayerNorm(5, 1e-4, type),
                new ActivationLayer(Activations.TANH),
                new Dense(5, 4, type, seed + 2),
                new ActivationLayer(Activations.SOFTMAX));
        randomize(m, seed);
        return m;
    }

    /** Random values in every parameter and buffer (variances positive), so no layer is an identity by accident. */
    static void randomize(Module m, long seed) {
        Nd4j.getRandom().setSeed(seed);
        m.namedParameters()
                .forEach((name, t) ->
                        t.value().assign(Nd4j.randn(t.dataType(), t.shape()).muli(0.7)));
        m.namedBuffers().forEach((name, b) -> {
            INDArray r = Nd4j.rand(b.dataType(), b.shape());
            b.assign(name.endsWith("Variance") ? r.addi(0.2) : r.subi(0.5));
        });
    }

    /** Inputs uniform in [-2, 2). */
    static INDArray input(DataType type, long rows, long cols, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(type, rows, cols).muli(4).subi(2);
    }

    /** A list of one layer's worth of models: Dense then each activation. */
    static List<Sequential> denseThenEachActivation(DataType type) {
        List<Sequential> out = new ArrayList<>();
        int i = 0;
        for (Activation f : activations()) {
            Sequential m = new Sequential(new Dense(6, 5, type, 10 + i++), new ActivationLayer(f));
            randomize(m, i);
            out.add(m);
        }
        return out;
    }
}
