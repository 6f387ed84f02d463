package org.myelin.onnx;

import java.util.List;
import org.myelin.nn.GlobalAvgPool2d;

/**
 * {@link GlobalAvgPool2d} ({@code [N, C, H, W] -> [N, C]}) as ONNX {@code GlobalAveragePool} ({@code [N, C, 1, 1]})
 * followed by {@code Flatten(axis = 1)}; the importer reads that pair back as one layer.
 */
final class GlobalAvgPool2dExporter implements LayerExporter<GlobalAvgPool2d> {
    @Override
    public Class<GlobalAvgPool2d> layerClass() {
        return GlobalAvgPool2d.class;
    }

    @Override
    public String export(GlobalAvgPool2d layer, String prefix, String input, GraphBuilder g) {
        g.takesImages(-1);
        long channels = g.rank() == 4 ? g.features() : -1;
        String pooled = g.node(prefix + "GlobalAveragePool", "GlobalAveragePool", List.of(input));
        g.setFeatures(channels);
        return g.node(prefix + "Flatten", "Flatten", List.of(pooled), GraphBuilder.intAttribute("axis", 1));
    }
}
