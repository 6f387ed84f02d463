package org.myelin.kernel;

import org.myelin.Preconditions;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link ElementwiseKernels} with ND4J ops: any layout, any data type ND4J supports, any {@link Activation}.
 * The reference the native implementations are tested against, and their fallback. Derivatives are those of
 * {@link Activation#backward} (logistic {@code a (1 - a)}, tanh {@code 1 - a^2}, from the saved activation).
 */
public final class Nd4jKernels implements ElementwiseKernels {

    static final Nd4jKernels INSTANCE = new Nd4jKernels();

    private Nd4jKernels() {}

    @Override
    public String name() {
        return "nd4j";
    }

    @Override
    public INDArray activationBackward(Activation f, INDArray z, INDArray a, INDArray gradOut, INDArray out) {
        String method = "activationBackward[" + (f == null ? "null" : f.name()) + "]";
        Preconditions.requireNonNull(method, "activation", f);
        Preconditions.requireNonNull(method, "gradOut", gradOut);
        ElementwiseKernels.requireBackwardShapes(method, z, a, gradOut, out);
        if (gradOut.isEmpty()) {
            return out != null ? out : Nd4j.create(gradOut.dataType(), gradOut.shape());
        }
        INDArray act = a;
        if (act == null && !ignoresOutput(f)) {
            act = f.forward(z);
        }
        return into(out, f.backward(z, act, gradOut));
    }

    @Override
    public INDArray activationBackwardFromOutput(Activation f, INDArray a, INDArray gradOut, INDArray out) {
        String method = "activationBackwardFromOutput[" + (f == null ? "null" : f.name()) + "]";
        requireFromOutputForm(method, f);
        Preconditions.requireNonNull(method, "gradOut", gradOut);
        Preconditions.requireSameShape(method, "a", a, "gradOut", gradOut, false);
        Preconditions.requireSameShape(method, "out", out, "gradOut", gradOut, true);
        if (gradOut.isEmpty()) {
            return out != null ? out : Nd4j.create(gradOut.dataType(), gradOut.shape());
        }
        // Logistic's and tanh's backward read only the saved activation.
        return into(out, f.backward(null, a, gradOut));
    }

    @Override
    public INDArray biasActivationForward(INDArray x, INDArray b, Activation f, INDArray zOut, INDArray aOut) {
        String method = "biasActivationForward[" + (f == null ? "null" : f.name()) + "]";
        Preconditions.requireNonNull(method, "activation", f);
        long n = Preconditions.requireBiasShapes(method, x, b);
        Preconditions.requireSameShape(method, "zOut", zOut, "x", x, true);
        Preconditions.requireSameShape(method, "aOut", aOut, "x", x, true);
        if (x.isEmpty()) {
            return aOut != null ? aOut : Nd4j.create(x.dataType(), x.shape());
        }
        INDArray z = x.addRowVector(b.reshape(1, n));
        INDArray a = f.forward(z);
        if (zOut != null) {
            zOut.assign(z);
        }
        return into(aOut, a);
    }

    @Override
    public void sgdMomentum(
            INDArray param,
            INDArray grad,
            INDArray velocity,
            double lr,
            double momentum,
            double weightDecay,
            boolean nesterov) {
        String method = "sgdMomentum";
        Preconditions.requireNonNull(method, "param", param);
        Preconditions.requireSameShape(method, "grad", grad, "param", param, false);
        Preconditions.requireSameShape(method, "velocity", velocity, "param", param, false);
        if (param.isEmpty()) {
            return;
        }
        // grad belongs to the caller: only read; the temporaries are fresh.
        INDArray g = weightDecay != 0 ? grad.add(param.mul(weightDecay)) : grad;
        velocity.muli(momentum).addi(g);
        if (nesterov) {
            param.subi(velocity.mul(momentum).addi(g).muli(lr));
        } else {
            param.subi(velocity.mul(lr));
        }
    }

    @Override
    public void sgd(INDArray param, INDArray grad, double lr, double weightDecay) {
        String method = "sgd";
        Preconditions.requireNonNull(method, "param", param);
        Preconditions.requireSameShape(method, "grad", grad, "param", param, false);
        if (param.isEmpty()) {
            return;
        }
        if (weightDecay == 0) {
            // One axpy, no temporary: the plain update as the optimisers always ran it on ND4J.
            Nd4j.exec(new Axpy(grad, param, param, -lr));
        } else {
            // grad belongs to the caller: only read; the temporary is fresh.
            param.subi(grad.add(param.mul(weightDecay)).muli(lr));
        }
    }

    @Override
    public void adam(
            INDArray param,
            INDArray grad,
            INDArray m,
            INDArray v,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            boolean decoupled,
            long step) {
        String method = decoupled ? "adamW" : "adam";
        Preconditions.requireNonNull(method, "param", param);
        Preconditions.requireSameShape(method, "grad", grad, "param", param, false);
        Preconditions.requireSameShape(method, "m", m, "param", param, false);
        Preconditions.requireSameShape(method, "v", v, "param", param, false);
        Preconditions.requireStep(method, step);
        if (param.isEmpty()) {
            return;
        }
        // The same float64 coefficients as the native kernels, each rounded once by ND4J's scalar ops.
        AdamCoefficients c = AdamCoefficients.of(lr, beta1, beta2, eps, weightDecay, decoupled, step, param.dataType());
        INDArray g = grad;
        if (c.decay() != 1) {
            param.muli(c.decay());
        }
        if (c.weightDecay() != 0) {
            g = grad.add(param.mul(c.weightDecay()));
        }
        m.muli(c.beta1()).addi(g.mul(c.oneMinusBeta1()));
        v.muli(c.beta2()).addi(g.mul(g).muli(c.oneMinusBeta2()));
        INDArray denom = Transforms.sqrt(v, true).muli(c.invSqrtBc2()).addi(c.eps());
        param.subi(m.div(denom).muli(c.stepSize()));
    }

    /** Activations whose backward never reads the saved activation (so a null one need not be computed). */
    private static boolean ignoresOutput(Activation f) {
        return f == Activations.RELU
                || f == Activations.IDENTITY
                || f == Activations.THRESHOLD
                || f == Activations.ARCTAN
                || f instanceof Activations.LeakyRelu;
    }

    static void requireFromOutputForm(String method, Activation f) {
        Preconditions.requireNonNull(method, "activation", f);
        if (!KernelActivation.hasFromOutputForm(f)) {
            throw new IllegalArgumentException(method + ": the from-output derivative exists for logistic and tanh,"
                    + " not " + f.name() + "; use activationBackward");
        }
    }

    private static INDArray into(INDArray out, INDArray result) {
        if (out == null) {
            return result;
        }
        return out.assign(result);
    }
}
