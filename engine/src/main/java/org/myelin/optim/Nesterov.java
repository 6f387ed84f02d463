package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Nesterov accelerated gradient in PyTorch's form ({@code torch.optim.SGD(momentum=mu, nesterov=True)}, no
 * dampening; docs/optimizers.md) ({@link org.myelin.kernel.ElementwiseKernels#sgdMomentum}): {@code v <- mu v + g;
 * w <- w - lr (g + mu v)}. State per parameter: slot {@code "velocity"}.
 */
public final class Nesterov extends Optimizer {

    /** Hyper-parameters: learning rate {@code > 0}, momentum {@code mu} in [0, 1). Defaults: 0.01, 0.9. */
    public record Hyper(Double learningRate, Double momentum) {
        public Hyper {
            learningRate =
                    Preconditions.positive("Nesterov", "learning rate", learningRate == null ? 0.01 : learningRate);
            momentum = Preconditions.unitHalfOpen("Nesterov", "momentum", momentum == null ? 0.9 : momentum);
        }

        public static Hyper defaults() {
            return new Hyper(null, null);
        }
    }

    /** Typed builder: {@code Optimizers.nesterov().learningRate(0.1).momentum(0.95).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, Nesterov> {
        Builder() {
            super("nesterov");
        }

        public Builder learningRate(double v) {
            return set("learningRate", v);
        }

        public Builder momentum(double v) {
            return set("momentum", v);
        }
    }

    private final Hyper hyper;

    public Nesterov(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("Nesterov", hyper).learningRate(), "velocity");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        Kernels.active().sgdMomentum(param, grad, slot(name, "velocity"), learningRate(), hyper.momentum(), 0.0, true);
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("nesterov", hyper);
    }
}
