package org.myelin.onnx;

import onnx.Onnx.NodeProto;
import org.myelin.nn.ActivationLayer;
import org.myelin.ops.Activations;

/**
 * {@code Cast(GreaterOrEqual(Z, 0), to = the model's type)} (what {@link ActivationExporter} writes for the
 * threshold activation) as an {@link ActivationLayer} with {@link Activations#THRESHOLD}.
 */
final class ThresholdImporter implements NodeImporter {
    @Override
    public String opType() {
        return "GreaterOrEqual";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireRank2();
        ctx.requireInputs(2, 2);
        ctx.allowAttributes();
        if (ctx.scalarConstant(1, "the threshold") != 0) {
            throw ctx.unsupported("compares with " + ctx.scalarConstant(1, "the threshold")
                    + "; supported: Cast(GreaterOrEqual(Z, 0)), the threshold (step) activation");
        }
        NodeProto next = ctx.peekNext();
        if (next == null || !next.getOpType().equals("Cast")) {
            throw ctx.unsupported("is not followed by a Cast; supported: Cast(GreaterOrEqual(Z, 0)), the threshold"
                    + " (step) activation");
        }
        ctx.takeNext();
        ctx.requireInputs(1, 1);
        ctx.allowAttributes("to");
        long to = ctx.intAttribute("to", -1);
        if (to != Tensors.onnxType(ctx.dataType())) {
            throw ctx.unsupported("casts to " + Tensors.typeName(to) + ", expected the model's type "
                    + Tensors.typeName(Tensors.onnxType(ctx.dataType())));
        }
        ctx.add(new ActivationLayer(Activations.THRESHOLD));
    }
}
