package org.myelin.kernel;

import org.myelin.autodiff.Op;
import org.myelin.autodiff.StepArrays;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;
import org.myelin.ops.MatMul;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A dense layer and its elementwise activation as one op: {@code Z = X W + b}, {@code A = f(Z)} (CS 489 §9, Oxford ML
 * FE1, row-vector form; see docs/notes.md). The gemm writes {@code X W} into a fresh array, and one fused pass of
 * {@link ElementwiseKernels#biasActivationForward} adds the bias in place and writes {@code A}; backward runs
 * {@code dZ = f'(Z) (.) dA} and {@code db = column sums of dZ} as one fused pass
 * ({@link ElementwiseKernels#activationBackwardWithBiasGradient}), then {@code dW = X^T dZ}, {@code dX = dZ W^T}.
 *
 * <p>Equal within rounding to {@code Activate(f)} over {@code BiasAdd} over {@code MatMul} (tested), in three ND4J
 * calls fewer per layer and direction: a broadcast bias add on ND4J cost more than the activation itself here
 * (docs/benchmarks.md). With {@link Activations#IDENTITY} it is a plain dense layer: the bias is added in place
 * and {@code dZ = dA} without a pass.
 *
 * <p>Shapes: X {@code [B, in]}, W {@code [in, out]}, b {@code [out]} or {@code [1, out]}, A {@code [B, out]}.
 * The layer checks the shapes with its own message before it applies this op.
 */
public final class FusedDense extends Op {
    private final Activation activation;
    private INDArray x;
    private INDArray w;
    private long[] biasShape;
    private INDArray z;
    private INDArray a;

    /** @param activation an elementwise activation ({@link #supports}); identity for a dense layer alone */
    public FusedDense(Activation activation) {
        if (!supports(activation)) {
            throw new IllegalArgumentException("FusedDense: activation must be elementwise (logistic, tanh, arctan,"
                    + " relu, leaky_relu, identity, threshold), was "
                    + (activation == null ? "null" : activation.name()));
        }
        this.activation = activation;
    }

    /** Whether {@code f} can be fused (the elementwise activations of {@link Activations}; not softmax). */
    public static boolean supports(Activation f) {
        return f != null && KernelActivation.of(f) != null;
    }

    @Override
    public String name() {
        return "FusedDense[" + activation.name() + "]";
    }

    @Override
    protected INDArray forward(INDArray... in) {
        x = in[0];
        w = in[1];
        INDArray b = in[2];
        biasShape = b.shape();
        z = MatMul.gemm(x, w, false, false);
        // One pass: Z += b in place and A = f(Z) into a fresh array; for identity A is Z itself. When no backward
        // will run (no-grad, or no input wants a gradient) nothing needs Z: A overwrites it in place, one array and
        // one stream of writes fewer per layer of a prediction.
        boolean backwardFollows = needsGrad(0) || needsGrad(1) || needsGrad(2);
        a = activation == Activations.IDENTITY || !backwardFollows
                ? Kernels.active().biasActivationForward(z, b, activation, null, z)
                : Kernels.active().biasActivationForward(z, b, activation, z, null);
        return a;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        ElementwiseKernels kernels = Kernels.active();
        boolean identity = activation == Activations.IDENTITY;
        INDArray db = null;
        if (needsGrad(2)) {
            db = StepArrays.uninitialized(gradOut.dataType(), biasShape);
        }
        INDArray dz;
        // The bias gradient (column sums of dZ) comes out of the pass that writes dZ, or for identity out of one
        // native pass over gradOut: an ND4J sum(0) cost more than the activation backward itself.
        if (identity) {
            dz = gradOut;
            if (db != null) {
                kernels.columnSums(dz, db);
            }
        } else if (db != null) {
            dz = kernels.activationBackwardWithBiasGradient(activation, z, a, gradOut, null, db);
        } else {
            dz = kernels.activationBackward(activation, z, a, gradOut, null);
        }
        INDArray dx = needsGrad(0) ? MatMul.gemm(dz, w, false, true) : null;
        INDArray dw = needsGrad(1) ? MatMul.gemm(x, dz, true, false) : null;
        return new INDArray[] {dx, dw, db};
    }

    @Override
    protected void release() {
        x = null;
        w = null;
        z = null;
        a = null;
    }
}
