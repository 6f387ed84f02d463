package org.myelin.onnx;

import java.util.List;
import org.myelin.nn.ActivationLayer;
import org.myelin.ops.Activation;
import org.myelin.ops.Activations;

/**
 * {@link ActivationLayer} as the matching ONNX op: relu {@code Relu}, logistic {@code Sigmoid}, tanh {@code Tanh},
 * arctan {@code Atan}, identity {@code Identity}, leaky_relu {@code LeakyRelu(alpha = slope)}, softmax
 * {@code Softmax(axis = -1)}, one_hot {@code Hardmax(axis = -1)} (both take the first maximum on ties), threshold
 * {@code Cast(GreaterOrEqual(Z, 0))} (1 where z >= 0, else 0).
 */
final class ActivationExporter implements LayerExporter<ActivationLayer> {

    /** The activations this exporter writes, for messages. */
    static final String SUPPORTED = "relu, logistic, tanh, arctan, identity, leaky_relu, softmax, one_hot, threshold";

    @Override
    public Class<ActivationLayer> layerClass() {
        return ActivationLayer.class;
    }

    @Override
    public String export(ActivationLayer layer, String prefix, String input, GraphBuilder g) {
        Activation f = layer.activation();
        if (f instanceof Activations.LeakyRelu leaky) {
            return g.node(
                    prefix + "LeakyRelu",
                    "LeakyRelu",
                    List.of(input),
                    GraphBuilder.floatAttribute("alpha", leaky.slope()));
        }
        if ((f == Activations.SOFTMAX || f == Activations.ONE_HOT) && g.rank() == 4) {
            throw new IllegalArgumentException("ONNX export: layer " + (prefix.isEmpty() ? "" : prefix + " ") + layer
                    + " applies " + f.name() + " to images [N, C, H, W]; exportable: softmax and one_hot over"
                    + " [batch, features] (after a Flatten)");
        }
        if (f == Activations.SOFTMAX) {
            return g.node(prefix + "Softmax", "Softmax", List.of(input), GraphBuilder.intAttribute("axis", -1));
        }
        if (f == Activations.ONE_HOT) {
            return g.node(prefix + "Hardmax", "Hardmax", List.of(input), GraphBuilder.intAttribute("axis", -1));
        }
        if (f == Activations.THRESHOLD) {
            String zero = g.initializer(Tensors.scalar(prefix + "zero", 0, g.dataType()));
            String mask = g.node(prefix + "GreaterOrEqual", "GreaterOrEqual", List.of(input, zero));
            return g.node(
                    prefix + "Cast",
                    "Cast",
                    List.of(mask),
                    GraphBuilder.intAttribute("to", Tensors.onnxType(g.dataType())));
        }
        String op = elementwiseOp(f);
        if (op == null) {
            throw new IllegalArgumentException("ONNX export: layer " + (prefix.isEmpty() ? "" : prefix + " ") + layer
                    + " has activation '" + f.name() + "', which has no ONNX form; supported: " + SUPPORTED);
        }
        return g.node(prefix + op, op, List.of(input));
    }

    private static String elementwiseOp(Activation f) {
        if (f == Activations.RELU) {
            return "Relu";
        }
        if (f == Activations.LOGISTIC) {
            return "Sigmoid";
        }
        if (f == Activations.TANH) {
            return "Tanh";
        }
        if (f == Activations.ARCTAN) {
            return "Atan";
        }
        if (f == Activations.IDENTITY) {
            return "Identity";
        }
        return null;
    }
}
