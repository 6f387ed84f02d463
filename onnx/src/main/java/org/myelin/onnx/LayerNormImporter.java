package org.myelin.onnx;

import org.myelin.nn.LayerNorm;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code LayerNormalization(X, Scale, B)} over the features (axis 1 or -1 of [batch, features]; opset 17) as
 * a {@link LayerNorm} layer; an absent B is a zero shift.
 */
final class LayerNormImporter implements NodeImporter {
    @Override
    public String opType() {
        return "LayerNormalization";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireRank2();
        ctx.requireInputs(2, 3);
        ctx.allowAttributes("axis", "epsilon", "stash_type");
        long axis = ctx.intAttribute("axis", -1);
        if (axis != 1 && axis != -1) {
            throw ctx.unsupported("axis = " + axis + "; supported: the feature axis (1 or -1) of [batch, features]");
        }
        long stash = ctx.intAttribute("stash_type", 1);
        if (stash != 1) {
            throw ctx.unsupported("stash_type = " + stash + "; supported: 1 (statistics in float32 or wider)");
        }
        INDArray gain = ctx.constant(1, "Scale");
        long n = gain.length();
        ctx.requireShape(gain, "Scale", n);
        ctx.requireFeatures(n, "Scale [" + n + "]");
        LayerNorm layer = new LayerNorm(n, ctx.floatAttribute("epsilon", 1e-5), ctx.dataType());
        layer.gain().value().assign(gain);
        if (ctx.hasInput(2)) {
            INDArray shift = ctx.constant(2, "B");
            ctx.requireShape(shift, "B", n);
            layer.shift().value().assign(shift);
        }
        ctx.setShape(2, n);
        ctx.add(layer);
    }
}
