package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Global average pooling (Lin et al. 2014, "Network in network"): the mean of each channel over all positions,
 * {@code Y[n, c] = 1/(H W) sum_{y, x} X[n, c, y, x]}; gradient {@code dX[n, c, y, x] = dY[n, c] / (H W)}.
 *
 * <p>Shapes: X {@code [N, C, H, W]}, Y {@code [N, C]}.
 */
public final class GlobalAvgPool2dOp extends Op {
    private long[] inShape;

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        if (x.rank() != 4) {
            throw new IllegalArgumentException(
                    name() + ": input has shape " + Shapes.str(x.shape()) + ", expected [N, C, H, W] (rank 4)");
        }
        inShape = x.shape();
        return x.mean(2, 3);
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        long n = inShape[0];
        long c = inShape[1];
        double scale = 1.0 / (inShape[2] * inShape[3]);
        INDArray g = gradOut.mul(scale).reshape(n, c, 1, 1);
        return new INDArray[] {g.broadcast(inShape).dup('c')};
    }
}
