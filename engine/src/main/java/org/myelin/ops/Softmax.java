package org.myelin.ops;

import org.myelin.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Row-wise softmax {@code a_i = e^(z_i - max z) / sum_j e^(z_j - max z)} (CS 489 §6.3, CS 479 §1.5, Oxford ML §2.1
 * softmax layer; see docs/notes.md).
 *
 * <p>Not elementwise: its Jacobian is {@code diag(a) - a a^T} per row, so the vector-Jacobian product is
 * {@code dZ = a (.) (gradOut - rowsum(gradOut (.) a))}. Shifting by the row maximum avoids overflow and
 * does not change the result.
 *
 * <p>Shapes: Z {@code [B, n]}, A {@code [B, n]}.
 */
final class Softmax implements Activation {

    @Override
    public String name() {
        return "softmax";
    }

    @Override
    public INDArray forward(INDArray z) {
        Preconditions.requireRank("Softmax", "input", z, 2);
        INDArray shifted = z.subColumnVector(z.max(1).reshape(z.size(0), 1));
        INDArray e = Transforms.exp(shifted, false);
        return e.diviColumnVector(e.sum(1).reshape(z.size(0), 1));
    }

    @Override
    public INDArray backward(INDArray z, INDArray a, INDArray gradOut) {
        INDArray dot = gradOut.mul(a).sum(1).reshape(a.size(0), 1);
        return gradOut.subColumnVector(dot).muli(a);
    }

    @Override
    public String toString() {
        return name();
    }
}
