package org.myelin.onnx;

import java.util.List;
import java.util.Map;
import org.myelin.nn.Pool2d;

/**
 * {@link Pool2d} as ONNX {@code MaxPool} or {@code AveragePool} with {@code kernel_shape}, {@code strides} and
 * symmetric {@code pads}; averages with {@code count_include_pad = 0} (Myelin averages the cells inside the image)
 * and maxima over the cells inside the image (ONNX pads MaxPool with -infinity: the same). Floor rounding
 * ({@code ceil_mode = 0}).
 */
final class Pool2dExporter implements LayerExporter<Pool2d> {
    @Override
    public Class<Pool2d> layerClass() {
        return Pool2d.class;
    }

    @Override
    public String export(Pool2d layer, String prefix, String input, GraphBuilder g) {
        Map<String, Object> c = layer.config();
        long[] kernel = Conv2dExporter.pair(c.get("kernel"));
        long[] stride = Conv2dExporter.pair(c.get("stride"));
        long[] p = Conv2dExporter.pair(c.get("padding"));
        g.takesImages(-1);
        g.setImages(g.rank() == 4 ? g.features() : -1);
        String op = layer.isMax() ? "MaxPool" : "AveragePool";
        var kernelShape = GraphBuilder.intsAttribute("kernel_shape", kernel);
        var strides = GraphBuilder.intsAttribute("strides", stride);
        var pads = GraphBuilder.intsAttribute("pads", p[0], p[1], p[0], p[1]);
        var ceil = GraphBuilder.intAttribute("ceil_mode", 0);
        return layer.isMax()
                ? g.node(prefix + op, op, List.of(input), kernelShape, strides, pads, ceil)
                : g.node(
                        prefix + op,
                        op,
                        List.of(input),
                        kernelShape,
                        strides,
                        pads,
                        ceil,
                        GraphBuilder.intAttribute("count_include_pad", 0));
    }
}
