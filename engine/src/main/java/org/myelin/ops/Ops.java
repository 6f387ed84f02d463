package org.myelin.ops;

import org.myelin.autodiff.Autograd;
import org.myelin.autodiff.Tensor;
import org.nd4j.linalg.api.rng.Random;

/**
 * The differentiable functions, one static method each; each applies a fresh op through {@link Autograd}.
 * Import statically: {@code relu(biasAdd(matmul(x, w), b))}.
 */
public final class Ops {

    private Ops() {}

    /** {@code X W}: {@code [B, in] x [in, out] -> [B, out]}. */
    public static Tensor matmul(Tensor x, Tensor w) {
        return Autograd.apply(new MatMul(), x, w);
    }

    /** {@code X + b} for every row: {@code [B, n] + [n] -> [B, n]}. */
    public static Tensor biasAdd(Tensor x, Tensor b) {
        return Autograd.apply(new BiasAdd(), x, b);
    }

    /** {@code x + y} with broadcasting. */
    public static Tensor add(Tensor x, Tensor y) {
        return Autograd.apply(new Add(), x, y);
    }

    /** {@code x - y} with broadcasting. */
    public static Tensor sub(Tensor x, Tensor y) {
        return Autograd.apply(new Sub(), x, y);
    }

    /** Elementwise {@code x (.) y} with broadcasting. */
    public static Tensor mul(Tensor x, Tensor y) {
        return Autograd.apply(new Mul(), x, y);
    }

    /** Elementwise {@code x / y} with broadcasting. */
    public static Tensor div(Tensor x, Tensor y) {
        return Autograd.apply(new Div(), x, y);
    }

    public static Tensor neg(Tensor x) {
        return Autograd.apply(new Neg(), x);
    }

    /** Elementwise {@code 1 / x}. */
    public static Tensor reciprocal(Tensor x) {
        return Autograd.apply(new Reciprocal(), x);
    }

    /** Elementwise {@code x^p}. */
    public static Tensor pow(Tensor x, double p) {
        return Autograd.apply(new Pow(p), x);
    }

    public static Tensor exp(Tensor x) {
        return Autograd.apply(new Exp(), x);
    }

    /** Natural logarithm. */
    public static Tensor log(Tensor x) {
        return Autograd.apply(new Log(), x);
    }

    /** Sum of all elements, a scalar. */
    public static Tensor sum(Tensor x) {
        return Autograd.apply(new Sum(), x);
    }

    /** Sum along {@code axis}, kept as size 1. */
    public static Tensor sum(Tensor x, int axis) {
        return Autograd.apply(new Sum(axis), x);
    }

    /** Mean of all elements, a scalar. */
    public static Tensor mean(Tensor x) {
        return Autograd.apply(new Mean(), x);
    }

    /** Mean along {@code axis}, kept as size 1. */
    public static Tensor mean(Tensor x, int axis) {
        return Autograd.apply(new Mean(axis), x);
    }

    public static Tensor reshape(Tensor x, long... shape) {
        return Autograd.apply(new Reshape(shape), x);
    }

    /** Matrix transpose. */
    public static Tensor transpose(Tensor x) {
        return Autograd.apply(new Transpose(), x);
    }

    /** {@code f(x)} for any {@link Activation}. */
    public static Tensor activate(Tensor x, Activation f) {
        return Autograd.apply(new Activate(f), x);
    }

    public static Tensor logistic(Tensor x) {
        return activate(x, Activations.LOGISTIC);
    }

    public static Tensor tanh(Tensor x) {
        return activate(x, Activations.TANH);
    }

    public static Tensor arctan(Tensor x) {
        return activate(x, Activations.ARCTAN);
    }

    public static Tensor threshold(Tensor x) {
        return activate(x, Activations.THRESHOLD);
    }

    public static Tensor relu(Tensor x) {
        return activate(x, Activations.RELU);
    }

    public static Tensor leakyRelu(Tensor x, double slope) {
        return activate(x, Activations.leakyRelu(slope));
    }

    public static Tensor identity(Tensor x) {
        return activate(x, Activations.IDENTITY);
    }

    /** Row-wise softmax. */
    public static Tensor softmax(Tensor x) {
        return activate(x, Activations.SOFTMAX);
    }

    /** Row-wise one-hot of the arg-max; forward only. */
    public static Tensor oneHot(Tensor x) {
        return activate(x, Activations.ONE_HOT);
    }

    /** Inverted dropout with drop probability {@code rate} (training mode only; evaluation is the identity). */
    public static Tensor dropout(Tensor x, double rate, Random rng) {
        return Autograd.apply(new DropoutOp(rate, rng), x);
    }

    /** Batch normalisation with the batch's statistics (training mode). */
    public static Tensor batchNorm(Tensor x, Tensor gain, Tensor shift, double eps) {
        return Autograd.apply(new BatchNormOp(eps), x, gain, shift);
    }

    /** Layer normalisation (per sample). */
    public static Tensor layerNorm(Tensor x, Tensor gain, Tensor shift, double eps) {
        return Autograd.apply(new LayerNormOp(eps), x, gain, shift);
    }

    /** Applies a loss op to a prediction and a target, giving a scalar. */
    public static Tensor loss(LossOp loss, Tensor prediction, Tensor target) {
        return Autograd.apply(loss, prediction, target);
    }

    /** Mean over samples of {@code ||y - t||^2} (CS 489; see docs/notes.md). */
    public static Tensor mse(Tensor y, Tensor t) {
        return loss(SquaredError.mse(), y, t);
    }

    /** Mean over samples of {@code 1/2 ||y - t||^2} (CS 479; see docs/notes.md). */
    public static Tensor halfSquaredError(Tensor y, Tensor t) {
        return loss(SquaredError.half(Reduction.MEAN), y, t);
    }

    /** Mean over samples of the fused softmax + categorical cross-entropy of logits {@code z}. */
    public static Tensor softmaxCrossEntropy(Tensor z, Tensor t) {
        return loss(new SoftmaxCrossEntropy(Reduction.MEAN), z, t);
    }

    /** Mean over samples of the fused logistic + Bernoulli cross-entropy of logits {@code z}. */
    public static Tensor binaryCrossEntropyWithLogits(Tensor z, Tensor t) {
        return loss(new BinaryCrossEntropyWithLogits(Reduction.MEAN), z, t);
    }
}
