package org.myelin.onnx;

import java.util.ArrayList;
import java.util.List;
import org.myelin.nn.Dense;

/** {@link Dense} as {@code Gemm(X, W, b)} = {@code X W + b} (alpha = beta = 1, no transposes; b left out without bias). */
final class DenseExporter implements LayerExporter<Dense> {
    @Override
    public Class<Dense> layerClass() {
        return Dense.class;
    }

    @Override
    public String export(Dense layer, String prefix, String input, GraphBuilder g) {
        g.takes(layer.in());
        List<String> inputs = new ArrayList<>(
                List.of(input, g.initializer(prefix + "weight", layer.weight().value())));
        if (layer.hasBias()) {
            inputs.add(g.initializer(prefix + "bias", layer.bias().value()));
        }
        g.setFeatures(layer.out());
        return g.node(prefix + "Gemm", "Gemm", inputs);
    }
}
