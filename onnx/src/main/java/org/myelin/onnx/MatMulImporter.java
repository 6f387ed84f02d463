package org.myelin.onnx;

import onnx.Onnx.NodeProto;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code MatMul(X, W)}, optionally followed by {@code Add(., b)} with a constant b, as a {@link
 * org.myelin.nn.Dense} layer: W {@code [in, out]}, b {@code [out]} or {@code [1, out]}.
 */
final class MatMulImporter implements NodeImporter {
    @Override
    public String opType() {
        return "MatMul";
    }

    @Override
    public void read(ImportContext ctx) {
        ctx.requireRank2();
        ctx.requireInputs(2, 2);
        ctx.allowAttributes();
        if (!ctx.isInitializer(1)) {
            throw ctx.unsupported(
                    "input 1 " + OnnxFormatException.name(ctx.node().getInput(1))
                            + " is not a constant; supported: X times a constant weight [in, out]");
        }
        INDArray w = ctx.constant(1, "the weight");
        if (w.rank() != 2) {
            throw ctx.unsupported("the weight has rank " + w.rank() + ", expected 2");
        }
        INDArray b = null;
        NodeProto next = ctx.peekNext();
        String out = ctx.node().getOutput(0);
        if (next != null
                && next.getOpType().equals("Add")
                && next.getInputCount() == 2
                && next.getAttributeCount() == 0
                && (next.getInput(0).equals(out) || next.getInput(1).equals(out))) {
            NodeProto add = ctx.takeNext();
            int biasInput = add.getInput(0).equals(out) ? 1 : 0;
            b = ctx.constant(add, biasInput, "the bias");
        }
        ctx.add(GemmImporter.denseLayer(ctx, w, b, "the bias"));
    }
}
