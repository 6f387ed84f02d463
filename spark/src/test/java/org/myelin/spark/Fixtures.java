package org.myelin.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.myelin.autodiff.Tensor;
import org.myelin.data.Dataset;
import org.myelin.data.Synthetic;
import org.myelin.nn.Models;
import org.myelin.nn.Module;
import org.myelin.optim.Optimizer;
import org.myelin.optim.Optimizers;
import org.myelin.train.LossFunction;
import org.myelin.train.Trainer;
import org.myelin.train.TrainingOptions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared data, models and comparisons of the Spark tests. */
final class Fixtures {
    private Fixtures() {}

    /** Two moons, one-hot, with a partial last batch for batch 32. */
    static Dataset moons(int n, DataType type) {
        return Synthetic.twoMoons(n, 0.1, 7, type).asOneHot();
    }

    static Module mlp(DataType type, long seed) {
        return Models.mlpBuilder(2, 16, 16, 2).optDataType(type).optSeed(seed).build();
    }

    static Optimizer adam(Module m) {
        return Optimizers.create("adam", Map.of("learning_rate", 0.01), m.namedParameters());
    }

    /** The engine's single-machine training of {@code model} on {@code data}. */
    static void trainLocally(Module model, Optimizer o, Dataset data, TrainingOptions options) {
        new Trainer(model, LossFunction.SOFTMAX_CROSS_ENTROPY, o, options, List.of()).fit(data, null);
    }

    static List<INDArray> values(Module m) {
        List<INDArray> out = new ArrayList<>();
        for (Tensor t : m.namedParameters().values()) {
            out.add(t.value());
        }
        return out;
    }

    /** The largest absolute difference between same-named parameters of two models. */
    static double maxDifference(Module a, Module b) {
        double worst = 0;
        for (Map.Entry<String, Tensor> e : a.namedParameters().entrySet()) {
            INDArray x = e.getValue().value().castTo(DataType.DOUBLE);
            INDArray y = b.namedParameters().get(e.getKey()).value().castTo(DataType.DOUBLE);
            worst = Math.max(worst, x.sub(y).amaxNumber().doubleValue());
        }
        return worst;
    }

    /** Whether every parameter of the two models is bit for bit the same. */
    static boolean identical(Module a, Module b) {
        for (Map.Entry<String, Tensor> e : a.namedParameters().entrySet()) {
            if (!e.getValue().value().equals(b.namedParameters().get(e.getKey()).value())) {
                return false;
            }
        }
        return true;
    }
}
