package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The arithmetic shared by batch and layer normalisation: standardise a {@code [B, n]} matrix along one axis,
 * {@code xhat = (x - mean) / sqrt(var + eps)} with the biased variance, and the gradient back through it.
 */
final class Standardize {
    final INDArray mean;
    final INDArray variance;
    final INDArray invStd;
    final INDArray xhat;
    private final int axis;

    /** Standardises {@code x} with its own statistics along {@code axis} (0: per feature, 1: per sample). */
    Standardize(INDArray x, int axis, double eps) {
        this.axis = axis;
        this.mean = x.mean(true, axis);
        INDArray centered = x.sub(broadcast(mean, x));
        this.variance = centered.mul(centered).mean(true, axis);
        this.invStd = Transforms.pow(variance.add(eps), -0.5, false);
        this.xhat = centered.muli(broadcast(invStd, x));
    }

    /**
     * dL/dx given dL/dxhat, with the batch statistics depending on x:
     * {@code dx = invStd / m * (m dxhat - sum(dxhat) - xhat sum(dxhat (.) xhat))}, sums along the axis.
     */
    INDArray backward(INDArray gradXhat) {
        long m = xhat.size(axis);
        INDArray sumG = gradXhat.sum(true, axis);
        INDArray sumGX = gradXhat.mul(xhat).sum(true, axis);
        INDArray dx = gradXhat.mul(m);
        dx.subi(broadcast(sumG, dx)).subi(xhat.mul(broadcast(sumGX, dx)));
        return dx.muli(broadcast(invStd, dx)).divi(m);
    }

    /** A keep-dims statistic broadcast to x's shape (a view when ND4J can, else a copy). */
    static INDArray broadcast(INDArray stat, INDArray like) {
        return stat.broadcast(like.shape());
    }
}
