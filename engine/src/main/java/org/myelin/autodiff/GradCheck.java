package org.myelin.autodiff;

import java.util.Arrays;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradient checking: compares the gradients backward computes with central differences in float64
 * (CS 489 §8.1, CS 479 §3.1.2; see docs/notes.md).
 *
 * <p>For a function {@code f} of tensors, a fixed random upstream gradient R (of f's output shape; 1 for a
 * scalar output) defines the scalar {@code L = sum(f(x) (.) R)}; each input element x_j is checked as
 * {@code dL/dx_j ~ (L(x_j + h) - L(x_j - h)) / 2h}. The error reported for an element is
 * {@code |analytic - numeric| / max(|analytic|, |numeric|, 1e-4)}: relative for gradients of ordinary size,
 * absolute below 1e-4, where central differences cannot resolve a relative error. Data should avoid points
 * where f is not differentiable (a ReLU input at exactly 0, say).
 */
public final class GradCheck {

    /**
     * Default central-difference step: near the cube root of the float64 machine epsilon, where truncation error
     * (h^2) and round-off (eps/h) balance. A step of 1e-6 left round-off errors near 1e-6 on small gradients.
     */
    public static final double DEFAULT_STEP = 1e-5;

    static final double ERROR_FLOOR = 1e-4;

    private GradCheck() {}

    /**
     * The outcome of a check: the worst error and where it occurred.
     *
     * @param worstError the largest error over all checked elements
     * @param input      index of the input holding the worst element
     * @param index      flat (c-order) index of the worst element within that input
     * @param analytic   backward's gradient at the worst element
     * @param numeric    the central difference at the worst element
     * @param checked    how many elements were checked
     */
    public record Result(double worstError, int input, long index, double analytic, double numeric, long checked) {

        /** Whether the worst error is at most {@code tolerance}. */
        public boolean passed(double tolerance) {
            return worstError <= tolerance;
        }

        @Override
        public String toString() {
            return String.format(
                    "worst error %.3e at input %d element %d (analytic %.10g, numeric %.10g), %d elements",
                    worstError, input, index, analytic, numeric, checked);
        }
    }

    /** Checks {@code f} at {@code inputs} with the default step and upstream seed 42. */
    public static Result check(Function<Tensor[], Tensor> f, INDArray... inputs) {
        return check(f, DEFAULT_STEP, 42L, inputs);
    }

    /**
     * Checks the gradient of {@code f} with respect to every input.
     *
     * @param f      the function; it must be deterministic (reseed any randomness on each call)
     * @param step   the central-difference step h
     * @param seed   seed of the random upstream gradient
     * @param inputs the point to check at, float64 (they are copied, not modified)
     */
    public static Result check(Function<Tensor[], Tensor> f, double step, long seed, INDArray... inputs) {
        if (!(step > 0)) {
            throw new IllegalArgumentException("GradCheck: step must be > 0, was " + step);
        }
        INDArray[] x = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("GradCheck: input " + i + " is " + inputs[i].dataType()
                        + "; gradient checks need float64 (DOUBLE) to resolve central differences");
            }
            x[i] = inputs[i].dup('c');
        }

        Tensor[] params = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            params[i] = Tensor.parameter(x[i]);
        }
        Tensor out = f.apply(params);
        INDArray upstream = out.value().length() == 1
                ? out.value().ulike().assign(1.0)
                : Nd4j.getRandomFactory()
                        .getNewRandomInstance(seed)
                        .nextGaussian(out.value().shape())
                        .castTo(DataType.DOUBLE)
                        .reshape(out.shape());
        out.backward(upstream);

        double worst = -1;
        int worstInput = -1;
        long worstIndex = -1;
        double worstA = 0;
        double worstN = 0;
        long checked = 0;
        for (int i = 0; i < x.length; i++) {
            INDArray grad = params[i].grad();
            INDArray flat = x[i].reshape(x[i].length());
            for (long j = 0; j < x[i].length(); j++) {
                double orig = flat.getDouble(j);
                flat.putScalar(j, orig + step);
                double plus = objective(f, x, upstream);
                flat.putScalar(j, orig - step);
                double minus = objective(f, x, upstream);
                flat.putScalar(j, orig);
                double numeric = (plus - minus) / (2 * step);
                double analytic =
                        grad == null ? 0.0 : grad.reshape(grad.length()).getDouble(j);
                double err = Math.abs(analytic - numeric)
                        / Math.max(ERROR_FLOOR, Math.max(Math.abs(analytic), Math.abs(numeric)));
                if (Double.isNaN(err)) {
                    err = Double.POSITIVE_INFINITY;
                }
                checked++;
                if (err > worst) {
                    worst = err;
                    worstInput = i;
                    worstIndex = j;
                    worstA = analytic;
                    worstN = numeric;
                }
            }
        }
        return new Result(Math.max(worst, 0), worstInput, worstIndex, worstA, worstN, checked);
    }

    private static double objective(Function<Tensor[], Tensor> f, INDArray[] x, INDArray upstream) {
        try (Autograd.NoGradScope scope = Autograd.noGrad()) {
            Tensor[] consts = new Tensor[x.length];
            for (int i = 0; i < x.length; i++) {
                consts[i] = Tensor.constant(x[i]);
            }
            INDArray y = f.apply(consts).value();
            if (!Arrays.equals(y.shape(), upstream.shape())) {
                throw new IllegalStateException("GradCheck: f's output shape changed from "
                        + Arrays.toString(upstream.shape()) + " to " + Arrays.toString(y.shape()));
            }
            return y.mul(upstream).sumNumber().doubleValue();
        }
    }
}
