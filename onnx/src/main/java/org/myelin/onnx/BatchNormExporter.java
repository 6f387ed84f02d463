package org.myelin.onnx;

import java.util.List;
import org.myelin.nn.BatchNorm;

/**
 * {@link BatchNorm} in evaluation mode as ONNX {@code BatchNormalization(X, gain, shift, runningMean,
 * runningVariance)}: {@code Y = gain (X - mean) / sqrt(var + epsilon) + shift}, per feature of {@code [N, C]} or
 * per channel of {@code [N, C, H, W]} (after a convolution or pooling; a model starting with batch norm takes
 * {@code [N, C]}). ONNX's momentum weighs the old
 * running value, Myelin's the new batch, so ONNX momentum = 1 - Myelin momentum.
 */
final class BatchNormExporter implements LayerExporter<BatchNorm> {
    @Override
    public Class<BatchNorm> layerClass() {
        return BatchNorm.class;
    }

    @Override
    public String export(BatchNorm layer, String prefix, String input, GraphBuilder g) {
        if (g.rank() == 4) { // per channel over [N, C, H, W], as Myelin's BatchNorm on images
            g.setImages(layer.features());
        } else {
            g.takes(layer.features());
            g.setFeatures(layer.features());
        }
        return g.node(
                prefix + "BatchNormalization",
                "BatchNormalization",
                List.of(
                        input,
                        g.initializer(prefix + "gain", layer.gain().value()),
                        g.initializer(prefix + "shift", layer.shift().value()),
                        g.initializer(prefix + "runningMean", layer.runningMean()),
                        g.initializer(prefix + "runningVariance", layer.runningVariance())),
                GraphBuilder.floatAttribute("epsilon", layer.eps()),
                GraphBuilder.floatAttribute("momentum", 1 - layer.momentum()));
    }
}
