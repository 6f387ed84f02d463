package org.myelin.onnx;

import java.util.List;
import org.myelin.nn.Dropout;

/**
 * {@link Dropout} as ONNX {@code Dropout(X, ratio)} without {@code training_mode}: the identity at inference,
 * as in Myelin's evaluation mode, with the rate kept for fine-tuning after import.
 */
final class DropoutExporter implements LayerExporter<Dropout> {
    @Override
    public Class<Dropout> layerClass() {
        return Dropout.class;
    }

    @Override
    public String export(Dropout layer, String prefix, String input, GraphBuilder g) {
        String ratio = g.initializer(Tensors.scalar(prefix + "ratio", layer.rate(), g.dataType()));
        return g.node(prefix + "Dropout", "Dropout", List.of(input, ratio));
    }
}
