package org.myelin.optim;

import java.util.LinkedHashMap;
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
    public record Hyper(double learningRate, double rho, double eps) {
        public Hyper {
            Preconditions.positive("Adadelta", "learning rate", learningRate);
            Preconditions.unitHalfOpen("Adadelta", "rho", rho);
            Preconditions.positive("Adadelta", "eps", eps);
        }

        public static Hyper defaults() {
            return new Hyper(1.0, 0.9, 1e-6);
        }
    }

    private final Hyper hyper;

    public Adadelta(Map<String, Tensor> parameters, Hyper hyper) {
        super(parameters, hyper.learningRate(), "mean_sq_grad", "mean_sq_delta");
        this.hyper = hyper;
    }

    public Hyper hyper() {
        return hyper;
    }

    @Override
    protected void update(String name, INDArray param, INDArray grad) {
        AdadeltaRule.apply(param, grad, slot(name, "mean_sq_grad"), slot(name, "mean_sq_delta"),
                scratch(name, 0), scratch(name, 1), learningRate(), hyper.rho(), hyper.eps());
    }

    @Override
    public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", "adadelta");
        c.put("learning_rate", hyper.learningRate());
        c.put("rho", hyper.rho());
        c.put("eps", hyper.eps());
        return c;
    }
}
