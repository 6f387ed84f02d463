package org.myelin.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import org.myelin.nn.Conv2d;

/**
 * {@link Conv2d} as ONNX {@code Conv(X, W, b)} (group 1; b left out without bias) with {@code kernel_shape},
 * {@code strides}, {@code dilations} and {@code pads = [top, left, bottom, right]}. "Same" padding becomes explicit
 * pads where the stride is 1 along both axes (the total padding {@code d (k - 1)} does not depend on the image size;
 * the smaller half goes first, as in Myelin) and {@code auto_pad = SAME_UPPER} otherwise (the same split, computed
 * by the consumer from the image size).
 */
final class Conv2dExporter implements LayerExporter<Conv2d> {
    @Override
    public Class<Conv2d> layerClass() {
        return Conv2d.class;
    }

    @Override
    public String export(Conv2d layer, String prefix, String input, GraphBuilder g) {
        Map<String, Object> c = layer.config();
        long[] kernel = pair(c.get("kernel"));
        long[] stride = pair(c.get("stride"));
        long[] dilation = pair(c.get("dilation"));
        List<AttributeProto> attributes = new ArrayList<>(List.of(
                GraphBuilder.intsAttribute("kernel_shape", kernel),
                GraphBuilder.intsAttribute("strides", stride),
                GraphBuilder.intsAttribute("dilations", dilation),
                GraphBuilder.intAttribute("group", 1)));
        if (!"same".equals(c.get("padding"))) {
            long[] p = pair(c.get("padding"));
            attributes.add(GraphBuilder.intsAttribute("pads", p[0], p[1], p[0], p[1]));
        } else if (stride[0] == 1 && stride[1] == 1) {
            long totalH = dilation[0] * (kernel[0] - 1);
            long totalW = dilation[1] * (kernel[1] - 1);
            attributes.add(GraphBuilder.intsAttribute(
                    "pads", totalH / 2, totalW / 2, totalH - totalH / 2, totalW - totalW / 2));
        } else {
            attributes.add(GraphBuilder.stringAttribute("auto_pad", "SAME_UPPER"));
        }
        g.takesImages(layer.in());
        List<String> inputs = new ArrayList<>(
                List.of(input, g.initializer(prefix + "weight", layer.weight().value())));
        if (layer.bias() != null) {
            inputs.add(g.initializer(prefix + "bias", layer.bias().value()));
        }
        g.setImages(layer.out());
        return g.node(prefix + "Conv", "Conv", inputs, attributes.toArray(new AttributeProto[0]));
    }

    /** A config pair ({@code [a, b]}) as longs. */
    static long[] pair(Object listOfTwo) {
        List<?> l = (List<?>) listOfTwo;
        return new long[] {((Number) l.get(0)).longValue(), ((Number) l.get(1)).longValue()};
    }
}
