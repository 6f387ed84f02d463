package org.myelin.onnx;

import java.util.Set;
import onnx.Onnx.NodeProto;
import org.myelin.nn.GlobalAvgPool2d;

/**
 * ONNX {@code GlobalAveragePool} ({@code [batch, C, H, W] -> [batch, C, 1, 1]}) followed by a flatten
 * ({@code Flatten(axis = 1)} or a {@code Reshape} to {@code [batch, C]}) as one {@link GlobalAvgPool2d}
 * ({@code -> [batch, C]}), the form Myelin exports.
 */
final class GlobalAveragePoolImporter implements NodeImporter {
    @Override
    public String opType() {
        return "GlobalAveragePool";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireRank4();
        ctx.requireInputs(1, 1);
        ctx.allowAttributes();
        NodeProto next = ctx.peekNext();
        if (next == null || !Set.of("Flatten", "Reshape").contains(next.getOpType())) {
            throw ctx.unsupported("is followed by "
                    + (next == null ? "nothing" : OnnxFormatException.node(next))
                    + "; supported: GlobalAveragePool then Flatten(axis = 1) or a Reshape to"
                    + " [batch, channels] (Myelin's GlobalAvgPool2d outputs [batch, channels])");
        }
        long channels = ctx.features();
        ctx.add(new GlobalAvgPool2d());
        ctx.takeNext();
        ctx.setShape(4, channels);
        ctx.setFlatFeatures(channels); // [batch, C, 1, 1] flattens to C features
        FlattenImporter.check(ctx);
        ctx.setShape(2, channels);
    }
}
