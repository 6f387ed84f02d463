package org.myelin.onnx;

import java.util.List;
import org.myelin.nn.LayerNorm;

/** {@link LayerNorm} as ONNX {@code LayerNormalization(X, gain, shift)} over the last axis (opset 17). */
final class LayerNormExporter implements LayerExporter<LayerNorm> {
    @Override
    public Class<LayerNorm> layerClass() {
        return LayerNorm.class;
    }

    @Override
    public String export(LayerNorm layer, String prefix, String input, GraphBuilder g) {
        g.takes(layer.features());
        g.setFeatures(layer.features());
        return g.node(
                prefix + "LayerNormalization",
                "LayerNormalization",
                List.of(
                        input,
                        g.initializer(prefix + "gain", layer.gain().value()),
                        g.initializer(prefix + "shift", layer.shift().value())),
                GraphBuilder.intAttribute("axis", -1),
                GraphBuilder.floatAttribute("epsilon", layer.eps()));
    }
}
