package org.myelin.onnx;

import java.util.List;
import org.myelin.nn.Flatten;

/** {@link Flatten} ({@code [N, d1, d2, ...] -> [N, d1 d2 ...]}, row-major) as ONNX {@code Flatten(axis = 1)}. */
final class FlattenExporter implements LayerExporter<Flatten> {
    @Override
    public Class<Flatten> layerClass() {
        return Flatten.class;
    }

    @Override
    public String export(Flatten layer, String prefix, String input, GraphBuilder g) {
        g.takesAnyRank();
        g.setFeatures(g.rank() == 2 ? g.features() : -1); // the image size, hence the width, is not fixed
        return g.node(prefix + "Flatten", "Flatten", List.of(input), GraphBuilder.intAttribute("axis", 1));
    }
}
