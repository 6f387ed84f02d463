package org.myelin.optim;

import java.util.LinkedHashMap;
import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov and Hutter 2019), PyTorch's {@code torch.optim.AdamW}:
 * {@code w <- (1 - lr lambda) w} and then the Adam step (eps as in {@link Adam}; docs/optimizers.md) ({@link org.myelin.kernel.ElementwiseKernels#adam}). The decay is applied to every parameter this optimiser updates (as in
 * PyTorch); to decay weights only, build it over the weights and give biases their own optimiser, or use
 * {@link Adam} with an {@link L2Penalty} (coupled decay, through the gradient). State as {@link Adam}.
 */
public final class AdamW extends Optimizer {

    /**
     * Hyper-parameters: as {@link Adam.Hyper} plus {@code weightDecay >= 0}. Defaults (PyTorch's): 0.001, 0.9,
     * 0.999, 1e-8, 0.01.
     */
    public record Hyper(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
        public Hyper {
            Preconditions.positive("AdamW", "learning rate", learningRate);
            Preconditions.unitHalfOpen("AdamW", "beta1", beta1);
            Preconditions.unitHalfOpen("AdamW", "beta2", beta2);
            Preconditions.positive("AdamW", "eps", eps);
            Preconditions.nonNegative("AdamW", "weight decay", weightDecay);
        }

        public static Hyper defaults() {
            return new Hyper(1e-3, 0.9, 0.999, 1e-8, 0.01);
        }
    }

    private final Hyper hyper;

    public AdamW(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, hyper.learningRate(), "m", "v");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        Kernels.active().adam(param, grad, slot(name, "m"), slot(name, "v"), learningRate(), hyper.beta1(),
                hyper.beta2(), hyper.eps(), hyper.weightDecay(), true, steps());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "adamw");
        c.put("learning_rate", hyper.learningRate());
        c.put("beta1", hyper.beta1());
        c.put("beta2", hyper.beta2());
        c.put("eps", hyper.eps());
        c.put("weight_decay", hyper.weightDecay());
        return c;
    }
}
