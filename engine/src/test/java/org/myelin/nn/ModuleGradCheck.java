package org.myelin.nn;

import java.util.ArrayList;
import java.util.List;
import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient check of a module's forward pass with respect to its input and its own parameters, by the rules of
 * {@link org.myelin.autodiff.GradCheck} (float64, central differences, random upstream gradient R defining
 * {@code L = sum(forward(x) (.) R)}, error {@code |a - n| / max(|a|, |n|, 1e-4)}). Parameters are perturbed in
 * place, so the module must be deterministic (no dropout in training mode).
 */
final class ModuleGradCheck {
    private static final double STEP = 1e-6;

    private ModuleGradCheck() {}

    /** The worst error over every input element and every parameter element. */
    static double worstError(Module m, INDArray x, long seed) {
        if (x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("ModuleGradCheck needs float64 input, was " + x.dataType());
        }
        INDArray input = x.dup('c');
        m.zeroGrad();
        Tensor xt = Tensor.parameter(input);
        Tensor y = m.forward(xt);
        INDArray upstream = Nd4j.getRandomFactory()
                .getNewRandomInstance(seed)
                .nextGaussian(y.shape())
                .castTo(DataType.DOUBLE);
        y.backward(upstream);

        List<INDArray> values = new ArrayList<>();
        List<INDArray> grads = new ArrayList<>();
        values.add(input);
        grads.add(xt.grad());
        for (Tensor p : m.namedParameters().values()) {
            values.add(p.value());
            grads.add(p.grad());
        }
        double worst = 0;
        for (int i = 0; i < values.size(); i++) {
            INDArray flat = values.get(i).reshape(values.get(i).length());
            INDArray grad = grads.get(i);
            for (long j = 0; j < flat.length(); j++) {
                double orig = flat.getDouble(j);
                flat.putScalar(j, orig + STEP);
                double plus = objective(m, input, upstream);
                flat.putScalar(j, orig - STEP);
                double minus = objective(m, input, upstream);
                flat.putScalar(j, orig);
                double numeric = (plus - minus) / (2 * STEP);
                double analytic = grad == null ? 0 : grad.reshape(grad.length()).getDouble(j);
                double err =
                        Math.abs(analytic - numeric) / Math.max(1e-4, Math.max(Math.abs(analytic), Math.abs(numeric)));
                worst = Math.max(worst, Double.isNaN(err) ? Double.POSITIVE_INFINITY : err);
            }
        }
        return worst;
    }

    private static double objective(Module m, INDArray x, INDArray upstream) {
        try (Autograd.NoGradScope scope = Autograd.noGrad()) {
            return m.forward(Tensor.constant(x))
                    .value()
                    .mul(upstream)
                    .sumNumber()
                    .doubleValue();
        }
    }
}
