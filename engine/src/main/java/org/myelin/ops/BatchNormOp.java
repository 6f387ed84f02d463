package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation (MIT 6.390 §6.8.3, Duke slides; see docs/notes.md): each feature is standardised over the
 * mini-batch and then scaled and shifted by learnable G and B: {@code Y = G (.) (X - mu) / sqrt(sigma^2 + eps) + B}.
 *
 * <p>In training mode mu and sigma^2 are the batch mean and (biased) variance, read back with
 * {@link #batchMean()} and {@link #batchVariance()} to update running statistics, and the backward pass
 * includes their dependence on X. In evaluation mode the given running statistics are constants.
 *
 * <p>Images are normalised per channel (Ioffe and Szegedy 2015, section 3.2): for X {@code [N, C, H, W]} the
 * statistics of channel c run over all N H W values of that channel, and G, B hold one value per channel. The op
 * computes this as the matrix case on the {@code [N H W, C]} view of X (channels last) and returns the result in
 * NCHW.
 *
 * <p>Shapes: X {@code [B, n]}, G {@code [n]} or {@code [1, n]}, B like G, Y {@code [B, n]}; or X, Y
 * {@code [N, C, H, W]} with G, B of C values.
 */
public final class BatchNormOp extends Op {
    private final double eps;
    private final INDArray runningMean;
    private final INDArray runningVariance;
    private Standardize stats;
    // Results of the training-mode forward pass, kept after the graph is released (they are small, [1, n]).
    private INDArray batchMean;
    private INDArray batchVariance;
    private INDArray xhat;
    private INDArray invStd;
    private INDArray gamma;
    private long[] gammaShape;
    private long[] betaShape;
    /** The NCHW shape of an image input, null for a matrix input. */
    private long[] imageShape;

    /** Training mode: normalise with the batch's own statistics. */
    public BatchNormOp(double eps) {
        this(eps, null, null);
    }

    /** Evaluation mode: normalise with the given running statistics (shape {@code [1, n]} or {@code [n]}). */
    public BatchNormOp(double eps, INDArray runningMean, INDArray runningVariance) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("BatchNorm: eps must be > 0 and finite, was " + eps);
        }
        if ((runningMean == null) != (runningVariance == null)) {
            throw new IllegalArgumentException("BatchNorm: evaluation mode needs both the running mean and the"
                    + " running variance, got " + (runningMean == null ? "only the variance" : "only the mean"));
        }
        this.eps = eps;
        this.runningMean = runningMean;
        this.runningVariance = runningVariance;
    }

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        if (x.rank() == 4) {
            imageShape = x.shape();
            x = channelsLast(x);
        } else if (x.rank() != 2) {
            throw new IllegalArgumentException(
                    name() + ": input has shape " + Shapes.str(x.shape()) + ", expected [B, n] or [N, C, H, W]");
        }
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
            Normalization.checkStatistic(name(), "running mean", runningMean, x);
            Normalization.checkStatistic(name(), "running variance", runningVariance, x);
            // The running statistics are constants kept by the caller; they take the input's data type.
            INDArray mean = runningMean.reshape(1, n).castTo(x.dataType());
            invStd = Transforms.pow(
                    runningVariance.reshape(1, n).castTo(x.dataType()).add(eps), -0.5, false);
            xhat = x.subRowVector(mean).muliRowVector(invStd);
        }
        INDArray y = xhat.mulRowVector(gamma).addiRowVector(beta);
        return imageShape == null ? y : channelsFirst(y, imageShape);
    }

    /** {@code [N, C, H, W] -> [N H W, C]}: one row per position, one column per channel. */
    private static INDArray channelsLast(INDArray x) {
        return x.permute(0, 2, 3, 1).dup('c').reshape('c', x.size(0) * x.size(2) * x.size(3), x.size(1));
    }

    /** {@code [N H W, C] -> [N, C, H, W]}, the inverse of {@link #channelsLast}. */
    private static INDArray channelsFirst(INDArray rows, long[] shape) {
        return rows.reshape('c', shape[0], shape[2], shape[3], shape[1])
                .permute(0, 3, 1, 2)
                .dup('c');
    }

    /**
     * The batch mean of the last training-mode forward pass, {@code [1, n]}; still available after backward
     * released the graph, or when the pass was not recorded.
     *
     * @throws IllegalStateException if no training-mode forward pass has run
     */
    public INDArray batchMean() {
        requireBatchStatistics("batchMean");
        return batchMean;
    }

    /**
     * The biased batch variance of the last training-mode forward pass, {@code [1, n]}; available like
     * {@link #batchMean()}.
     *
     * @throws IllegalStateException if no training-mode forward pass has run
     */
    public INDArray batchVariance() {
        requireBatchStatistics("batchVariance");
        return batchVariance;
    }

    private void requireBatchStatistics(String method) {
        if (batchMean == null) {
            throw new IllegalStateException("BatchNorm." + method + "(): no batch statistics: "
                    + (runningMean != null
                            ? "this op normalises with the running statistics (evaluation mode)"
                            : "run the forward pass first"));
        }
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        if (imageShape != null) {
            INDArray[] g = rowBackward(channelsLast(gradOut));
            g[0] = g[0] == null ? null : channelsFirst(g[0], imageShape);
            return g;
        }
        return rowBackward(gradOut);
    }

    private INDArray[] rowBackward(INDArray gradOut) {
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
