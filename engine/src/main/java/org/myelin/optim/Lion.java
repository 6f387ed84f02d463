package org.myelin.optim;

import java.util.Map;
import org.myelin.Preconditions;
import org.myelin.autodiff.Tensor;
import org.myelin.kernel.EmaWeights;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Lion (EvoLved Sign Momentum; Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2):
 * the step is the sign of an interpolation between the momentum and the gradient, so every weight moves by exactly
 * {@code lr} (plus the decay):
 * {@code c = b1 m + (1 - b1) g; w -= lr (sign(c) + lambda w); m = b2 m + (1 - b2) g}.
 * The weight decay is decoupled, as in {@link AdamW}, and applied to every parameter this optimiser updates. Because
 * the sign has unit size, the paper uses a learning rate 3-10x smaller than AdamW's (and a decay that much larger).
 * State per parameter: slot {@code "m"} (the momentum).
 */
public final class Lion extends Optimizer {

    /**
     * Hyper-parameters: learning rate {@code > 0}, {@code beta1} and {@code beta2} in [0, 1), {@code weightDecay
     * >= 0}. Defaults (the paper's): 1e-4, 0.9, 0.99, 0.
     */
    public record Hyper(Double learningRate, Double beta1, Double beta2, Double weightDecay) {
        public Hyper {
            learningRate = Preconditions.positive("Lion", "learning rate", learningRate == null ? 1e-4 : learningRate);
            beta1 = Preconditions.unitHalfOpen("Lion", "beta1", beta1 == null ? 0.9 : beta1);
            beta2 = Preconditions.unitHalfOpen("Lion", "beta2", beta2 == null ? 0.99 : beta2);
            weightDecay = Preconditions.nonNegative("Lion", "weight decay", weightDecay == null ? 0.0 : weightDecay);
        }

        public static Hyper defaults() {
            return new Hyper(null, null, null, null);
        }
    }

    /** Typed builder: {@code Optimizers.lion().learningRate(3e-4).weightDecay(0.1).build(parameters)}. */
    public static final class Builder extends OptimizerBuilder<Builder, Lion> {
        Builder() {
            super("lion");
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

        public Builder weightDecay(double v) {
            return set("weightDecay", v);
        }
    }

    private final Hyper hyper;

    public Lion(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, requireHyper("Lion", hyper).learningRate(), "m");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        INDArray m = slot(name, "m");
        INDArray c = scratch(name, 0);
        INDArray g = scratch(name, 1);
        double lr = learningRate();
        // Both averages with weights that add up to 1 in float32 too (EmaWeights).
        EmaWeights w1 = EmaWeights.of(hyper.beta1(), param.dataType());
        EmaWeights w2 = EmaWeights.of(hyper.beta2(), param.dataType());
        c.assign(m).muli(w1.decay()).addi(g.assign(grad).muli(w1.complement()));
        Transforms.sign(c, false);
        if (hyper.weightDecay() > 0) {
            // w - lr lambda w first: the decay acts on the weight before this step, as in the paper.
            param.muli(1 - lr * hyper.weightDecay());
        }
        param.subi(c.muli(lr));
        m.muli(w2.decay()).addi(g.assign(grad).muli(w2.complement()));
    }

    @Override
    public Map<String, Object> config() {
        return Optimizers.config("lion", hyper);
    }
}
