package org.myelin.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import onnx.Onnx.AttributeProto;
import org.myelin.nn.Conv2d;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@link Conv2d} as ONNX {@code Conv(X, W, b)} (group 1; b left out without bias) with {@code kernel_shape},
 * {@code strides}, {@code dilations} and {@code pads = [top, left, bottom, right]}. "Same" padding becomes explicit
 * pads where the stride is 1 along both axes (the total padding {@code d (k - 1)} does not depend on the image size;
 * the smaller half goes first, as in Myelin) and {@code auto_pad = SAME_UPPER} otherwise (the same split, computed
 * by the consumer from the image size). ONNX Runtime refuses {@code SAME_UPPER} with a dilation above 1 ("Dilation
 * not supported for AutoPadType::SAME_UPPER"), so a dilated "same" convolution at a larger stride is written with its
 * kernel dilated ({@code d (k - 1) + 1} wide, the weights at every d-th cell, zeros between) and dilations 1: the
 * same window, the same SAME_UPPER split and the same sums; it imports back as that undilated kernel.
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
        INDArray weight = layer.weight().value();
        boolean autoPad = "same".equals(c.get("padding")) && (stride[0] != 1 || stride[1] != 1);
        if (autoPad && (dilation[0] != 1 || dilation[1] != 1)) {
            weight = dilate(weight, dilation);
            kernel = new long[] {weight.size(2), weight.size(3)};
            dilation = new long[] {1, 1};
        }
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
        List<String> inputs = new ArrayList<>(List.of(input, g.initializer(prefix + "weight", weight)));
        if (layer.bias() != null) {
            inputs.add(g.initializer(prefix + "bias", layer.bias().value()));
        }
        g.setImages(layer.out());
        return g.node(prefix + "Conv", "Conv", inputs, attributes.toArray(new AttributeProto[0]));
    }

    /** {@code w [out, in, kh, kw]} spread to {@code [out, in, dh (kh - 1) + 1, dw (kw - 1) + 1]}, zeros between. */
    static INDArray dilate(INDArray w, long[] d) {
        long kh = w.size(2);
        long kw = w.size(3);
        INDArray out = Nd4j.zeros(w.dataType(), w.size(0), w.size(1), d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1);
        for (long i = 0; i < kh; i++) {
            for (long j = 0; j < kw; j++) {
                out.get(
                                NDArrayIndex.all(),
                                NDArrayIndex.all(),
                                NDArrayIndex.point(i * d[0]),
                                NDArrayIndex.point(j * d[1]))
                        .assign(w.get(
                                NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(i), NDArrayIndex.point(j)));
            }
        }
        return out;
    }

    /** A config pair ({@code [a, b]}) as longs. */
    static long[] pair(Object listOfTwo) {
        List<?> l = (List<?>) listOfTwo;
        return new long[] {((Number) l.get(0)).longValue(), ((Number) l.get(1)).longValue()};
    }
}
