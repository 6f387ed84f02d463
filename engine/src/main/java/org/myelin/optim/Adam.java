package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam with bias correction ({@link org.myelin.kernel.ElementwiseKernels#adam}; Duke slides, MIT 6.390 §6.7.2; see
 * docs/notes.md), PyTorch's {@code torch.optim.Adam}: {@code m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * w -= (lr / (1 - b1^t)) m / (sqrt(v) / sqrt(1 - b2^t) + eps)}, eps after the root of the bias-corrected v (Keras,
 * DL4J and DJL add it before the bias correction; docs/optimizers.md). No weight decay of its own: an
 * {@link L2Penalty} of {@code wd / 2} on every parameter is PyTorch's coupled {@code weight_decay = wd}. State per
 * parameter: slots {@code "m"} (first moment) and {@code "v"} (second moment); the bias correction uses
 * {@link #steps()} as {@code t}.
 */
public final class Adam extends Optimizer {

    /**
     * Hyper-parameters: learning rate {@code > 0}, {@code beta1} and {@code beta2} in [0, 1), {@code eps > 0}.
     * Defaults (the paper's): 0.001, 0.9, 0.999, 1e-8.
     */
    public record Hyper(Double learningRate, Double beta1, Double beta2, Double eps) {
        public Hyper {
            learningRate = Preconditions.positive("Adam", "learning rate", learningRate == null ? 1e-3 : learningRate);
            beta1 = Preconditions.unitHalfOpen("Adam", "beta1", beta1 == null ? 0.9 : beta1);
            beta2 = Preconditions.unitHalfOpen("Adam", "beta2", beta2 == null ? 0.999 : beta2);
            eps = Preconditions.positive("Adam", "eps", eps == null ? 1e-8 : eps);
        }

        public static Hyper defaults() {
            return new Hyper(null, null, null, null);
        }
    }

    /** Typed builder: {@code Optimizers.adam().learningRate(1e-3).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, Adam> {
        Builder() {
            super("adam");
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
    }

    private final Hyper hyper;

    public Adam(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("Adam", hyper).learningRate(), "m", "v");
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
                        0.0,
                        false,
                        steps());
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("adam", hyper);
    }
}
