package org.myelin.optim;

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
    public record Hyper(Double learningRate, Double beta1, Double beta2, Double eps, Double weightDecay) {
        public Hyper {
            learningRate = Preconditions.positive("AdamW", "learning rate", learningRate == null ? 1e-3 : learningRate);
            beta1 = Preconditions.unitHalfOpen("AdamW", "beta1", beta1 == null ? 0.9 : beta1);
            beta2 = Preconditions.unitHalfOpen("AdamW", "beta2", beta2 == null ? 0.999 : beta2);
            eps = Preconditions.positive("AdamW", "eps", eps == null ? 1e-8 : eps);
            weightDecay = Preconditions.nonNegative("AdamW", "weight decay", weightDecay == null ? 0.01 : weightDecay);
        }

        public static Hyper defaults() {
            return new Hyper(null, null, null, null, null);
        }
    }

    /** Typed builder: {@code Optimizers.adamw().learningRate(1e-3).weightDecay(0.05).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, AdamW> {
        Builder() {
            super("adamw");
        }

        public Builder learningRate(double v) {
            return set("learningRate", v);
        }

        public Builder beta1(double v) {
            return set("beta1", v);
        }

        public Builder beta2(double v) {
            return set("beta2", v);
        }

        public Builder eps(double v) {
            return set("eps", v);
        }

        public Builder weightDecay(double v) {
            return set("weightDecay", v);
        }
    }

    private final Hyper hyper;

    public AdamW(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("AdamW", hyper).learningRate(), "m", "v");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        Kernels.active()
                .adam(
                        param,
                        grad,
                        slot(name, "m"),
                        slot(name, "v"),
                        learningRate(),
                        hyper.beta1(),
                        hyper.beta2(),
                        hyper.eps(),
                        hyper.weightDecay(),
                        true,
                        steps());
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("adamw", hyper);
    }
}
