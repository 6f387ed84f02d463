package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Logistic output and Bernoulli cross-entropy fused, from the logits z: per output
 * {@code max(z, 0) - z t + ln(1 + e^-|z|)}, which equals {@code -(t ln s(z) + (1 - t) ln(1 - s(z)))} without
 * overflow or log(0). Its gradient is {@code dl/dz = s(z) - t}, i.e. a - y in the notation of Oxford ML (see
 * docs/notes.md).
 */
public final class BinaryCrossEntropyWithLogits extends LossOp {

    public BinaryCrossEntropyWithLogits(Reduction reduction) {
        super(reduction);
    }

    @Override
    protected double total() {
        INDArray softplusNegAbs = Transforms.log(
                Transforms.exp(Transforms.abs(y, true).negi(), false).addi(1.0), false);
        return Transforms.relu(y, true)
                .subi(y.mul(t))
                .addi(softplusNegAbs)
                .sumNumber()
                .doubleValue();
    }

    @Override
    protected INDArray gradient() {
        return Transforms.sigmoid(y, true).subi(t);
    }
}
