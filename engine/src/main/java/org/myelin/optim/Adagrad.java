package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adagrad ({@link AdagradRule}): {@code G <- G + g^2; w <- w - lr g / (sqrt(G) + eps)}, eps outside the root, as
 * PyTorch's {@code torch.optim.Adagrad} with no learning-rate decay and a zero initial accumulator
 * (docs/optimizers.md). State per parameter:
 * slot {@code "sum_sq"} (G).
 */
public final class Adagrad extends Optimizer {

    /** Hyper-parameters: learning rate {@code > 0}, {@code eps > 0}. PyTorch defaults: 0.01, 1e-10. */
    public record Hyper(Double learningRate, Double eps) {
        public Hyper {
            learningRate =
                    Preconditions.positive("Adagrad", "learning rate", learningRate == null ? 0.01 : learningRate);
            eps = Preconditions.positive("Adagrad", "eps", eps == null ? 1e-10 : eps);
        }

        public static Hyper defaults() {
            return new Hyper(null, null);
        }
    }

    /** Typed builder: {@code Optimizers.adagrad().learningRate(0.1).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, Adagrad> {
        Builder() {
            super("adagrad");
        }

        public Builder learningRate(double v) {
            return set("learningRate", v);
        }

        public Builder eps(double v) {
            return set("eps", v);
        }
    }

    private final Hyper hyper;

    public Adagrad(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("Adagrad", hyper).learningRate(), "sum_sq");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        AdagradRule.apply(param, grad, slot(name, "sum_sq"), scratch(name, 0), learningRate(), hyper.eps());
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("adagrad", hyper);
    }
}
