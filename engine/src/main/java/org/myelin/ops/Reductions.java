package org.myelin.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Shared pieces of the reduction ops. */
final class Reductions {
    private Reductions() {}

    static void checkAxis(String op, INDArray x, int axis) {
        if (axis < 0 || axis >= x.rank()) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape "
                    + Shapes.str(x.shape()) + " (rank " + x.rank() + ")");
        }
    }

    /** {@code scale * gradOut} broadcast back to {@code shape}: the gradient of a sum over the reduced dims. */
    static INDArray spread(INDArray gradOut, long[] shape, double scale) {
        INDArray out = Nd4j.create(gradOut.dataType(), shape);
        if (gradOut.length() == 1) {
            return out.assign(gradOut.getDouble(0) * scale);
        }
        out.assign(gradOut.broadcast(shape));
        return scale == 1.0 ? out : out.muli(scale);
    }
}
