package org.myelin.optim;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

/** In-place array arithmetic without temporaries, for the update rules. */
final class InPlace {
    private InPlace() {}

    /** {@code y <- y + a x}, in place on {@code y}. Returns {@code y}. */
    static INDArray axpy(double a, INDArray x, INDArray y) {
        Nd4j.exec(new Axpy(x, y, y, a));
        return y;
    }

    /** {@code out <- x (.) x}, in place on {@code out}. Returns {@code out}. */
    static INDArray square(INDArray x, INDArray out) {
        return out.assign(x).muli(x);
    }
}
