package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adadelta ({@link AdadeltaRule}; MIT 6.390 §6.7.2; see docs/notes.md), as PyTorch's {@code torch.optim.Adadelta}: eps
 * inside both roots, the step scaled by {@code lr} (docs/optimizers.md). State per parameter: slots
 * {@code "mean_sq_grad"} (E[g^2]) and {@code "mean_sq_delta"} (E[dw^2]).
 */
public final class Adadelta extends Optimizer {

    /**
     * Hyper-parameters: learning rate (a factor on the Adadelta step, 1 in the paper) {@code > 0}, decay
     * {@code rho} in [0, 1), {@code eps > 0}. PyTorch defaults: 1.0, 0.9, 1e-6.
     */
    public record Hyper(Double learningRate, Double rho, Double eps) {
        public Hyper {
            learningRate =
                    Preconditions.positive("Adadelta", "learning rate", learningRate == null ? 1.0 : learningRate);
            rho = Preconditions.unitHalfOpen("Adadelta", "rho", rho == null ? 0.9 : rho);
            eps = Preconditions.positive("Adadelta", "eps", eps == null ? 1e-6 : eps);
        }

        public static Hyper defaults() {
            return new Hyper(null, null, null);
        }
    }

    /** Typed builder: {@code Optimizers.adadelta().learningRate(0.1).rho(0.9).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, Adadelta> {
        Builder() {
            super("adadelta");
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

    public Adadelta(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("Adadelta", hyper).learningRate(), "mean_sq_grad", "mean_sq_delta");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        AdadeltaRule.apply(
                param,
                grad,
                slot(name, "mean_sq_grad"),
                slot(name, "mean_sq_delta"),
                scratch(name, 0),
                scratch(name, 1),
                learningRate(),
                hyper.rho(),
                hyper.eps());
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("adadelta", hyper);
    }
}
