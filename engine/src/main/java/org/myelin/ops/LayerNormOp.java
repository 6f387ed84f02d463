package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Layer normalisation (MIT 6.390 §6.8.3; see docs/notes.md): each sample (row) is standardised over its own features,
 * then scaled and shifted per feature: {@code Y = G (.) (X - mu_row) / sqrt(sigma_row^2 + eps) + B}. The same in
 * training and evaluation, since it uses no batch statistics.
 *
 * <p>Shapes: X {@code [B, n]}, G {@code [n]} or {@code [1, n]}, B like G, Y {@code [B, n]}.
 */
public final class LayerNormOp extends Op {
    private final double eps;
    private Standardize stats;
    private INDArray gamma;
    private long[] gammaShape;
    private long[] betaShape;

    public LayerNormOp(double eps) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("LayerNorm: eps must be > 0 and finite, was " + eps);
        }
        this.eps = eps;
    }

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        Normalization.checkAffine(name(), x, in[1], in[2]);
        long n = x.size(1);
        gammaShape = in[1].shape();
        betaShape = in[2].shape();
        gamma = in[1].reshape(1, n);
        stats = new Standardize(x, 1, eps);
        return stats.xhat.mulRowVector(gamma).addiRowVector(in[2].reshape(1, n));
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        INDArray gx = needsGrad(0) ? stats.backward(gradOut.mulRowVector(gamma)) : null;
        INDArray gg = needsGrad(1) ? gradOut.mul(stats.xhat).sum(0).reshape(gammaShape) : null;
        INDArray gb = needsGrad(2) ? gradOut.sum(0).reshape(betaShape) : null;
        return new INDArray[] {gx, gg, gb};
    }

    @Override
    protected void release() {
        stats = null;
        gamma = null;
    }
}
