package org.myelin.onnx;

import org.myelin.nn.BatchNorm;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX {@code BatchNormalization(X, scale, B, mean, var)} in inference form (one output, training_mode = 0) as a
 * {@link BatchNorm} layer (over [batch, features] or per channel of [batch, channels, H, W]) holding scale, B and the running statistics; ONNX momentum m (weight of the old running
 * value, default 0.9) becomes Myelin momentum 1 - m.
 */
final class BatchNormImporter implements NodeImporter {
    @Override
    public String opType() {
        return "BatchNormalization";
    }

    @Override
    public void read(ImportContext ctx) {
        if (ctx.rank() != 2 && ctx.rank() != 4) {
            throw ctx.unsupported("gets a " + ctx.rankName() + " value; supported: [batch, features] or images"
                    + " [batch, channels, height, width] (per channel)");
        }
        ctx.requireInputs(5, 5);
        ctx.allowAttributes("epsilon", "momentum", "training_mode", "spatial");
        if (ctx.intAttribute("training_mode", 0) != 0) {
            throw ctx.unsupported("training_mode = 1 is not supported; supported: the inference form");
        }
        if (ctx.intAttribute("spatial", 1) != 1) {
            throw ctx.unsupported("spatial = 0 is not supported; supported: spatial = 1");
        }
        INDArray gain = ctx.constant(1, "scale");
        long n = gain.length();
        ctx.requireShape(gain, "scale", n);
        ctx.requireFeatures(n, "scale [" + n + "]");
        INDArray shift = ctx.constant(2, "B");
        ctx.requireShape(shift, "B", n);
        INDArray mean = ctx.constant(3, "input_mean");
        ctx.requireShape(mean, "input_mean", n);
        INDArray var = ctx.constant(4, "input_var");
        ctx.requireShape(var, "input_var", n);
        double momentum = ctx.floatAttribute("momentum", 0.9);
        BatchNorm layer = new BatchNorm(
                n,
                ctx.floatAttribute("epsilon", 1e-5),
                Double.parseDouble(Float.toString((float) (1 - momentum))),
                ctx.dataType());
        layer.gain().value().assign(gain);
        layer.shift().value().assign(shift);
        layer.runningMean().assign(mean);
        layer.runningVariance().assign(var);
        ctx.setShape(ctx.rank(), n);
        ctx.add(layer);
    }
}
