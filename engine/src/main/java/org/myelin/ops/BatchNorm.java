package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation (004 6.8.3, 001): each feature is standardised over the mini-batch and then scaled and
 * shifted by learnable G and B: {@code Y = G (.) (X - mu) / sqrt(sigma^2 + eps) + B}.
 *
 * <p>In training mode mu and sigma^2 are the batch mean and (biased) variance, read back with
 * {@link #batchMean()} and {@link #batchVariance()} to update running statistics, and the backward pass
 * includes their dependence on X. In evaluation mode the given running statistics are constants.
 *
 * <p>Shapes: X {@code [B, n]}, G {@code [n]} or {@code [1, n]}, B like G, Y {@code [B, n]}.
 */
public final class BatchNorm extends Op {
    private final double eps;
    private final INDArray runningMean;
    private final INDArray runningVariance;
    private Standardize stats;
    // Kept past release(): the layer reads them after forward to update its running statistics, also when
    // the op was applied without recording (Autograd releases such ops straight after forward).
    private INDArray batchMean;
    private INDArray batchVariance;
    private INDArray xhat;
    private INDArray invStd;
    private INDArray gamma;
    private long[] gammaShape;
    private long[] betaShape;

    /** Training mode: normalise with the batch's own statistics. */
    public BatchNorm(double eps) {
        this(eps, null, null);
    }

    /** Evaluation mode: normalise with the given running statistics (shape {@code [1, n]} or {@code [n]}). */
    public BatchNorm(double eps, INDArray runningMean, INDArray runningVariance) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("BatchNorm: eps must be > 0, was " + eps);
        }
        this.eps = eps;
        this.runningMean = runningMean;
        this.runningVariance = runningVariance;
    }

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        Normalization.checkAffine(name(), x, in[1], in[2]);
        long n = x.size(1);
        gammaShape = in[1].shape();
        betaShape = in[2].shape();
        gamma = in[1].reshape(1, n);
        INDArray beta = in[2].reshape(1, n);
        if (runningMean == null) {
            stats = new Standardize(x, 0, eps);
            batchMean = stats.mean;
            batchVariance = stats.variance;
            xhat = stats.xhat;
            invStd = stats.invStd;
        } else {
            invStd = Transforms.pow(runningVariance.reshape(1, n).add(eps), -0.5, false);
            xhat = x.subRowVector(runningMean.reshape(1, n)).muliRowVector(invStd);
        }
        return xhat.mulRowVector(gamma).addiRowVector(beta);
    }

    /**
     * The batch mean of the last training-mode forward pass, {@code [1, n]}; available after the graph is
     * released too.
     *
     * @throws IllegalStateException before a training-mode forward pass
     */
    public INDArray batchMean() {
        requireBatchStatistics();
        return batchMean;
    }

    /**
     * The biased batch variance (divided by B) of the last training-mode forward pass, {@code [1, n]};
     * available after the graph is released too.
     *
     * @throws IllegalStateException before a training-mode forward pass
     */
    public INDArray batchVariance() {
        requireBatchStatistics();
        return batchVariance;
    }

    private void requireBatchStatistics() {
        if (batchMean == null) {
            throw new IllegalStateException(name() + ": no batch statistics: this op "
                    + (runningMean != null ? "normalises with running statistics (evaluation mode)"
                            : "has not run forward yet"));
        }
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        INDArray gx = null;
        if (needsGrad(0)) {
            INDArray gradXhat = gradOut.mulRowVector(gamma);
            gx = stats != null ? stats.backward(gradXhat) : gradXhat.muliRowVector(invStd);
        }
        INDArray gg = needsGrad(1) ? gradOut.mul(xhat).sum(0).reshape(gammaShape) : null;
        INDArray gb = needsGrad(2) ? gradOut.sum(0).reshape(betaShape) : null;
        return new INDArray[] {gx, gg, gb};
    }

    @Override
    protected void release() {
        stats = null;
        xhat = null;
        invStd = null;
        gamma = null;
    }
}
