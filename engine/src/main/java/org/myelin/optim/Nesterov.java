package org.myelin.optim;

import java.util.LinkedHashMap;
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
    public record Hyper(double learningRate, double momentum) {
        public Hyper {
            Preconditions.positive("Nesterov", "learning rate", learningRate);
            Preconditions.unitHalfOpen("Nesterov", "momentum", momentum);
        }

        public static Hyper defaults() {
            return new Hyper(0.01, 0.9);
        }
    }

    private final Hyper hyper;

    public Nesterov(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, hyper.learningRate(), "velocity");
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
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "nesterov");
        c.put("learning_rate", hyper.learningRate());
        c.put("momentum", hyper.momentum());
        return c;
    }
}
