package org.myelin.onnx;

import java.util.Arrays;
import org.myelin.nn.Dense;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code Gemm(X, B, C)} = {@code alpha X B' + beta C} as a {@link Dense} layer: alpha = beta = 1,
 * transA = 0, B {@code [in, out]} (or {@code [out, in]} with transB = 1, PyTorch's layout), C {@code [out]} or
 * {@code [1, out]} or absent (no bias).
 */
final class GemmImporter implements NodeImporter {
    @Override
    public String opType() {
        return "Gemm";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireRank2();
        ctx.requireInputs(2, 3);
        ctx.allowAttributes("alpha", "beta", "transA", "transB");
        if (ctx.floatAttribute("alpha", 1) != 1 || ctx.floatAttribute("beta", 1) != 1) {
            throw ctx.unsupported("alpha = " + ctx.floatAttribute("alpha", 1) + ", beta = "
                    + ctx.floatAttribute("beta", 1) + "; supported: alpha = beta = 1");
        }
        if (ctx.intAttribute("transA", 0) != 0) {
            throw ctx.unsupported("transA = 1 is not supported; the input must be [batch, features]");
        }
        long transB = ctx.intAttribute("transB", 0);
        if (transB != 0 && transB != 1) {
            throw ctx.unsupported("transB = " + transB + ", expected 0 or 1");
        }
        INDArray w = ctx.constant(1, "B (the weight)");
        if (w.rank() != 2) {
            throw ctx.unsupported("B (the weight) has rank " + w.rank() + ", expected 2");
        }
        if (transB == 1) {
            w = w.transpose().dup('c');
        }
        INDArray b = ctx.hasInput(2) ? ctx.constant(2, "C (the bias)") : null;
        ctx.add(denseLayer(ctx, w, b, "C (the bias)"));
    }

    /** A Dense layer holding {@code w} {@code [in, out]} and {@code b} ({@code [out]} or {@code [1, out]}, or null). */
    static Dense denseLayer(ImportContext ctx, INDArray w, INDArray b, String biasRole) {
        long in = w.size(0);
        long out = w.size(1);
        ctx.requireFeatures(in, "the weight " + Arrays.toString(w.shape()));
        if (b != null
                && !(b.rank() == 1 && b.size(0) == out)
                && !(b.rank() == 2 && b.size(0) == 1 && b.size(1) == out)) {
            throw ctx.unsupported(biasRole + " has shape " + Arrays.toString(b.shape()) + ", expected [" + out
                    + "] or [1, " + out + "]");
        }
        Dense d = new Dense(
                in,
                out,
                b != null,
                ctx.dataType(),
                Dense.DEFAULT_WEIGHT_INIT,
                Dense.DEFAULT_BIAS_INIT,
                ctx.layerIndex());
        d.weight().value().assign(w);
        if (b != null) {
            d.bias().value().assign(b.reshape(out));
        }
        ctx.setShape(2, out);
        return d;
    }
}
