package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * RMSprop ({@link RmsPropRule}): {@code s <- rho s + (1 - rho) g^2; w <- w - lr g / (sqrt(s) + eps)}, eps outside
 * the root, as PyTorch's {@code torch.optim.RMSprop} (alpha = rho), not centered, without momentum
 * (docs/optimizers.md). State per
 * parameter: slot {@code "mean_sq"} (s).
 */
public final class RmsProp extends Optimizer {

    /** Hyper-parameters: learning rate {@code > 0}, decay {@code rho} in [0, 1), {@code eps > 0}. PyTorch defaults: 0.01, 0.99, 1e-8. */
    public record Hyper(Double learningRate, Double rho, Double eps) {
        public Hyper {
            learningRate =
                    Preconditions.positive("RmsProp", "learning rate", learningRate == null ? 0.01 : learningRate);
            rho = Preconditions.unitHalfOpen("RmsProp", "rho", rho == null ? 0.99 : rho);
            eps = Preconditions.positive("RmsProp", "eps", eps == null ? 1e-8 : eps);
        }

        public static Hyper defaults() {
            return new Hyper(null, null, null);
        }
    }

    /** Typed builder: {@code Optimizers.rmsprop().learningRate(0.1).rho(0.9).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, RmsProp> {
        Builder() {
            super("rmsprop");
        }

        public Builder learningRate(double v) {
            return set("learningRate", v);
        }

        public Builder rho(double v) {
            return set("rho", v);
        }

        public Builder eps(double v) {
            return set("eps", v);
        }
    }

    private final Hyper hyper;

    public RmsProp(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("RmsProp", hyper).learningRate(), "mean_sq");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        RmsPropRule.apply(
                param, grad, slot(name, "mean_sq"), scratch(name, 0), learningRate(), hyper.rho(), hyper.eps());
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("rmsprop", hyper);
    }
}
