package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Plain (stochastic, mini-batch or batch) gradient descent: {@code w <- w - eta g} (CS 489 §8; MIT 6.390 §6.5.1;
 * the batch size is the trainer's business; see docs/notes.md), PyTorch's {@code torch.optim.SGD} without momentum
 * (docs/optimizers.md). No state.
 */
public final class Sgd extends Optimizer {

    /** Hyper-parameters: the learning rate {@code eta > 0}. Default 0.01. */
    public record Hyper(Double learningRate) {
        public Hyper {
            learningRate = Preconditions.positive("Sgd", "learning rate", learningRate == null ? 0.01 : learningRate);
        }

        public static Hyper defaults() {
            return new Hyper(null);
        }
    }

    /** Typed builder: {@code Optimizers.sgd().learningRate(0.1).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, Sgd> {
        Builder() {
            super("sgd");
        }

        public Builder learningRate(double v) {
            return set("learningRate", v);
        }
    }

    private final Hyper hyper;

    public Sgd(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("Sgd", hyper).learningRate());
        this.hyper = hyper;
    }

    public Sgd(Map<String, Tensor> parameters, double learningRate) {
        this(parameters, new Hyper(learningRate));
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        SgdRule.apply(param, grad, learningRate());
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("sgd", hyper);
    }
}
