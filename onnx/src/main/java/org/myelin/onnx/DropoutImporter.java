package org.myelin.onnx;

import org.myelin.nn.Dropout;

/**
 * ONNX {@code Dropout} as a {@link Dropout} layer with its ratio (an input from opset 12 on, an attribute before;
 * default 0.5). The {@code training_mode} input is not supported: Myelin switches modes with train() and eval().
 */
final class DropoutImporter implements NodeImporter {
    @Override
    public String opType() {
        return "Dropout";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireInputs(1, 2);
        double ratio;
        if (ctx.opset() < 12) {
            ctx.allowAttributes("ratio", "is_test");
            ratio = ctx.floatAttribute("ratio", 0.5);
        } else {
            ctx.allowAttributes("seed");
            ratio = ctx.hasInput(1) ? ctx.scalarConstant(1, "ratio") : 0.5;
        }
        if (!(ratio >= 0 && ratio < 1)) {
            throw ctx.unsupported("ratio = " + ratio + "; supported: a ratio in [0, 1)");
        }
        ctx.add(new Dropout(ratio, ctx.intAttribute("seed", ctx.layerIndex())));
    }
}
