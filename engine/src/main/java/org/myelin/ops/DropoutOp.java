package org.myelin.ops;

import org.myelin.autodiff.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inverted dropout at training time (CS 489 §12.1, Oxford ML §3.3, MIT 6.390 §6.8.2; see docs/notes.md): each unit is
 * kept with probability {@code keep = 1 - rate} and kept units are scaled by {@code 1/keep}, so nothing changes at
 * evaluation time (where this op is not applied: see the {@code nn.Dropout} layer). Backward reuses the forward mask:
 * {@code dX = dY (.) mask / keep}, dropped units get no gradient.
 */
public final class DropoutOp extends Op {
    private final double rate;
    private final Random rng;
    private INDArray scaledMask;

    /**
     * @param rate probability of dropping a unit, in [0, 1)
     * @param rng  the random stream the mask is drawn from (seeded by the caller for reproducibility)
     */
    public DropoutOp(double rate, Random rng) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("Dropout: rate must be in [0, 1), was " + rate);
        }
        if (rng == null) {
            throw new IllegalArgumentException("Dropout: random stream must not be null");
        }
        this.rate = rate;
        this.rng = rng;
    }

    @Override
    protected INDArray forward(INDArray... in) {
        INDArray x = in[0];
        double keep = 1.0 - rate;
        INDArray mask = Nd4j.createUninitialized(x.dataType(), x.shape(), 'c');
        Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, keep), rng);
        scaledMask = mask.muli(1.0 / keep);
        return x.mul(scaledMask);
    }

    /** The mask of the last forward pass, already scaled by 1/keep (0 for dropped units). */
    public INDArray scaledMask() {
        return scaledMask;
    }

    @Override
    protected INDArray[] backward(INDArray gradOut) {
        return new INDArray[] {gradOut.mul(scaledMask)};
    }

    @Override
    protected void release() {
        scaledMask = null;
    }
}
